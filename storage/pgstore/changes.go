package pgstore

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/folioblog/folio/blog"
)

// Reconnection delays of the change listener: doubling from the first to
// the last, with jitter, until the Store is closed.
const (
	listenMinDelay = 50 * time.Millisecond
	listenMaxDelay = 5 * time.Second
	// readyWait is how long Changes waits for the listener to be
	// listening before it returns anyway.
	readyWait = 5 * time.Second
)

// feed is a Store's change feed: one dedicated connection running LISTEN,
// started by the first call to Changes, fanning notifications out to every
// subscriber. All fields are guarded by mu.
type feed struct {
	s *Store

	mu        sync.Mutex
	subs      map[*subscriber]struct{}
	started   bool
	closed    bool
	listening bool
	// ready is closed when the listener is listening; a new one replaces
	// it when the connection is lost.
	ready chan struct{}

	ctx    context.Context // cancelled by stop
	cancel context.CancelFunc
	done   chan struct{} // closed when the listener goroutine ends
}

// subscriber is one channel returned by Changes.
type subscriber struct {
	ch chan blog.Change
	// missed is set while the subscriber may have missed events because
	// the listener was not listening when it subscribed; it then gets a
	// flush once the listener is.
	missed bool
	// waiting is set while Changes waits for the listener on behalf of
	// this subscriber; the waiting call settles missed itself.
	waiting bool
}

func newFeed(s *Store) *feed {
	ctx, cancel := context.WithCancel(context.Background())
	return &feed{
		s:      s,
		subs:   make(map[*subscriber]struct{}),
		ready:  make(chan struct{}),
		ctx:    ctx,
		cancel: cancel,
		done:   make(chan struct{}),
	}
}

// OnChange calls fn after each write this Store commits, in the writer's
// goroutine, before the write returns; see [blog.ChangeHook]. Only this
// process's writes are reported here; [Store.Changes] reports every
// instance's, a moment later.
func (s *Store) OnChange(fn func(blog.Change)) (remove func()) {
	return s.hooks.OnChange(fn)
}

// Changes delivers a [blog.Change] for every write committed to the
// Store's tables, by this Store or by any other sharing the database (and
// schema), until ctx is done or the Store is closed; then the channel is
// closed. Each call gets its own buffered channel (see [WithChangeBuffer]).
// A reader that falls behind is not waited for: when its buffer is full
// it gets one [blog.ChangeFlush] instead of the changes that did not fit.
// Every reader also gets a ChangeFlush after the feed's connection was
// lost and restored, since changes may have been missed meanwhile.
//
// The first call starts the feed: one connection per Store, outside the
// pool, running LISTEN. Changes waits (a few seconds at most, and no
// longer than ctx allows) until it listens, so that writes made after
// Changes returns are reported; if it must return first, the reader gets
// a ChangeFlush once the feed is listening.
func (s *Store) Changes(ctx context.Context) <-chan blog.Change {
	f := s.feed
	sub := &subscriber{ch: make(chan blog.Change, s.cfg.changeBuffer)}
	f.mu.Lock()
	if f.closed || ctx.Err() != nil {
		f.mu.Unlock()
		close(sub.ch)
		return sub.ch
	}
	sub.missed = !f.listening
	sub.waiting = sub.missed
	f.subs[sub] = struct{}{}
	if !f.started {
		f.started = true
		go f.run()
	}
	ready, missed := f.ready, sub.missed
	f.mu.Unlock()

	if missed {
		timer := time.NewTimer(readyWait)
		select {
		case <-ready:
		case <-ctx.Done():
		case <-f.ctx.Done():
		case <-timer.C:
		}
		timer.Stop()
		f.mu.Lock()
		sub.waiting = false
		if f.listening {
			// Listening before Changes returns: the caller has missed
			// nothing it could expect to see.
			sub.missed = false
		}
		f.mu.Unlock()
	}

	go func() {
		select {
		case <-ctx.Done():
		case <-f.ctx.Done():
		}
		f.unsubscribe(sub)
	}()
	return sub.ch
}

// unsubscribe removes sub and closes its channel, unless stop did.
func (f *feed) unsubscribe(sub *subscriber) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.subs[sub]; ok {
		delete(f.subs, sub)
		close(sub.ch)
	}
}

// stop ends the listener and closes every subscriber's channel.
func (f *feed) stop() {
	f.cancel()
	f.mu.Lock()
	f.closed = true
	started := f.started
	for sub := range f.subs {
		delete(f.subs, sub)
		close(sub.ch)
	}
	f.mu.Unlock()
	if started {
		<-f.done
	}
}

