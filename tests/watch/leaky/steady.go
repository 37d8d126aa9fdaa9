package main

import (
	"math/rand"
	"sync"
	"time"
)

// steady runs a fixed pool of workers fed by a producer, plus short-lived
// request goroutines that come and go: the count moves but does not grow.
func steady(workers int) {
	jobs := make(chan int)
	for i := 0; i < workers; i++ {
		go worker(jobs)
	}
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	var wg sync.WaitGroup
	for i := 0; ; i++ {
		<-t.C
		select {
		case jobs <- i:
		default:
		}
		wg.Add(1)
		go request(&wg, time.Duration(rand.Intn(150))*time.Millisecond)
		if i%50 == 0 {
			wg.Wait()
		}
	}
}

func worker(jobs <-chan int) {
	for j := range jobs {
		time.Sleep(time.Duration(j%5) * time.Millisecond)
	}
}

func request(wg *sync.WaitGroup, d time.Duration) {
	defer wg.Done()
	time.Sleep(d)
}
