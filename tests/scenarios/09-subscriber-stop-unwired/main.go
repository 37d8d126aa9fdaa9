package main

// Scenario 9 driver: a chat server creates one Subscriber per session.
// 25 sessions open, receive a few messages and end; ending a session
// calls Stop, which panics every time (the server recovers per session
// and logs it: run.log). All 25 subscriber goroutines stay at sub.go:71.

import (
	"fmt"
	"time"
)

// closeSession stops the session's subscriber, turning a panic into an
// error the way the server's per-session middleware does.
func closeSession(id int, s *Subscriber) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("session %d: Stop panicked: %v", id, p)
		}
	}()
	s.Stop()
	return nil
}

func main() {
	failures := 0
	for id := 1; id <= 25; id++ {
		s := NewSubscriber()
		for n := 0; n < 4; n++ {
			s.Send(Message{Room: "lobby", Text: fmt.Sprintf("message %d of session %d", n, id)})
		}
		if err := closeSession(id, s); err != nil {
			if failures == 0 {
				fmt.Println(err)
			}
			failures++
		}
	}
	fmt.Printf("25 sessions closed, %d Stop calls panicked\n", failures)
	time.Sleep(time.Second)
	captureAll()
}
