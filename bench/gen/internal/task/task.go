// Package task carries one generated goroutine from its entry function down
// to the function where it blocks.
//
// Every application function on the way has the type Hop and ends with
//
//	t.Next()(t)
//
// Next is inlined and returns the following hop before it is called, so each
// hop adds exactly its own frame(s) to the stack, as hand-written code would.
package task

import (
	"context"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
)

// Hop is an application function, a blocking leaf or a goroutine's entry.
type Hop func(t *T)

// Route is what all goroutines of one generated stack share.
type Route struct {
	Hops []Hop // entry first, blocking leaf last
	Args []int // one per hop: the recursion depth of recursive hops, else 0
	Env  *Env
}

// T is one generated goroutine. It is the only per-goroutine allocation.
type T struct {
	R  *Route
	N  int32 // index of this goroutine within its stack
	at int32
}

// Next returns the next hop of the route.
func (t *T) Next() Hop {
	h := t.R.Hops[t.at]
	t.at++
	return h
}

// Arg is the parameter the route gives the hop that is running.
func (t *T) Arg() int { return t.R.Args[t.at-1] }

// Env holds what the goroutines of one stack block on; a leaf uses the
// fields it needs.
type Env struct {
	Ctx   context.Context // never cancelled
	Ch    chan int
	Ch2   chan int
	Mu    sync.Mutex
	RW    sync.RWMutex
	WG    sync.WaitGroup
	Cond  *sync.Cond
	Ready chan struct{} // closed once the holder of Mu or RW has taken it

	Dial func() (net.Conn, error) // loopback connection that never carries data
	HTTP *http.Client
	URL  string
	Fd   int // read end of a pipe nobody writes to (blocking mode)

	// Wake is sent to, one value per goroutine, to make "runnable" goroutines
	// runnable just before a snapshot; Release is received from by goroutines
	// that may leave (the shrinking stack of a series).
	Wake    chan int
	Release chan int
}

var parked, exited atomic.Int64

// Park records that a goroutine is about to block for good. Leaves call it
// as late as possible.
func Park() { parked.Add(1) }

// Parked returns how many goroutines have called Park.
func Parked() int64 { return parked.Load() }

// Exit records that a goroutine left its leaf and is about to end.
func Exit() { exited.Add(1) }

// Exited returns how many goroutines have called Exit.
func Exited() int64 { return exited.Load() }

// Fail reports a goroutine that stopped blocking when it never should.
var Fail = func(what string) { panic("gendump: a goroutine stopped blocking: " + what) }
