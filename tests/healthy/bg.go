package main

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// startBackground starts the service's periodic loops. Each one owns a
// ticker it stops on the way out, and returns when ctx is done.
func (s *service) startBackground() {
	ctx, cancel := context.WithCancel(s.ctx)
	s.stopBg = cancel
	s.loop(ctx, 100*time.Millisecond, s.flushMetrics)
	s.loop(ctx, 500*time.Millisecond, s.probeBackend)
	s.loop(ctx, time.Second, s.compact)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP) // before anyone can send one
	s.bg.Add(1)
	go s.signals(ctx, hup)
	s.beat = startHeartbeat(300 * time.Millisecond)
}

// loop runs fn every period until ctx is done.
func (s *service) loop(ctx context.Context, period time.Duration, fn func(context.Context)) {
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				fn(ctx)
			}
		}
	}()
}

var metrics struct {
	sync.Mutex
	last map[string]int64
}

func (s *service) flushMetrics(ctx context.Context) {
	metrics.Lock()
	defer metrics.Unlock()
	if metrics.last == nil {
		metrics.last = map[string]int64{}
	}
	metrics.last["requests"] = atomic.LoadInt64(&s.requests)
	metrics.last["db"] = atomic.LoadInt64(&s.db.served)
}

// probeBackend checks the backend's health with a short deadline.
func (s *service) probeBackend(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if _, err := s.fetch(ctx, s.plain, "/healthz"); err != nil && ctx.Err() == nil {
		fmt.Fprintln(os.Stderr, "backend unhealthy:", err)
	}
}

// compact is a periodic batch job: four workers over shards, and the loop
// waits for them (sync.WaitGroup) before its next tick.
func (s *service) compact(ctx context.Context) {
	var wg sync.WaitGroup
	for shard := 0; shard < 4; shard++ {
		wg.Add(1)
		go func(shard int) {
			defer wg.Done()
			deadline := time.Now().Add(time.Duration(100+rand.Intn(200)) * time.Millisecond)
			for time.Now().Before(deadline) && ctx.Err() == nil {
				s.sessions.Sweep(shard)
				time.Sleep(5 * time.Millisecond)
			}
		}(shard)
	}
	wg.Wait()
}

// signals reloads the configuration on SIGHUP until ctx is done.
func (s *service) signals(ctx context.Context, hup chan os.Signal) {
	defer s.bg.Done()
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			atomic.AddInt64(&s.reloads, 1)
		}
	}
}

// heartbeat re-arms a time.AfterFunc from its own callback.
type heartbeat struct {
	mu      sync.Mutex
	t       *time.Timer
	every   time.Duration
	stopped bool
	n       int64
}

func startHeartbeat(every time.Duration) *heartbeat {
	h := &heartbeat{every: every}
	h.mu.Lock()
	h.t = time.AfterFunc(every, h.fire)
	h.mu.Unlock()
	return h
}

func (h *heartbeat) fire() {
	atomic.AddInt64(&h.n, 1)
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.stopped {
		h.t.Reset(h.every)
	}
}

func (h *heartbeat) count() int64 { return atomic.LoadInt64(&h.n) }

func (h *heartbeat) Stop() {
	h.mu.Lock()
	h.stopped = true
	h.t.Stop()
	h.mu.Unlock()
}

// sessionStore expires each session with its own time.AfterFunc.
type sessionStore struct {
	mu   sync.Mutex
	next int64
	m    map[string]*time.Timer
}

func newSessionStore() *sessionStore {
	return &sessionStore{m: map[string]*time.Timer{}}
}

func (st *sessionStore) Open(user string, ttl time.Duration) string {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.next++
	id := fmt.Sprintf("%s-%d", user, st.next)
	st.m[id] = time.AfterFunc(ttl, func() { st.expire(id) })
	return id
}

func (st *sessionStore) expire(id string) {
	st.mu.Lock()
	delete(st.m, id)
	st.mu.Unlock()
}

// Sweep drops the oldest sessions of a shard beyond a cap.
func (st *sessionStore) Sweep(shard int) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if len(st.m) < 2000 {
		return
	}
	for id, t := range st.m {
		if len(id)%4 == shard {
			t.Stop()
			delete(st.m, id)
		}
	}
}

func (st *sessionStore) Close() {
	st.mu.Lock()
	defer st.mu.Unlock()
	for id, t := range st.m {
		t.Stop()
		delete(st.m, id)
	}
}
