// Package backup copies a Folio site — its database and its media library —
// into one archive while the site keeps serving, and restores such an
// archive into an empty place.
//
// It lives beside the stores because it copies what they keep, below the
// services: a backup is a snapshot of files and objects, not a walk over
// posts and comments, so nothing the stores hold (revisions, settings,
// likes, redirects, comment threading) can be forgotten by it.
//
// # The archive
//
// An archive is a tar stream holding, in this order:
//
//   - folio.db: a consistent copy of the SQLite database, made by the
//     source's BackupTo: VACUUM INTO, through an open
//     [github.com/folioblog/folio/storage/sqlitestore.Store] or, without
//     opening (and so migrating) one, a
//     [github.com/folioblog/folio/storage/sqlitestore.File];
//   - media/KEY: every object of the media bucket, if one is given;
//   - manifest.json: the [Manifest], naming each entry with its size and
//     SHA-256, the schema version read from the copy itself, and the time
//     of the copy.
//
// [WriteFile] writes to a temporary name in the target's directory, syncs
// it and renames it into place, so a backup killed half-way never leaves a
// file under the final name.
//
// # Restoring
//
// [Restore] reads the archive twice: the first pass checks every checksum,
// the manifest and the schema version (refusing, with [ErrSchemaTooNew], a
// database newer than the program restoring it) and writes nothing; only
// then does the second pass write the database and the media. It refuses a
// target that already holds a database or media ([ErrNotEmpty]) unless
// [Target.Force] is set.
//
// PostgreSQL sites are not backed up here: use pg_dump for the database
// and copy the media bucket with the provider's own tools.
package backup
