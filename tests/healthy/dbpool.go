package main

import (
	"context"
	"fmt"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"
)

// dbPool is a database-style worker pool: a fixed number of workers range
// over the job channel; Close closes it once no caller is left.
type dbPool struct {
	jobs   chan job
	wg     sync.WaitGroup
	done   chan struct{}
	served int64
}

type job struct {
	ctx   context.Context
	query string
	arg   string
	reply chan result // buffered: a worker never waits for a caller that gave up
}

type result struct {
	row string
	err error
}

func newDBPool(ctx context.Context, workers int) *dbPool {
	p := &dbPool{jobs: make(chan job, 16), done: make(chan struct{})}
	for i := 0; i < workers; i++ {
		p.wg.Add(1)
		go p.worker(ctx, i)
	}
	// the pool's supervisor waits for its (running) workers
	go func() {
		p.wg.Wait()
		close(p.done)
	}()
	return p
}

func (p *dbPool) worker(ctx context.Context, id int) {
	defer p.wg.Done()
	for j := range p.jobs {
		if err := j.ctx.Err(); err != nil {
			j.reply <- result{err: err}
			continue
		}
		j.reply <- p.exec(ctx, j, id)
		atomic.AddInt64(&p.served, 1)
	}
}

// exec stands in for the round trip to the database.
func (p *dbPool) exec(ctx context.Context, j job, worker int) result {
	t := time.NewTimer(time.Duration(500+rand.Intn(1500)) * time.Microsecond)
	defer t.Stop()
	select {
	case <-t.C:
		return result{row: fmt.Sprintf("%s|%s|w%d", j.query[:6], j.arg, worker)}
	case <-j.ctx.Done():
		return result{err: j.ctx.Err()}
	case <-ctx.Done():
		return result{err: ctx.Err()}
	}
}

// Query queues a job and waits for its answer, or for ctx.
func (p *dbPool) Query(ctx context.Context, query, arg string) (string, error) {
	j := job{ctx: ctx, query: query, arg: arg, reply: make(chan result, 1)}
	select {
	case p.jobs <- j:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	select {
	case r := <-j.reply:
		return r.row, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Close ends the workers once the queued jobs are done.
func (p *dbPool) Close() {
	close(p.jobs)
	<-p.done
}
