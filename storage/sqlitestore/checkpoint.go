package sqlitestore

import (
	"context"
	"database/sql"
	"sync/atomic"
	"time"
)

// checkpointEvery is how often the checkpointer of a Store made by Open
// copies the write-ahead log into the database file, when there were
// commits since the last time.
const checkpointEvery = 500 * time.Millisecond

// checkpointer runs WAL checkpoints off the request path, on a
// connection of its own: the writer connection of a Store made by Open
// runs with wal_autocheckpoint=0, so that no commit ever waits for a
// checkpoint's writes and fsyncs of the database file. A PASSIVE
// checkpoint takes no lock a writer or reader waits for; past
// walRestartFrames a RESTART one holds writers back briefly.
type checkpointer struct {
	db    *sql.DB // nil for a Store made by New: SQLite checkpoints on commit
	dirty atomic.Bool
	quit  chan struct{}
	done  chan struct{}
}

// startCheckpointer starts checkpointing on db every checkpointEvery.
func (s *Store) startCheckpointer(db *sql.DB) {
	s.ckpt = checkpointer{db: db, quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.ckpt.done)
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-s.ckpt.quit:
				s.checkpoint("TRUNCATE")
				return
			case <-t.C:
				if s.ckpt.dirty.Swap(false) && s.checkpoint("PASSIVE") > walRestartFrames {
					// Readers that never all leave the log at once keep
					// SQLite from starting it over: wait for them.
					s.checkpoint("RESTART")
				}
			}
		}
	}()
}

// walRestartFrames is the size of the log, in frames (pages), past which
// the checkpointer runs a RESTART checkpoint after its PASSIVE one: it
// waits for the readers of the log to finish and holds new writers back
// meanwhile (a few milliseconds), so that the next write starts the log
// over instead of growing it.
const walRestartFrames = 16384

// checkpoint runs one checkpoint of the given mode, records how long it
// took and returns the frames in the log.
func (s *Store) checkpoint(mode string) int {
	start := time.Now()
	var busy, logFrames, done int
	err := s.ckpt.db.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &logFrames, &done)
	s.stats.checkpoint.record(time.Since(start))
	if err != nil {
		return 0
	}
	s.stats.walFrames.record(time.Duration(logFrames))
	return logFrames
}

// stopCheckpointer runs a last checkpoint and closes its connection.
func (s *Store) stopCheckpointer() error {
	if s.ckpt.db == nil {
		return nil
	}
	close(s.ckpt.quit)
	<-s.ckpt.done
	return s.ckpt.db.Close()
}
