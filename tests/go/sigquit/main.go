// Command sigquit starts a few blocked goroutines, prints "ready" on stdout
// and waits; regen.sh then sends it SIGQUIT (kill -QUIT), and the runtime
// dumps every goroutine to stderr and exits with status 2. In Go 1.19 a
// SIGQUIT dump is printed at traceback level 2 whatever GOTRACEBACK says:
// runtime frames, fp= sp= pc= on each frame, system goroutines, the
// signalled thread's "goroutine 0 [idle]" and a register dump.
package main

import (
	"fmt"
	"runtime"
	"time"
)

var (
	hold    = make(chan int) // nobody sends
	results = make(chan int) // nobody receives
)

type poller struct {
	every time.Duration
}

// Run is started through a method value, so at traceback level 2 its
// goroutine shows the main.poller.Run-fm wrapper.
//
//go:noinline
func (p poller) Run() {
	for {
		time.Sleep(p.every)
	}
}

//go:noinline
func publish(out chan<- int, v int) {
	out <- v
}

//go:noinline
func pinned() {
	runtime.LockOSThread()
	<-hold
}

func main() {
	p := poller{every: time.Hour}
	run := p.Run
	go run()
	for i := 0; i < 2; i++ {
		go publish(results, i)
	}
	go pinned()
	time.Sleep(100 * time.Millisecond)
	fmt.Println("ready")
	waitForSignal()
}

//go:noinline
func waitForSignal() {
	select {}
}
