package main

// Scenario 1 driver. 48 clients subscribe to a price feed; four of them
// drop their connection after the fifth event and never read again. The
// feed then broadcasts 80 events at 40 a second. Each event costs one
// delivery goroutine per subscriber: the 44 live readers take theirs, the
// four dead ones leave 4 x (80 - 5) = 300 goroutines parked in chan send.

import (
	"fmt"
	"sync"
	"time"
)

const (
	clients   = 48
	dropEvery = 12 // clients 0, 12, 24, 36 drop out
	readFirst = 5  // events a dropping client reads before it goes
	events    = 80
)

// liveClient reads its channel for as long as the process runs.
func liveClient(ch chan Event, got *sync.WaitGroup) {
	for range ch {
		got.Done()
	}
}

// droppingClient reads a few events, then its connection closes and the
// reader returns; the subscription stays registered.
func droppingClient(ch chan Event, got *sync.WaitGroup) {
	for i := 0; i < readFirst; i++ {
		<-ch
		got.Done()
	}
}

func main() {
	var got sync.WaitGroup
	got.Add((clients-clients/dropEvery)*events + clients/dropEvery*readFirst)
	for i := 0; i < clients; i++ {
		ch := subscribe(fmt.Sprintf("client-%02d", i))
		if i%dropEvery == 0 {
			go droppingClient(ch, &got)
		} else {
			go liveClient(ch, &got)
		}
	}
	for seq := 0; seq < events; seq++ {
		broadcast(Event{Seq: seq, Topic: "prices"})
		time.Sleep(25 * time.Millisecond)
	}
	got.Wait() // every delivery that can complete has completed
	time.Sleep(500 * time.Millisecond)
	captureAll()
}
