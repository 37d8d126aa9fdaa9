package main

import (
	"sync"
	"time"
)

// Locks that main takes and never gives back, and the goroutines that
// wait for them. Go 1.19 reports all of these as [semacquire] except the
// Cond (sync.Cond.Wait); the frames below the state tell them apart.
var (
	heldMutex      sync.Mutex
	rwHeldByWriter sync.RWMutex
	rwHeldByReader sync.RWMutex
	neverDone      sync.WaitGroup
	condMu         sync.Mutex
	neverSignaled  = sync.NewCond(&condMu)
	condReady      bool
)

func startSync() {
	heldMutex.Lock()
	rwHeldByWriter.Lock()
	rwHeldByReader.RLock()
	neverDone.Add(1)
	for i := 0; i < perKind; i++ {
		go mutexLockBlocked(&heldMutex)
		go rwRLockBlocked(&rwHeldByWriter)
		go waitGroupBlocked(&neverDone)
		go condWaitBlocked()
	}
	// The first writer takes rw.w and waits for the reader to leave
	// (sync.runtime_SemacquireMutex on writerSem); the others then queue
	// on rw.w itself (sync.(*Mutex).Lock inside RWMutex.Lock).
	go rwLockBlocked(&rwHeldByReader)
	time.Sleep(50 * time.Millisecond)
	for i := 1; i < perKind; i++ {
		go rwLockBlocked(&rwHeldByReader)
	}
}

//go:noinline
func mutexLockBlocked(mu *sync.Mutex) {
	mu.Lock()
	mu.Unlock()
}

//go:noinline
func rwRLockBlocked(rw *sync.RWMutex) {
	rw.RLock()
	rw.RUnlock()
}

//go:noinline
func rwLockBlocked(rw *sync.RWMutex) {
	rw.Lock()
	rw.Unlock()
}

//go:noinline
func waitGroupBlocked(wg *sync.WaitGroup) {
	wg.Wait()
}

//go:noinline
func condWaitBlocked() {
	condMu.Lock()
	for !condReady {
		neverSignaled.Wait()
	}
	condMu.Unlock()
}
