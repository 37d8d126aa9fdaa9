package main

// Scenario 13 — "The select Default That Spins".
//
// busyLoop waits for cancellation with a select that has a default case,
// so the select never blocks and the loop spins as fast as the CPU lets
// it. Not a goroutine leak: the goroutine count and the heap stay flat
// while one core burns. The series (debug=2, four snapshots) shows the
// same goroutine, running or runnable, inside busyLoop every time;
// stats.txt has the process's CPU use next to the goroutine count and
// live heap, and the machine's load average (on a busy machine the
// spinning goroutine gets less than a core); cpu.pb.gz is a 1.5-second
// CPU profile. At the end main cancels the context and checks that
// busyLoop returns.

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"
)

func busyLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		default:
			// nothing to do: wait for cancellation
		}
	}
}

// cpuUsed is the user+system CPU time the process has used so far.
func cpuUsed() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	go busyLoop(ctx)

	cpu0, wall0 := cpuUsed(), time.Now()
	for i := 0; i < 4; i++ {
		time.Sleep(time.Second)
		cpu, wall := cpuUsed(), time.Now()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		load, _ := os.ReadFile("/proc/loadavg")
		record("stats.txt", "t%03d cpu=%.0f%% of one core over %.1fs goroutines=%d live_heap=%dKiB loadavg=%s",
			i, 100*(cpu-cpu0).Seconds()/wall.Sub(wall0).Seconds(), wall.Sub(wall0).Seconds(),
			runtime.NumGoroutine(), ms.HeapAlloc>>10, strings.Fields(string(load))[0])
		cpu0, wall0 = cpu, wall
		seriesSnapshot(i, 2)
	}
	captureAll()

	f := createArtifact("cpu.pb.gz")
	if err := pprof.StartCPUProfile(f); err != nil {
		panic(err)
	}
	time.Sleep(1500 * time.Millisecond)
	pprof.StopCPUProfile()
	f.Close()

	cancel()
	for i := 0; i < 100 && runtime.NumGoroutine() > 1; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	record("stats.txt", "after cancel: goroutines=%d", runtime.NumGoroutine())
	fmt.Println("after cancel: goroutines =", runtime.NumGoroutine())
}
