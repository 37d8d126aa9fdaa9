// Package hang has a test that never returns; `go test -timeout 2s` then
// panics with "test timed out after 2s" and dumps every goroutine.
package hang

// Fetch sends its result on out, which nobody reads in the test.
//
//go:noinline
func Fetch(out chan<- string) {
	out <- "result"
}

// WaitReady waits for a signal that never comes.
//
//go:noinline
func WaitReady(ready <-chan struct{}) {
	<-ready
}
