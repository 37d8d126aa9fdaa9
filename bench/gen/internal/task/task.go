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
	"runtime/pprof"
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
	Ctx  context.Context // never cancelled
	Ch   chan int
	Ch2  chan int
	Mu   sync.Mutex
	RW   sync.RWMutex
	WG   sync.WaitGroup
	Cond *sync.Cond

	Dial func() (net.Conn, error) // loopback connection that never carries data
	HTTP *http.Client
	URL  string
	Fd   int // read end of a pipe nobody writes to (blocking mode)

	// Wake is sent to, one value per goroutine, to make "runnable" goroutines
	// runnable just before a snapshot; Release is received from by goroutines
	// that may leave (the shrinking stack of a series).
	Wake    chan int
	Release chan int

	// Labels are the label sets a labelling hop applies with pprof.Do,
	// chosen by goroutine index; nil when the stack carries none.
	Labels []pprof.LabelSet
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

// State is the way a generated goroutine blocks.
type State int

// The blocking states. The comment is the goroutine header Go 1.19 prints.
const (
	ChanSend      State = iota // [chan send]: unbuffered send nobody receives
	ChanRecv                   // [chan receive]: receive nobody sends to
	ChanRange                  // [chan receive]: for-range over a channel nobody closes
	CtxDone                    // [chan receive]: <-ctx.Done() of a context never cancelled
	NilRecv                    // [chan receive (nil chan)]
	NilSend                    // [chan send (nil chan)]
	Select                     // [select]: channels and ctx.Done
	SelectTimer                // [select]: with time.After far away
	Ticker                     // [select]: for/select loop on a slow time.Ticker
	SelectNoCases              // [select (no cases)]: select {}
	Mutex                      // [semacquire]: sync.Mutex held forever
	RLock                      // [semacquire]: sync.RWMutex.RLock behind a held write lock
	WLock                      // [semacquire]: sync.RWMutex.Lock behind a held read lock
	WaitGroup                  // [semacquire]: sync.WaitGroup.Wait never done
	Cond                       // [sync.Cond.Wait]: never signalled
	NetRead                    // [IO wait]: read from a loopback TCP connection that stays silent
	HTTPWait                   // [select]: http.Client.Do to a loopback server that never answers (plus readLoop [IO wait] and writeLoop [select])
	Sleep                      // [sleep]: time.Sleep
	Syscall                    // [syscall]: blocking read(2) on a pipe, one OS thread each
	Locked                     // [chan receive, locked to thread]: runtime.LockOSThread, one OS thread each
	Runnable                   // [runnable]: woken just before each snapshot, blocks again afterwards
	NumStates     int   = iota
)

var stateInfo = [NumStates]struct{ name, header string }{
	ChanSend:      {"chan-send", "chan send"},
	ChanRecv:      {"chan-recv", "chan receive"},
	ChanRange:     {"chan-range", "chan receive"},
	CtxDone:       {"ctx-done", "chan receive"},
	NilRecv:       {"nil-chan-recv", "chan receive (nil chan)"},
	NilSend:       {"nil-chan-send", "chan send (nil chan)"},
	Select:        {"select", "select"},
	SelectTimer:   {"select-timer", "select"},
	Ticker:        {"ticker", "select"},
	SelectNoCases: {"select-no-cases", "select (no cases)"},
	Mutex:         {"mutex", "semacquire"},
	RLock:         {"rwmutex-rlock", "semacquire"},
	WLock:         {"rwmutex-lock", "semacquire"},
	WaitGroup:     {"waitgroup", "semacquire"},
	Cond:          {"cond", "sync.Cond.Wait"},
	NetRead:       {"io-wait", "IO wait"},
	HTTPWait:      {"http-client", "select"},
	Sleep:         {"sleep", "sleep"},
	Syscall:       {"syscall", "syscall"},
	Locked:        {"locked-thread", "chan receive, locked to thread"},
	Runnable:      {"runnable", "runnable"},
}

func (s State) String() string { return stateInfo[s].name }

// Header is the status as it appears between the brackets of a Go 1.19
// goroutine header.
func (s State) Header() string { return stateInfo[s].header }

// Tiers of application hops: a route starts with one entry hop and moves
// towards the back end.
const (
	TierEntry = iota
	TierMiddle
	TierService
	TierBackend
	NumTiers
)

// Def describes one application hop.
type Def struct {
	Fn     Hop
	Tier   int
	Frames int  // frames it adds to the stack (inlined frames count: the runtime prints them)
	Rec    bool // recursive: it adds Frames + Arg() frames
}

// Leaf describes one blocking function.
type Leaf struct {
	State  State
	Fn     Hop
	Frames int // frames it shows, itself and the library frames under it
	// Releasable: a negative value on Env.Ch lets the goroutine end (series).
	Releasable bool
}

// MakeT returns goroutine i of a batch.
type MakeT func(i int) *T

// Creator starts goroutines with a go statement of its own, so that it is
// what the dump shows after "created by".
type Creator struct {
	Name  string // as the dump prints it after "created by"
	Spawn func(n int, mk MakeT)
}
