package main

import "sync"

// RunAll runs every job concurrently and waits for all of them.
func RunAll(jobs []Job) {
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func(j Job) {
			if j.Skip {
				return // line 12: forgot wg.Done()
			}
			defer wg.Done()
			j.Run()
		}(j)
	}
	wg.Wait()
}

// run.go — scenario 8, "The Lost Done() on a WaitGroup". (RunAll comes
// first so that its lines are the document's: the early return is line
// 12, the Wait line 18.)
//
// A disabled job returns before it has deferred wg.Done(), so the
// counter never gets back to zero and RunAll waits at line 18 for ever.
// Every worker goroutine ends; the one left behind is the waiter, in
// [semacquire] under sync.(*WaitGroup).Wait.

// Job is one step of a release pipeline.
type Job struct {
	Name string
	Skip bool // disabled in this environment
	Fn   func() error
}

// Run runs the job; its error is logged, not returned.
func (j Job) Run() {
	if j.Fn == nil {
		return
	}
	if err := j.Fn(); err != nil {
		println("job", j.Name, "failed:", err.Error())
	}
}
