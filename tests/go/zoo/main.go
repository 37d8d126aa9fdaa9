// Command zoo starts goroutines blocked in every way Go can block, each kind
// in its own recognisable function (three goroutines per kind where the kind
// allows it, so grouping has something to group), then writes goroutine
// reports of itself:
//
//	zoo OUTDIR [debug2|debug1|debug0|stack]...
//
//	debug2  OUTDIR/zoo.debug2.txt  pprof.Lookup("goroutine").WriteTo(w, 2)
//	debug1  OUTDIR/zoo.debug1.txt  pprof.Lookup("goroutine").WriteTo(w, 1)
//	debug0  OUTDIR/zoo.pb.gz       pprof.Lookup("goroutine").WriteTo(w, 0)
//	stack   OUTDIR/zoo.stack.txt   runtime.Stack(buf, true)
//
// With no kind named it writes all four, in that order, from one process.
// Everything networked stays on 127.0.0.1. The program exits when done.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"
)

// hold is never closed or sent on: most goroutines end up waiting on it.
var hold = make(chan int)

// perKind is how many goroutines each simple kind gets.
const perKind = 3

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: zoo OUTDIR [debug2|debug1|debug0|stack]...")
		os.Exit(2)
	}
	dir := os.Args[1]
	kinds := os.Args[2:]
	if len(kinds) == 0 {
		kinds = []string{"debug2", "debug1", "debug0", "stack"}
	}

	stopSpin := startAll()
	settle()

	for _, k := range kinds {
		switch k {
		case "debug2":
			writeProfile(filepath.Join(dir, "zoo.debug2.txt"), 2)
		case "debug1":
			writeProfile(filepath.Join(dir, "zoo.debug1.txt"), 1)
		case "debug0":
			writeProfile(filepath.Join(dir, "zoo.pb.gz"), 0)
		case "stack":
			writeStack(filepath.Join(dir, "zoo.stack.txt"))
		default:
			fmt.Fprintf(os.Stderr, "zoo: unknown output %q\n", k)
			os.Exit(2)
		}
	}
	stopSpin()
}

// startAll starts every kind; it returns a function that stops the busy
// goroutine (the only one that costs CPU).
func startAll() (stopSpin func()) {
	startChannels()
	startSync()
	startNet()
	startHTTP()
	startTimeAndSyscalls()
	startShapes()
	startLabeled()
	return startBusy()
}

// settle gives every goroutine time to reach its blocking point.
func settle() {
	time.Sleep(500 * time.Millisecond)
}

func writeProfile(path string, debug int) {
	f, err := os.Create(path)
	if err != nil {
		panic(err)
	}
	if err := pprof.Lookup("goroutine").WriteTo(f, debug); err != nil {
		panic(err)
	}
	if err := f.Close(); err != nil {
		panic(err)
	}
}

func writeStack(path string) {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		panic(err)
	}
}
