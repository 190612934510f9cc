package comments

import "context"

// WithRefusals sets f to be told of every submission [Service.Submit]
// refuses, with the error it returns (a [*ValidationError], [ErrFlood],
// [ErrDuplicate], [ErrClosed], [ErrBadToken]…), so that a host can count
// refusals by cause. It is called synchronously, after the refusal, and
// must be quick; nothing was stored.
func WithRefusals(f func(ctx context.Context, err error)) Option {
	return func(s *Service) { s.refused = f }
}
