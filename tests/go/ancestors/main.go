// Command ancestors runs with GODEBUG=tracebackancestors=5 and prints
// runtime.Stack(all) to stdout: each goroutine's block ends with the
// stacks of the goroutines that created it ("[originating from goroutine
// N]:"), whether those are still alive or have exited.
package main

import (
	"os"
	"runtime"
	"time"
)

var hold = make(chan int)

func main() {
	go spawner()
	go deepSpawn(120)
	time.Sleep(200 * time.Millisecond)
	buf := make([]byte, 1<<20)
	n := runtime.Stack(buf, true)
	os.Stdout.Write(buf[:n])
}

// spawner starts a worker and exits: its stack survives only as the
// worker's ancestor.
//
//go:noinline
func spawner() {
	go worker()
}

// worker starts a leaf and stays alive.
//
//go:noinline
func worker() {
	go leaf()
	<-hold
}

//go:noinline
func leaf() {
	<-hold
}

// deepSpawn starts a goroutine from deep inside a recursion, so the
// recorded ancestor stack is cut at its limit (100 PCs in Go 1.19).
//
//go:noinline
func deepSpawn(n int) {
	if n == 0 {
		go leaf()
		<-hold
	}
	deepSpawn(n - 1)
}
