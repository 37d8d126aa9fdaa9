package main

// Scenario 8 driver: a release pipeline of four jobs, one of them
// disabled, runs in the background (the service keeps serving while it
// runs). RunAll never returns.

import (
	"fmt"
	"sync/atomic"
	"time"
)

func releaseJobs(done *int32) []Job {
	step := func() error { atomic.AddInt32(done, 1); return nil }
	return []Job{
		{Name: "compile", Fn: step},
		{Name: "unit-tests", Fn: step},
		{Name: "sign", Skip: true},
		{Name: "upload", Fn: step},
	}
}

func main() {
	var done int32
	go RunAll(releaseJobs(&done))
	time.Sleep(time.Second)
	captureAll()
	fmt.Printf("jobs finished: %d of 3 enabled; RunAll still waiting\n", atomic.LoadInt32(&done))
}
