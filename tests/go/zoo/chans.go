package main

// Channel waits. Each function is the goroutine's own code, so it is the
// innermost user frame in every report.

func startChannels() {
	unread := make(chan int) // nobody receives
	unsent := make(chan int) // nobody sends, nobody closes
	neverA := make(chan int) // select cases that never fire
	neverB := make(chan string)
	for i := 0; i < perKind; i++ {
		go chanSendBlocked(unread, i)
		go chanRecvBlocked(unsent)
		go chanRangeBlocked(unsent)
		go selectBlocked(neverA, neverB)
		go nilChanSendBlocked()
		go nilChanRecvBlocked()
		go selectNoCasesBlocked()
	}
}

// chanSendBlocked: [chan send], runtime.chansend1.
//
//go:noinline
func chanSendBlocked(c chan<- int, v int) {
	c <- v
}

// chanRecvBlocked: [chan receive], runtime.chanrecv1.
//
//go:noinline
func chanRecvBlocked(c <-chan int) {
	<-c
}

// chanRangeBlocked: [chan receive], runtime.chanrecv2.
//
//go:noinline
func chanRangeBlocked(c <-chan int) {
	n := 0
	for v := range c {
		n += v
	}
	sink = n
}

// selectBlocked: [select], runtime.selectgo.
//
//go:noinline
func selectBlocked(a <-chan int, b <-chan string) {
	select {
	case v := <-a:
		sink = v
	case s := <-b:
		sink = len(s)
	}
}

// nilChanSendBlocked: [chan send (nil chan)].
//
//go:noinline
func nilChanSendBlocked() {
	var c chan int
	c <- 1
}

// nilChanRecvBlocked: [chan receive (nil chan)].
//
//go:noinline
func nilChanRecvBlocked() {
	var c chan int
	<-c
}

// selectNoCasesBlocked: [select (no cases)], runtime.block.
//
//go:noinline
func selectNoCasesBlocked() {
	select {}
}

// sink keeps results alive so the compiler keeps the code that makes them.
var sink int
