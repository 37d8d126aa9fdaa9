package main

// Scenario 19 — "goleak Failure Only in Race Mode".
//
// TestBatcher (main_test.go) passes under `go test` and fails under
// `go test -race`. The goroutine goleak reports is not a runtime or
// race-detector goroutine (with Go 1.19 and goleak 1.2.0 an empty test
// passes VerifyNone under -race); it is the Batcher's own goroutine,
// still busy with its final flush, because Close does not wait for it
// and -race makes the flush many times slower. This main does what the
// test does, captures the profile 150ms after Close (inside goleak's
// retry window) and reports how long the goroutine took to end. regen.sh
// builds it with -race, the failing configuration.

import (
	"fmt"
	"runtime"
	"time"
)

const (
	spans  = 15000
	levels = 60
)

func fill(b *Batcher) {
	for i := 0; i < spans; i++ {
		b.Add(Span{Trace: "4bf92f3577b34da6a3ce929d0e0e4736", Name: "GET /api/orders", Nanos: int64(i) * 1000})
	}
}

func main() {
	base := runtime.NumGoroutine()
	b := NewBatcher()
	fill(b)
	closed := time.Now()
	b.Close()
	time.Sleep(150 * time.Millisecond)
	captureAll()
	for runtime.NumGoroutine() > base && time.Since(closed) < 15*time.Second {
		time.Sleep(5 * time.Millisecond)
	}
	fmt.Printf("race detector %s: the Batcher goroutine ended %dms after Close (checksum %x)\n",
		raceMode, time.Since(closed).Milliseconds(), b.sum.Load())
}
