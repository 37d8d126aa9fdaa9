// Command fatal dies of a runtime fatal error; the argument picks which:
//
//	fatal deadlock   "fatal error: all goroutines are asleep - deadlock!"
//	fatal goexit     main calls runtime.Goexit while the others are blocked:
//	                 "fatal error: all goroutines are asleep - deadlock!", no goroutine 1
//	fatal goexit-alone  the same with no other goroutine:
//	                 "fatal error: no goroutines (main called runtime.Goexit) - deadlock!"
//	fatal unlock     "fatal error: sync: unlock of unlocked mutex"
//	fatal overflow   "fatal error: stack overflow", a runtime throw: "runtime stack:",
//	                 runtime frames and fp= sp= pc= on the overflowing goroutine
//
// Except in goexit-alone, two other goroutines are blocked too, so the dump
// lists them.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"time"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: fatal deadlock|goexit|goexit-alone|unlock|overflow")
		os.Exit(2)
	}
	if os.Args[1] != "goexit-alone" {
		company()
	}
	switch os.Args[1] {
	case "deadlock":
		waitForWorkers()
	case "goexit", "goexit-alone":
		runtime.Goexit()
	case "unlock":
		var mu sync.Mutex
		unlockTwice(&mu)
	case "overflow":
		debug.SetMaxStack(1 << 20)
		fmt.Println(depth(0))
	default:
		fmt.Fprintf(os.Stderr, "fatal: unknown mode %q\n", os.Args[1])
		os.Exit(2)
	}
}

var (
	results = make(chan int)
	wg      sync.WaitGroup
)

// company starts two workers that block for ever: one sending a result
// nobody reads, one receiving from a channel nobody sends on.
func company() {
	wg.Add(2)
	go producer(results)
	go consumer(make(chan int))
	time.Sleep(50 * time.Millisecond)
}

//go:noinline
func producer(out chan<- int) {
	defer wg.Done()
	out <- 42
}

//go:noinline
func consumer(in <-chan int) {
	defer wg.Done()
	<-in
}

//go:noinline
func waitForWorkers() {
	wg.Wait()
}

//go:noinline
func unlockTwice(mu *sync.Mutex) {
	mu.Lock()
	mu.Unlock()
	mu.Unlock()
}

//go:noinline
func depth(n int) int {
	var pad [64]byte
	pad[n%64] = byte(n)
	return depth(n+1) + int(pad[0])
}
