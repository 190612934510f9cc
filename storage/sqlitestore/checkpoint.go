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
// checkpoint takes no lock a writer or reader waits for.
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
				if s.ckpt.dirty.Swap(false) {
					s.checkpoint("PASSIVE")
				}
			}
		}
	}()
}

// checkpoint runs one checkpoint of the given mode and records how long
// it took.
func (s *Store) checkpoint(mode string) {
	start := time.Now()
	var busy, logFrames, done int
	err := s.ckpt.db.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &logFrames, &done)
	s.stats.checkpoint.record(time.Since(start))
	if err == nil {
		s.stats.walFrames.record(time.Duration(logFrames))
	}
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
