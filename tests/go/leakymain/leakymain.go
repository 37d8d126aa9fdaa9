// Package leakymain leaks a goroutine from a test that passes; the leak is
// caught by goleak.VerifyTestMain after all tests ran.
package leakymain

// Subscribe registers a subscriber goroutine that waits for events that
// never come.
func Subscribe(events <-chan string) {
	go func() {
		for e := range events {
			_ = e
		}
	}()
}
