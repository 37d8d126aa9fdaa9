package main

import (
	"math/rand"
	"time"
)

// steady runs a fixed pool of workers fed by a producer, plus short-lived
// request goroutines that come and go at random: the count moves but does
// not grow.
func steady(workers int) {
	jobs := make(chan int)
	for i := 0; i < workers; i++ {
		go worker(jobs)
	}
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for i := 0; ; i++ {
		<-t.C
		select {
		case jobs <- i:
		default:
		}
		go request(time.Duration(rand.Intn(150)) * time.Millisecond)
	}
}

func worker(jobs <-chan int) {
	for j := range jobs {
		time.Sleep(time.Duration(j%5) * time.Millisecond)
	}
}

func request(d time.Duration) {
	time.Sleep(d)
}
