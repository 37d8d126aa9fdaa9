// Package sys holds the odd ones out of the pretend shop: an agent that
// tails a pipe, a watchdog that sleeps, a thread-bound worker, a busy poller
// and an HTTP client to an upstream that never answers.
package sys

import (
	"context"
	"net/http"
	"runtime"
	"syscall"
	"time"

	"example.com/shopd/internal/task"
)

// Agent runs background jobs.
type Agent struct{ name string }

// Tail follows a pipe with plain blocking reads.
type Tail struct{ buf []byte }

// Watchdog checks the process every so often.
type Watchdog struct{ period time.Duration }

// Pinned serves calls that must stay on one OS thread (think cgo or namespaces).
type Pinned struct{ name string }

// Spinner is a worker that is about to run when the snapshot is taken.
type Spinner struct{ name string }

// Upstream is an HTTP API the shop calls without a timeout.
type Upstream struct{ base string }

var (
	agent    = &Agent{name: "agent"}
	tail     = &Tail{}
	watchdog = &Watchdog{period: 10 * time.Hour}
	pinned   = &Pinned{name: "ns"}
	spinner  = &Spinner{name: "indexer"}
	upstream = &Upstream{base: "inventory"}
)

// Run is the agent's job loop.
func (a *Agent) Run(t *task.T) {
	t.Next()(t)
}

// Every starts n periodic jobs; a generic creator.
//
//go:noinline
func Every[D ~int64](period D, n int, mk task.MakeT) {
	for i := 0; i < n; i++ {
		t := mk(i)
		go t.Next()(t)
	}
}

func every(n int, mk task.MakeT) { Every(time.Minute, n, mk) }

// follow blocks in read(2) on a pipe nobody writes to.
func (tl *Tail) follow(t *task.T) {
	var buf [512]byte
	task.Park()
	_, err := syscall.Read(t.R.Env.Fd, buf[:])
	task.Fail("pipe read returned: " + err.Error())
}

// nap sleeps for hours.
func (w *Watchdog) nap(t *task.T) {
	task.Park()
	time.Sleep(w.period)
	task.Fail("woke up")
}

// serve locks the goroutine to its thread, then waits for work.
func (p *Pinned) serve(t *task.T) {
	runtime.LockOSThread()
	e := t.R.Env
	task.Park()
	<-e.Ch
	task.Fail("pinned work received")
}

// spin waits for work; the generator hands it some just before each
// snapshot, so it is runnable in the dump, and it comes back here after.
func (s *Spinner) spin(t *task.T) {
	e := t.R.Env
	for {
		task.Park()
		<-e.Wake
	}
}

// call makes a request with no timeout to a server that never answers.
func (u *Upstream) call(t *task.T) {
	e := t.R.Env
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, e.URL, nil)
	if err != nil {
		panic(err)
	}
	task.Park()
	resp, err := e.HTTP.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	task.Fail("upstream answered")
}

// Hops returns the package's application hops.
func Hops() []task.Def {
	return []task.Def{
		{Fn: agent.Run, Tier: task.TierEntry, Frames: 1},
	}
}

// Leaves returns the package's blocking functions.
func Leaves() []task.Leaf {
	return []task.Leaf{
		{State: task.Syscall, Fn: tail.follow, Frames: 4},
		{State: task.Sleep, Fn: watchdog.nap, Frames: 2},
		{State: task.Locked, Fn: pinned.serve, Frames: 1},
		{State: task.Runnable, Fn: spinner.spin, Frames: 1},
		{State: task.HTTPWait, Fn: upstream.call, Frames: 8},
	}
}

// Creators returns the package's goroutine starters.
func Creators() []task.Creator {
	return []task.Creator{{Name: "example.com/shopd/internal/sys.Every[...]", Spawn: every}}
}
