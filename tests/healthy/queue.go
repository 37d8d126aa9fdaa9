package main

import (
	"bufio"
	"io"
	"sync"
	"sync/atomic"
)

// auditQueue is an unbounded FIFO guarded by a sync.Cond: consumers wait
// while it is empty, Put signals one of them, Close wakes them all.
type auditQueue struct {
	mu      sync.Mutex
	cond    *sync.Cond
	items   []string
	closed  bool
	wg      sync.WaitGroup
	written int64
}

func newAuditQueue(consumers int) *auditQueue {
	q := &auditQueue{}
	q.cond = sync.NewCond(&q.mu)
	for i := 0; i < consumers; i++ {
		q.wg.Add(1)
		go q.consume(bufio.NewWriter(io.Discard))
	}
	return q
}

func (q *auditQueue) Put(entry string) {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	q.items = append(q.items, entry)
	q.mu.Unlock()
	q.cond.Signal()
}

// take waits for an entry; false once the queue is closed and drained.
func (q *auditQueue) take() (string, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && !q.closed {
		q.cond.Wait()
	}
	if len(q.items) == 0 {
		return "", false
	}
	e := q.items[0]
	q.items = q.items[1:]
	return e, true
}

func (q *auditQueue) consume(w *bufio.Writer) {
	defer q.wg.Done()
	defer w.Flush()
	for {
		e, ok := q.take()
		if !ok {
			return
		}
		w.WriteString(e)
		w.WriteByte('\n')
		atomic.AddInt64(&q.written, 1)
	}
}

func (q *auditQueue) Close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.cond.Broadcast()
	q.wg.Wait()
}
