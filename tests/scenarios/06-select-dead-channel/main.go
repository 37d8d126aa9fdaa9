package main

// Scenario 6 — "The select That Cannot Win".
//
// A report scheduler runs workOnce in a fresh goroutine for every job and
// gives each job a context with a 100ms deadline. workOnce ignores that
// context: it waits for doneCh, a package-level channel that nothing in
// the program ever closes, or for a 30-minute time.After. So every job
// parks in select for half an hour, long after its context expired; at
// 40 jobs a second, 150 jobs pile up in under four seconds and stay. The
// series (debug=2, one snapshot a second) shows the same goroutine ids
// parked at the same select snapshot after snapshot; stats.txt counts
// them.

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"
)

var doneCh = make(chan struct{}) // declared for shutdown; never closed

var started int64

func workOnce(ctx context.Context) {
	select {
	case <-doneCh:
	case <-time.After(30 * time.Minute):
	}
}

// dispatch starts n jobs, one every interval, each with its own deadline.
func dispatch(n int, interval time.Duration) {
	for i := 0; i < n; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		go workOnce(ctx)
		atomic.AddInt64(&started, 1)
		time.Sleep(interval)
		defer cancel() // released when dispatch returns; workOnce never looks
	}
}

func main() {
	go dispatch(150, 25*time.Millisecond)
	start := time.Now()
	for i := 0; i < 5; i++ {
		time.Sleep(time.Second)
		record("stats.txt", "t%03d elapsed=%.1fs jobs_started=%d goroutines=%d",
			i, time.Since(start).Seconds(), atomic.LoadInt64(&started), runtime.NumGoroutine())
		seriesSnapshot(i, 2)
	}
	captureAll()
}
