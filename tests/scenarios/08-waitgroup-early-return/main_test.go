package main

import (
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestRunAll(t *testing.T) {
	defer goleak.VerifyNone(t)
	var done int32
	go RunAll(releaseJobs(&done)) // RunAll runs in the background, as in the service
	for deadline := time.Now().Add(time.Second); atomic.LoadInt32(&done) < 3 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if n := atomic.LoadInt32(&done); n != 3 {
		t.Fatalf("%d jobs finished, want 3", n)
	}
}
