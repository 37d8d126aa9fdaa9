package main

// batcher.go — the component under test in scenario 19.
//
// A Batcher collects spans in a background goroutine and, when closed,
// encodes the last batch and delta-codes it once per compression level
// before handing it off. Close only signals the goroutine; it does not
// wait for it. In a normal build the final flush of the test's batch
// takes a few tens of milliseconds and is over long before goleak stops
// retrying (about 0.45 s); under -race, where every memory access is
// instrumented, it takes seconds, and goleak reports the goroutine while
// it is still running.

import (
	"strconv"
	"sync/atomic"
)

type Span struct {
	Trace string
	Name  string
	Nanos int64
}

type Batcher struct {
	spans chan Span
	quit  chan struct{}
	sum   atomic.Uint64 // checksum of the last batch handed off
}

func NewBatcher() *Batcher {
	b := &Batcher{spans: make(chan Span, 4096), quit: make(chan struct{})}
	go b.loop()
	return b
}

// Add queues one span.
func (b *Batcher) Add(s Span) { b.spans <- s }

// Close tells the background goroutine to flush and stop, and returns
// without waiting for it.
func (b *Batcher) Close() { close(b.quit) }

func (b *Batcher) loop() {
	var batch []Span
	for {
		select {
		case s := <-b.spans:
			batch = append(batch, s)
		case <-b.quit:
			for len(b.spans) > 0 {
				batch = append(batch, <-b.spans)
			}
			b.flush(batch)
			return
		}
	}
}

// flush encodes the batch, then delta-codes the encoding once per
// compression level and checksums the result.
func (b *Batcher) flush(batch []Span) {
	var enc []byte
	for _, s := range batch {
		enc = append(enc, s.Trace...)
		enc = append(enc, ' ')
		enc = append(enc, s.Name...)
		enc = append(enc, ' ')
		enc = strconv.AppendInt(enc, s.Nanos, 10)
		enc = append(enc, '\n')
	}
	delta := make([]byte, len(enc))
	var sum uint64
	for level := 1; level <= levels; level++ {
		prev := byte(level)
		for i := range enc {
			delta[i] = enc[i] - prev
			prev = enc[i]
			sum = sum*31 + uint64(delta[i])
		}
	}
	b.sum.Store(sum)
}
