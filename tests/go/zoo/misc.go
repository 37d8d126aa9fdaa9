package main

import (
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
)

// pipeWriters keeps the write ends of the pipes open (and silent).
var pipeWriters []int

func startTimeAndSyscalls() {
	for i := 0; i < perKind; i++ {
		go sleepBlocked(time.Duration(i+1) * time.Hour)
		// syscall.Pipe gives blocking descriptors that the netpoller does
		// not know about: the read blocks in the kernel, in [syscall].
		var p [2]int
		if err := syscall.Pipe(p[:]); err != nil {
			panic(err)
		}
		pipeWriters = append(pipeWriters, p[1])
		go syscallReadBlocked(p[0])
	}
	go lockedToThread()
}

// sleepBlocked: [sleep] under time.Sleep.
//
//go:noinline
func sleepBlocked(d time.Duration) {
	time.Sleep(d)
}

// syscallReadBlocked: [syscall] under syscall.Read.
//
//go:noinline
func syscallReadBlocked(fd int) {
	buf := make([]byte, 64)
	n, _ := syscall.Read(fd, buf)
	sink = n
}

// lockedToThread: [chan receive, locked to thread].
//
//go:noinline
func lockedToThread() {
	runtime.LockOSThread()
	<-hold
}

var spinStop int32

// startBusy starts one goroutine that never blocks; reports catch it
// running or runnable, somewhere inside busyLoop.
func startBusy() (stop func()) {
	go busyLoop()
	return func() { atomic.StoreInt32(&spinStop, 1) }
}

//go:noinline
func busyLoop() {
	n := 0
	for atomic.LoadInt32(&spinStop) == 0 {
		n++
	}
	sink = n
}
