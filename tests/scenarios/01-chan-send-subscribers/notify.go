package main

// notify.go — scenario 1, "The Plain Channel Send Leak".
//
// Every subscriber owns an unbuffered channel. notifySubscribers hands an
// event to each of them from a goroutine of its own, so that one slow
// reader cannot hold up the others. A subscriber whose reader has gone
// away never receives again, and each delivery goroutine aimed at it
// blocks on its send (line 42) for as long as the process lives: one
// goroutine per event per dead subscriber.

// Event is one notification.
type Event struct {
	Seq   int
	Topic string
}

type subscriber struct {
	name string
	ch   chan Event // unbuffered: a send needs a reader
}

var subscribers []subscriber

// subscribe registers a subscriber and returns the channel it reads.
func subscribe(name string) chan Event {
	ch := make(chan Event)
	subscribers = append(subscribers, subscriber{name: name, ch: ch})
	return ch
}

// broadcast publishes one event to every subscriber.
func broadcast(event Event) {
	notifySubscribers(event)
}

// notifySubscribers starts one delivery goroutine per subscriber.
func notifySubscribers(event Event) {
	for _, sub := range subscribers {
		ch := sub.ch
		go func() {
			ch <- event // line 42
		}()
	}
}
