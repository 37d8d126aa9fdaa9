package main

import "time"

// leakOne blocks for ever: nobody receives from results. This is the leak
// site the tests expect (leak.go line 9).
func leakOne(results chan<- int) {
	v := 42
	results <- v
}

func leakEvery(rate time.Duration) {
	t := time.NewTicker(rate)
	defer t.Stop()
	for range t.C {
		go leakOne(make(chan int))
	}
}
