package comments

import (
	"context"
	"fmt"
)

// Counts returns the number of approved comments — the ones visitors see —
// on each of the threads keys, in one store call however many; a thread
// without any maps to 0. A store failure is returned wrapped.
func (s *Service) Counts(ctx context.Context, keys ...string) (map[string]int, error) {
	n, err := s.store.CountApproved(ctx, keys)
	if err != nil {
		return nil, fmt.Errorf("comments: count: %w", err)
	}
	return n, nil
}
