// Package leaky starts goroutines that outlive the tests that start them;
// its tests fail through goleak, or print a dump themselves.
package leaky

import (
	"time"
)

// Notify sends v on out from a new goroutine; nobody receives it.
func Notify(out chan<- int, v int) {
	go func() {
		out <- v
	}()
}

// StartPoller starts a goroutine that polls for ever.
func StartPoller(every time.Duration) {
	go poll(every)
}

//go:noinline
func poll(every time.Duration) {
	for {
		time.Sleep(every)
	}
}

// Consume ranges over in until it is closed.
//
//go:noinline
func Consume(in <-chan int) {
	for v := range in {
		_ = v
	}
}
