// Package web is the HTTP front of the pretend service: entry points,
// middleware and the handlers that wait on the rest of the system.
package web

import (
	"context"
	"runtime/pprof"
	"strings"
	"time"

	"example.com/shopd/internal/task"
)

// Server accepts requests and starts one goroutine per request.
type Server struct {
	addr   string
	router *Router
}

// Router finds a handler by walking a tree of path segments.
type Router struct {
	root *node
}

type node struct {
	segment  string
	children []*node
}

// Tracer opens spans and labels the goroutine for the profiler.
type Tracer struct{ service string }

// Stream pumps server-sent events to a client.
type Stream struct{ topic string }

// Handler waits for a background computation.
type Handler struct{ name string }

// LongPoll answers when something changes or a deadline passes.
type LongPoll struct{ timeout time.Duration }

var (
	srv    = &Server{addr: ":8080", router: &Router{root: &node{segment: "/"}}}
	tracer = &Tracer{service: "shopd"}
	stream = &Stream{topic: "orders"}
	orders = &Handler{name: "orders"}
	poll   = &LongPoll{timeout: 90 * time.Minute}
)

// Serve starts n request goroutines.
//
//go:noinline
func (s *Server) Serve(n int, mk task.MakeT) {
	for i := 0; i < n; i++ {
		t := mk(i)
		go t.Next()(t)
	}
}

// handleConn is the first function of a request goroutine.
func (s *Server) handleConn(t *task.T) {
	t.Next()(t)
}

// ServeHTTP dispatches through the router.
func (s *Server) ServeHTTP(t *task.T) {
	s.router.route(t, "/api/v1/orders")
}

//go:noinline
func (r *Router) route(t *task.T, path string) {
	if strings.HasPrefix(path, "/") {
		t.Next()(t)
	}
}

// Match walks the routing tree Arg() levels down.
func (r *Router) Match(t *task.T) {
	r.root.match(t, t.Arg())
}

func (n *node) match(t *task.T, depth int) {
	if depth > 0 {
		n.match(t, depth-1)
		return
	}
	t.Next()(t)
}

// logging is a middleware made by a constructor, so it is a closure.
func logging(prefix string) task.Hop {
	return func(t *task.T) {
		if len(prefix) > 64 {
			println(prefix)
		}
		t.Next()(t)
	}
}

// recoverer is another closure middleware.
func recoverer() task.Hop {
	return func(t *task.T) {
		defer func() {
			if r := recover(); r != nil {
				panic(r)
			}
		}()
		t.Next()(t)
	}
}

// authenticate checks a session in a generic cache.
func authenticate(t *task.T) {
	check[string](t, "session")
}

//go:noinline
func check[K comparable](t *task.T, key K) {
	var zero K
	if key != zero {
		t.Next()(t)
	}
}

// Span runs the rest of the request under pprof labels.
func (tr *Tracer) Span(t *task.T) {
	ls := t.R.Env.Labels
	pprof.Do(t.R.Env.Ctx, ls[int(t.N)%len(ls)], func(context.Context) {
		t.Next()(t)
	})
}

// pump waits for an event, a client write or the end of the request.
func (s *Stream) pump(t *task.T) {
	e := t.R.Env
	task.Park()
	select {
	case <-e.Ctx.Done():
	case v := <-e.Ch:
		_ = v
	case e.Ch2 <- int(t.N):
	}
	task.Fail("stream pump")
}

// awaitResult waits for a result nobody will send. In a series, a negative
// value lets the goroutine finish.
func (h *Handler) awaitResult(t *task.T) {
	e := t.R.Env
	task.Park()
	v := <-e.Ch
	if v < 0 {
		task.Exit()
		return
	}
	task.Fail("result received")
}

// wait waits for a change or a deadline far away.
func (p *LongPoll) wait(t *task.T) {
	e := t.R.Env
	task.Park()
	select {
	case <-e.Ch:
	case <-time.After(p.timeout):
	}
	task.Fail("long poll")
}

// Hops returns the package's application hops.
func Hops() []task.Def {
	return []task.Def{
		{Fn: srv.handleConn, Tier: task.TierEntry, Frames: 1},
		{Fn: srv.ServeHTTP, Tier: task.TierEntry, Frames: 2},
		{Fn: srv.router.Match, Tier: task.TierMiddle, Frames: 2, Rec: true},
		{Fn: logging("access"), Tier: task.TierMiddle, Frames: 1},
		{Fn: recoverer(), Tier: task.TierMiddle, Frames: 1},
		{Fn: authenticate, Tier: task.TierMiddle, Frames: 2},
	}
}

// LabelHop is the hop that applies pprof labels, and the frames it adds
// (Span, runtime/pprof.Do and Span.func1).
func LabelHop() (task.Hop, int) { return tracer.Span, 3 }

// Leaves returns the package's blocking functions.
func Leaves() []task.Leaf {
	return []task.Leaf{
		{State: task.Select, Fn: stream.pump, Frames: 1},
		{State: task.ChanRecv, Fn: orders.awaitResult, Frames: 1, Releasable: true},
		{State: task.SelectTimer, Fn: poll.wait, Frames: 1},
	}
}

// Creators returns the package's goroutine starters.
func Creators() []task.Creator {
	return []task.Creator{{Name: "example.com/shopd/internal/web.(*Server).Serve", Spawn: srv.Serve}}
}
