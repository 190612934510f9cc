package content

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// Entry is what Sync remembers of one file: the post it became and the
// hash of what it wrote. A removed file keeps its entry with an empty Hash,
// so that the post comes back if the file does.
type Entry struct {
	PostID int64  `json:"post_id"`
	Hash   string `json:"hash"`
	Slug   string `json:"slug,omitempty"` // the slug the post was given
}

// State keeps the path → post map between runs of [Sync]. Load returns an
// empty map, not an error, when nothing was saved yet.
type State interface {
	Load(ctx context.Context) (map[string]Entry, error)
	Save(ctx context.Context, entries map[string]Entry) error
}

// MemState is a State in memory, for tests and a site that syncs at start
// into a fresh in-memory store. Its zero value is ready.
type MemState struct {
	mu sync.Mutex
	m  map[string]Entry
}

func (s *MemState) Load(context.Context) (map[string]Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]Entry, len(s.m))
	for k, v := range s.m {
		out[k] = v
	}
	return out, nil
}

func (s *MemState) Save(_ context.Context, entries map[string]Entry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m = make(map[string]Entry, len(entries))
	for k, v := range entries {
		s.m[k] = v
	}
	return nil
}

// FileState is a State in a JSON file, written by rename so that a crash
// leaves the old or the new file whole. Keep it beside the database the
// posts are in.
type FileState string

func (f FileState) Load(context.Context) (map[string]Entry, error) {
	data, err := os.ReadFile(string(f))
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]Entry{}, nil
	}
	if err != nil {
		return nil, err
	}
	m := map[string]Entry{}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("content state %s: %w", string(f), err)
	}
	return m, nil
}

func (f FileState) Save(_ context.Context, entries map[string]Entry) error {
	data, err := json.MarshalIndent(entries, "", "\t")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(string(f)), ".content-state-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), string(f))
}
