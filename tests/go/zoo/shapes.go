package main

// Function-name and frame shapes: generics, closures, method values, an
// inlined frame, and a recursion deeper than the traceback limit.

func startShapes() {
	ints := make(chan int)
	box := &Box[string]{c: make(chan string)}
	w := worker{id: 7}
	run := w.Run // method value: its goroutine runs through the -fm wrapper
	for i := 0; i < perKind; i++ {
		go genericRecv(ints)
		go box.Wait()
		go run()
		go viaInlined(ints)
	}
	startClosures()
	go recurse(200)
}

// genericRecv is a generic function: printed as main.genericRecv[...].
//
//go:noinline
func genericRecv[T any](c <-chan T) T {
	return <-c
}

// Box is a generic type: its method prints as main.(*Box[...]).Wait.
type Box[T any] struct {
	c chan T
}

//go:noinline
func (b *Box[T]) Wait() T {
	return <-b.c
}

type worker struct {
	id int
}

//go:noinline
func (w worker) Run() {
	sink = w.id
	<-hold
}

// recvInlined is small enough to be inlined into viaInlined, so its frame
// prints as main.recvInlined(...) with no +0x offset.
func recvInlined(c <-chan int) int {
	return <-c
}

//go:noinline
func viaInlined(c <-chan int) {
	sink = recvInlined(c)
}

// startClosures starts closures: main.startClosures.func1, and a closure
// that calls a nested closure (main.startClosures.func2.1).
//
//go:noinline
func startClosures() {
	for i := 0; i < perKind; i++ {
		go func() {
			<-hold
		}()
	}
	go func() {
		inner := func(n int) {
			sink = n
			<-hold
		}
		for i := 0; i < 2; i++ {
			inner(i)
		}
	}()
}

// recurse calls itself n times, then blocks: Go 1.19 prints only about 100
// frames of it, with no elision marker.
//
//go:noinline
func recurse(n int) int {
	if n == 0 {
		return <-hold
	}
	return recurse(n-1) + 1
}