// send queues c for sub without blocking. The last slot of the buffer is
// kept for a flush: when only that slot is left, sub gets a ChangeFlush
// instead of c, and while the buffer is full (its last item being that
// flush, not yet read) further changes are dropped, which the flush
// covers. The caller holds f.mu, so only one goroutine sends.
func (sub *subscriber) send(c blog.Change) {
	switch n := len(sub.ch); {
	case n < cap(sub.ch)-1:
		sub.ch <- c
	case n == cap(sub.ch)-1:
		sub.ch <- blog.Change{Kind: blog.ChangeFlush}
	}
}

// flush queues a ChangeFlush for sub, unless its full buffer already ends
// with one.
func (sub *subscriber) flush() {
	if len(sub.ch) < cap(sub.ch) {
		sub.ch <- blog.Change{Kind: blog.ChangeFlush}
	}
}

// deliver sends c to every subscriber.
func (f *feed) deliver(c blog.Change) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for sub := range f.subs {
		sub.send(c)
	}
}

// setListening records that the listener is (or is no longer) listening.
// On listening again after a lost connection every subscriber gets a
// flush; on first listening, those that subscribed before it did.
func (f *feed) setListening(on, reconnected bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.listening == on {
		return
	}
	f.listening = on
	if !on {
		f.ready = make(chan struct{})
		return
	}
	for sub := range f.subs {
		if reconnected || (sub.missed && !sub.waiting) {
			sub.flush()
			sub.missed = false
		}
	}
	close(f.ready)
}

// run is the listener goroutine: it connects, listens, and reads
// notifications until the Store is closed, reconnecting with backoff
// whenever the connection fails.
func (f *feed) run() {
	defer close(f.done)
	log := f.s.cfg.logger
	delay := listenMinDelay
	connected := false // at least once
	for {
		conn, err := f.listen()
		if err != nil {
			if f.ctx.Err() != nil {
				return
			}
			log.Warn("pgstore: change feed: connect failed", "err", err, "retry", delay)
			jitter := time.Duration(rand.Int64N(int64(delay)/2 + 1))
			select {
			case <-time.After(delay + jitter):
			case <-f.ctx.Done():
				return
			}
			delay = min(2*delay, listenMaxDelay)
			continue
		}
		delay = listenMinDelay
		f.setListening(true, connected)
		connected = true
		err = f.receive(conn)
		f.setListening(false, false)
		closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn.Close(closeCtx)
		cancel()
		if f.ctx.Err() != nil {
			return
		}
		log.Warn("pgstore: change feed: connection lost", "err", err)
	}
}

// listen opens the listener's connection, with the pool's settings, and
// subscribes it to the Store's channel.
func (f *feed) listen() (*pgx.Conn, error) {
	cfg := f.s.pool.Config().ConnConfig.Copy()
	params := make(map[string]string, len(cfg.RuntimeParams)+1)
	for k, v := range cfg.RuntimeParams {
		params[k] = v
	}
	params["application_name"] = "folio-pgstore-listener"
	cfg.RuntimeParams = params
	ctx, cancel := context.WithTimeout(f.ctx, 10*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{f.s.channel}.Sanitize()); err != nil {
		conn.Close(context.Background())
		return nil, err
	}
	return conn, nil
}

// receive reads notifications until the connection fails or the Store is
// closed.
func (f *feed) receive(conn *pgx.Conn) error {
	for {
		n, err := conn.WaitForNotification(f.ctx)
		if err != nil {
			return err
		}
		f.deliver(parseChange(n.Payload))
	}
}

// notification is the JSON payload of a change event.
type notification struct {
	Kind   string `json:"kind"`
	PostID int64  `json:"post_id"`
	Thread string `json:"thread"`
}

// parseChange reads a payload; one it cannot read becomes a flush.
func parseChange(payload string) blog.Change {
	var n notification
	if err := json.Unmarshal([]byte(payload), &n); err != nil {
		return blog.Change{Kind: blog.ChangeFlush}
	}
	switch k := blog.ChangeKind(n.Kind); k {
	case blog.ChangePost, blog.ChangeLike:
		return blog.Change{Kind: k, PostID: n.PostID}
	case blog.ChangeComment:
		return blog.Change{Kind: k, Thread: n.Thread}
	}
	return blog.Change{Kind: blog.ChangeFlush}
}

// OtherWrites is [Store.Changes]: it carries the writes of every process
// sharing the database, not only this one's; see [blog.SharedChangeFeed].
func (s *Store) OtherWrites(ctx context.Context) <-chan blog.Change { return s.Changes(ctx) }
