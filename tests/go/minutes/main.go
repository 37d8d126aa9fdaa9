// Command minutes shows the ", N minutes" part of goroutine headers:
//
//	minutes OUTFILE [SECONDS]
//
// It blocks a few goroutines and runs two GCs: a GC cycle's stack scan is
// what stamps a blocked goroutine's wait start (gp.waitsince = work.tstart,
// runtime/mgcmark.go), and work.tstart is only set at the end of a cycle,
// so the first GC of a process stamps 0 (nothing). It then starts one more
// goroutine, waits SECONDS (default 61), and writes
// pprof.Lookup("goroutine").WriteTo(w, 2) to OUTFILE. Goroutines blocked
// before the GCs then read "[chan receive, 1 minutes]"; the late one, never
// seen by a GC, has no minutes.
package main

import (
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"sync"
	"syscall"
	"time"
)

var (
	hold   = make(chan int)
	heldMu sync.Mutex
	conns  []net.Conn
	pipes  []int
)

func main() {
	wait := 61
	if len(os.Args) == 3 {
		n, err := strconv.Atoi(os.Args[2])
		if err != nil {
			panic(err)
		}
		wait = n
	}
	heldMu.Lock()
	for i := 0; i < 2; i++ {
		go waitForOrder()
	}
	go lockedWaiter()
	go lockWaiter()
	go napper()
	go pipeReader()
	go connReader(dialSilent())
	time.Sleep(100 * time.Millisecond)
	runtime.GC()
	runtime.GC()
	go lateWaiter()
	time.Sleep(time.Duration(wait) * time.Second)

	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := pprof.Lookup("goroutine").WriteTo(f, 2); err != nil {
		panic(err)
	}
	if err := f.Close(); err != nil {
		panic(err)
	}
}

//go:noinline
func waitForOrder() { <-hold }

//go:noinline
func lockedWaiter() {
	runtime.LockOSThread()
	<-hold
}

//go:noinline
func lockWaiter() {
	heldMu.Lock()
}

//go:noinline
func napper() { time.Sleep(time.Hour) }

//go:noinline
func lateWaiter() { <-hold }

//go:noinline
func pipeReader() {
	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		panic(err)
	}
	pipes = append(pipes, p[1])
	buf := make([]byte, 8)
	syscall.Read(p[0], buf)
}

// dialSilent connects to a loopback listener that never writes.
func dialSilent() net.Conn {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		panic(err)
	}
	s, err := ln.Accept()
	if err != nil {
		panic(err)
	}
	conns = append(conns, s)
	return c
}

//go:noinline
func connReader(c net.Conn) {
	buf := make([]byte, 8)
	c.Read(buf)
}
