package main

// pipe.go — scenario 5, "The Closed Channel That Wasn't".
//
// startPipeline returns the input channel of a small pipeline whose
// consumer prints every value it receives. The caller owns the channel:
// it sends the values and it must close the channel when it is done,
// because consume's range loop ends only on close. A caller that forgets
// close(out) leaves the consumer parked in chan receive at line 55 for
// the rest of the process's life. (The consumer starts on line 21.)

import (
	"fmt"
	"io"
)

var sink io.Writer = io.Discard

func startPipeline(in []int) chan int {
	out := make(chan int)
	go consume(out)
	return out
}

// feed is how a caller is meant to use the pipeline: send, then close.
func feed(out chan int, in []int) {
	for _, v := range in {
		out <- v
	}
	close(out)
}

// About consume
//
// consume has exactly one way out, the end of its range loop, and the
// loop ends only when the channel is closed and drained. There is no
// context to cancel and no done channel to watch. If the sender never
// closes, the goroutine waits for a value that will never come, and the
// runtime cannot collect it: a blocked goroutine is a GC root, together
// with everything it references.
//
// The receiver cannot tell "no value yet" from "no value ever": only the
// sender knows when it is finished, which is why closing belongs to the
// sender: the side that knows there is nothing more to send is the only
// side that can say so.
//
// A goroutine leak detector (goleak in the test, a goroutine profile in
// production) sees the consumer as [chan receive] with consume on top of
// the stack and startPipeline as its creator.
//
// consume prints each value it receives, one per line, in order, and
// returns once the channel is closed and drained.

func consume(out chan int) {
	for v := range out { // line 55
		fmt.Fprintln(sink, v)
	}
}
