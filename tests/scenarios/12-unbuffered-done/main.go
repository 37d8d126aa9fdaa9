package main

// Scenario 12 — "The Unbuffered done That Locked Out the Worker".
//
// main starts work with an unbuffered done channel and forgets to
// receive from it. The worker does its job, then blocks on its final
// send (line 55) for as long as the process lives: an unbuffered send
// completes only when a receiver takes the value, and there is none.
//
// As the document writes it, main returns right after `go work(done)`
// and the process exits with the goroutine; the leak matters where the
// same lines sit in a function of a long-running process. So this main
// carries on (standing for the rest of the service) and captures the
// goroutine profile a second later.

import (
	"crypto/sha256"
	"fmt"
	"time"
)

var digest [32]byte

// checksum is the work itself: hash a generated report.
func checksum() {
	var report []byte
	for i := 0; i < 1000; i++ {
		report = append(report, fmt.Sprintf("row %d\n", i)...)
	}
	digest = sha256.Sum256(report)
}

// Notes
//
// A buffered channel of one (make(chan bool, 1)) would let the worker
// leave its signal and exit whether or not anyone reads it, and a reader
// that does care still gets the value later.
//
// Without a buffer the worker needs a partner at the moment of the send.
// main was meant to be that partner (`<-done` after the go statement),
// and the line got lost in a refactoring. Nothing else holds the
// channel, so nothing ever will receive.
//
// The runtime reports the worker as [chan send] with main.work on top of
// its stack, created by main.main.
//
// Goroutines are not garbage collected: a goroutine blocked on a channel
// that nobody else references is still a live goroutine, with its stack
// and everything it points to.

// work does the work, then reports completion on done.
func work(done chan bool) {
	// ... do work ...
	checksum()
	done <- true // line 55
}

func main() {
	done := make(chan bool)
	go work(done)
	// forgot <-done

	// ... the rest of the program keeps running ...
	time.Sleep(time.Second)
	captureAll()
	fmt.Printf("report digest %x...\n", digest[:4])
}
