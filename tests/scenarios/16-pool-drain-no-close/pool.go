package main

// pool.go — scenario 16, "The Worker Pool That 'Drained' But Didn't".
//
// Drain waits for the workers, but a worker leaves its range over p.jobs
// only when p.jobs is closed, and nothing closes it. The workers stay
// parked in chan receive; the caller of Drain stays parked in semacquire
// inside sync.(*WaitGroup).Wait: two different stacks, one root cause.

import "sync"

// Job is one unit of work.
type Job interface {
	Run()
}

type Pool struct {
	jobs chan Job
	wg   sync.WaitGroup
}

func NewPool(n int) *Pool {
	p := &Pool{jobs: make(chan Job)}
	for i := 0; i < n; i++ {
		p.wg.Add(1)
		go p.worker()
	}
	return p
}

func (p *Pool) worker() {
	defer p.wg.Done()
	for j := range p.jobs {
		j.Run()
	}
}

func (p *Pool) Submit(j Job) { p.jobs <- j }

// Drain is meant to finish the queued work and stop the workers.
func (p *Pool) Drain() {
	p.wg.Wait()
}
