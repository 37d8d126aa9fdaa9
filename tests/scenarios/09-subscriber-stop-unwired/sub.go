package main

// sub.go — scenario 9, "The Cancellation Branch That Was Never Wired".
//
// A Subscriber hands every message sent on s.ch to process. Stop is
// supposed to end it, but two things are missing:
//
//   - subscribe never looks at s.stop: the receive at line 71 is its
//     only wait, with no cancellation case next to it;
//   - NewSubscriber never makes s.stop, so Stop closes a nil channel and
//     panics.
//
// Every subscriber ever created therefore stays parked in chan receive at
// line 71 (its goroutine was started at line 42), and every Stop panics.

import (
	"strings"
	"sync/atomic"
)

// Message is one chat message, posted to a room.
// Room names are free-form.
type Message struct {
	Room string
	Text string
}

var words atomic.Int64

// process counts the words of one message.
func process(msg Message) { words.Add(int64(len(strings.Fields(msg.Text)))) }

type Subscriber struct {
	ch   chan Message
	stop chan struct{}
}

// NewSubscriber starts a subscriber; it leaves s.stop nil. The
// goroutine starts two lines below.
func NewSubscriber() *Subscriber {
	s := &Subscriber{ch: make(chan Message)}
	go s.subscribe()
	return s
}

// Send delivers one message; it waits until the subscriber takes it.
func (s *Subscriber) Send(msg Message) {
	s.ch <- msg
}

// Stop is meant to end the subscriber. It panics (close of nil channel).
func (s *Subscriber) Stop() {
	close(s.stop)
}

// The fix, for reference: make stop in NewSubscriber and select on it
// in subscribe:
//
//	for {
//		select {
//		case msg := <-s.ch:
//			process(msg)
//		case <-s.stop:
//			return
//		}
//	}
//
// subscribe, as written, receives and processes for ever.
func (s *Subscriber) subscribe() {
	for {
		msg := <-s.ch // line 71
		process(msg)
	}
}
