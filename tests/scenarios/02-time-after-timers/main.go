package main

// Scenario 2 driver. Three pollers call pollOnce every 30ms against an
// upstream HTTP server that answers at once; the upstream runs in a peer
// process so that only the poller's side is profiled. Every snapshot of
// the series (debug=1) shows the same handful of goroutines, while the
// heap holds one more pending time.After timer per call: stats.txt counts
// them from the heap profile (MemProfileRate=1, so every allocation is
// recorded), and heap.pb.gz and heap.txt (debug=1) are the heap profile
// written at the end.

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

const pollers = 3

var calls int64

func poller(ctx context.Context, wg *sync.WaitGroup) {
	defer wg.Done()
	for ctx.Err() == nil {
		if _, err := pollOnce(ctx); err != nil {
			panic(err)
		}
		atomic.AddInt64(&calls, 1)
		time.Sleep(30 * time.Millisecond)
	}
}

// pendingTimers counts the live objects that time.After allocated on
// behalf of main.pollOnce, after two collections: timers is the Timer
// structs alone, objects adds their channels (hchan and buffer).
func pendingTimers() (timers, objects int64) {
	runtime.GC()
	runtime.GC()
	var recs []runtime.MemProfileRecord
	for {
		n, ok := runtime.MemProfile(recs, true)
		if ok {
			recs = recs[:n]
			break
		}
		recs = make([]runtime.MemProfileRecord, n+64)
	}
	timerSize := int64(unsafe.Sizeof(time.Timer{}))
	for _, r := range recs {
		fr := runtime.CallersFrames(r.Stack())
		var names []string
		for {
			f, more := fr.Next()
			if len(names) > 0 || !strings.HasPrefix(f.Function, "runtime.") {
				names = append(names, f.Function) // allocator frames skipped
			}
			if !more {
				break
			}
		}
		if len(names) < 3 || names[0] != "time.NewTimer" || names[1] != "time.After" || names[2] != "main.pollOnce" {
			continue
		}
		live := r.InUseObjects()
		objects += live
		if live > 0 && r.InUseBytes()/live == timerSize {
			timers += live
		}
	}
	return timers, objects
}

func upstream() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, `{"healthy":true}`)
	}))
	runPeer("http://"+ln.Addr().String()+"/status", func(string) string { return "ok" })
}

func main() {
	if peerRole() == "upstream" {
		upstream()
		return
	}
	runtime.MemProfileRate = 1
	up, url := spawnPeer("upstream")
	defer up.finish()
	statusURL = url

	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i := 0; i < pollers; i++ {
		wg.Add(1)
		go poller(ctx, &wg)
	}
	start := time.Now()
	for i := 0; i < 5; i++ {
		time.Sleep(1500 * time.Millisecond)
		timers, objects := pendingTimers()
		record("stats.txt", "t%03d elapsed=%.1fs goroutines=%d pollOnce_calls=%d pending_time_After_timers=%d their_live_objects=%d",
			i, time.Since(start).Seconds(), runtime.NumGoroutine(), atomic.LoadInt64(&calls), timers, objects)
		seriesSnapshot(i, 1)
	}
	stop()
	wg.Wait()
	captureAll()
	runtime.GC()
	for name, debug := range map[string]int{"heap.pb.gz": 0, "heap.txt": 1} {
		f := createArtifact(name)
		if err := pprof.Lookup("heap").WriteTo(f, debug); err != nil {
			panic(err)
		}
		f.Close()
	}
}
