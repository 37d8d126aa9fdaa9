// Command panics dies of an unrecovered panic; the argument picks which:
//
//	panics nested     a recovered panic re-panics: "panic: ... [recovered]" then "\tpanic: ..."
//	panics indefer    a deferred call panics while the first panic unwinds: two "panic:" lines
//	panics multiline  the panic value spans lines, one of which looks like a goroutine header
//	panics segv       a nil pointer dereference: "[signal SIGSEGV: ...]" after the panic line
//	panics goroutine  a runtime error in a goroutine other than main: its block ends
//	                  with "created by"
//	panics all        a plain panic with other goroutines around; run it with GOTRACEBACK=all
//	                  (and GODEBUG=asyncpreemptoff=1 so the spinning goroutine cannot be
//	                  stopped: "goroutine running on other thread; stack unavailable")
//
// Everything goes to stderr, as the runtime prints it; the exit status is 2.
package main

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: panics nested|indefer|multiline|segv|goroutine|all")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "nested":
		repanicAfterRecover()
	case "indefer":
		panicWhileUnwinding()
	case "multiline":
		panicMultiline()
	case "segv":
		var c *config
		fmt.Println(c.name())
	case "goroutine":
		panicInGoroutine()
	case "all":
		panicWithCompany()
	default:
		fmt.Fprintf(os.Stderr, "panics: unknown mode %q\n", os.Args[1])
		os.Exit(2)
	}
}

var errFirst = errors.New("first failure")

// repanicAfterRecover recovers the first panic and panics again with a new
// value; the runtime prints both, the first marked [recovered].
func repanicAfterRecover() {
	defer func() {
		r := recover()
		panic(fmt.Sprintf("cleanup failed after: %v", r))
	}()
	loadConfig()
}

//go:noinline
func loadConfig() {
	panic(errFirst)
}

// panicWhileUnwinding panics, and a deferred call panics again without
// recovering: neither is [recovered].
func panicWhileUnwinding() {
	defer closeResources()
	panic("write failed")
}

//go:noinline
func closeResources() {
	panic("close failed")
}

// panicMultiline panics with a value whose lines imitate a dump. Go 1.19
// prints it verbatim (1.23+ indents continuation lines with a tab).
//
//go:noinline
func panicMultiline() {
	panic("bad input:\ngoroutine 99 [running]:\nmain.fake()\n\t/fake/file.go:1 +0x0\nend of value")
}

type config struct {
	values map[string]string
}

//go:noinline
func (c *config) name() string {
	return c.values["name"]
}

// panicInGoroutine indexes out of range in a worker goroutine; main waits.
func panicInGoroutine() {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fmt.Println(pick([]int{1, 2, 3}, 5))
	}()
	<-done
}

//go:noinline
func pick(xs []int, i int) int {
	return xs[i]
}

var spinning int32

// panicWithCompany starts goroutines that are blocked, and one that spins,
// then panics in main.
func panicWithCompany() {
	var mu sync.Mutex
	mu.Lock()
	ch := make(chan int)
	for i := 0; i < 2; i++ {
		go blockedSender(ch, i)
	}
	go blockedLocker(&mu)
	go spinner()
	for atomic.LoadInt32(&spinning) == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	panic(fmt.Errorf("giving up after %d attempts", 3))
}

//go:noinline
func blockedSender(ch chan<- int, v int) {
	ch <- v
}

//go:noinline
func blockedLocker(mu *sync.Mutex) {
	mu.Lock()
}

// spinner never reaches a preemption point: with asynchronous preemption
// off the runtime cannot stop it, so its stack is not printed.
//
//go:noinline
func spinner() {
	atomic.StoreInt32(&spinning, 1)
	for atomic.LoadInt32(&spinning) != 0 {
	}
}
