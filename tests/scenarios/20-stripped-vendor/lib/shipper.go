// Package telemetry stands in for a third-party library in scenario 20;
// regen.sh installs it as github.com/northwind/telemetry and rewrites its
// file names to /go/src/github.com/northwind/telemetry/..., as a library
// built in a golang container would show them.
//
// A Shipper sends metric points in the background until its queue is
// closed. The library has no Close: every Shipper's goroutine lives as
// long as the process.
package telemetry

import "sync/atomic"

// Point is one measurement.
type Point struct {
	Metric string
	Value  float64
}

type Shipper struct {
	service string
	queue   chan Point
	sent    atomic.Int64
}

// NewShipper starts a shipper for one service.
func NewShipper(service string) *Shipper {
	s := &Shipper{service: service, queue: make(chan Point, 64)}
	go s.loop()
	return s
}

// Emit queues one point.
func (s *Shipper) Emit(p Point) { s.queue <- p }

func (s *Shipper) loop() {
	for p := range s.queue {
		s.send(p)
	}
}

func (s *Shipper) send(p Point) {
	if p.Metric != "" {
		s.sent.Add(1)
	}
}
