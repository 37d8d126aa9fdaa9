package main

import "golang.org/x/sync/errgroup"

func process(items []Item) error {
	g, out := new(errgroup.Group), make(chan Result, 1) // out: buffered 1
	for _, it := range items {
		it := it
		g.Go(func() error {
			r, err := processItem(it)
			if err != nil {
				return err
			}
			out <- r // line 14
			return nil
		})
	}
	return g.Wait()
}

// Scenario 4 — "The errgroup Without Cancellation". (process above keeps
// the document's layout, so the send is on line 14.)
//
// A thumbnail job fans 200 images out through a plain errgroup.Group (no
// context). Image 77 is corrupt and fails. The first image to finish
// fills the one slot of out, which nothing reads; every other successful
// worker blocks on the send at line 14. errgroup's Wait returns only when
// every worker has returned, so the job itself (runJob, its own
// goroutine) blocks in Wait too: 198 senders + 1 waiter.
func main() {
	go runJob(catalogue(200))
	pause(2)
	captureAll()
}
