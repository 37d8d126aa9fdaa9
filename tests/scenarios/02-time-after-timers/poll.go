package main

// poll.go — scenario 2, "The Forgotten time.After".
//
// pollOnce asks the upstream for its status and gives up after ten
// minutes. The upstream answers within a millisecond, so the first case
// of the select wins every time; but each call has also armed a
// ten-minute timer with time.After, and nothing stops it. In Go 1.19 an
// unstopped timer stays in the runtime's timer heap, holding its Timer
// and channel, until it fires: ten minutes of garbage per call. No
// goroutine waits on it, so the goroutine count does not move.

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"
)

// Status is the upstream's answer.
type Status struct {
	Code int
	Body string
}

var statusURL string

// fetch runs the upstream call in the background; the answer arrives on
// the returned channel (buffered, so the sender never waits).
func fetch() <-chan Status {
	ch := make(chan Status, 1)
	go func() {
		resp, err := http.Get(statusURL)
		if err != nil {
			ch <- Status{Code: -1, Body: err.Error()}
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		ch <- Status{Code: resp.StatusCode, Body: string(body)}
	}()
	return ch
}

func pollOnce(ctx context.Context) (Status, error) {
	select {
	case s := <-fetch():
		return s, nil
	case <-time.After(10 * time.Minute): // armed on every call, never stopped
		return Status{}, errors.New("upstream: timeout")
	}
}
