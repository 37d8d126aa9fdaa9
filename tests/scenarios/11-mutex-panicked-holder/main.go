package main

// Scenario 11 driver. One request credits an account that does not
// exist: Credit panics holding the lock, and the middleware recovers
// (run.log). Then five requests credit real accounts and the nightly
// audit runs on goroutine 1: all six block on the mutex nobody holds.
// goroutine 1 never returns, so the capture runs from a goroutine of its
// own and ends the process.

import (
	"fmt"
	"os"
	"sync"
	"time"
)

// guarded runs one request and recovers its panic, as HTTP middleware does.
func guarded(name string, req func()) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Printf("request %s: recovered: %v\n", name, p)
		}
	}()
	req()
}

func main() {
	l := &Ledger{accounts: map[string]*Account{"alice": {}, "bob": {}, "carol": {}}}

	go func() {
		time.Sleep(2 * time.Second)
		captureAll()
		os.Exit(0)
	}()

	guarded("credit alice", func() { l.Credit("alice", 100) })
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // a request for an account that was closed
		defer wg.Done()
		guarded("credit mallory", func() { l.Credit("mallory", 5) })
	}()
	wg.Wait()
	for i, name := range []string{"bob", "carol", "alice", "bob", "carol"} {
		name := name
		go guarded(fmt.Sprintf("credit %s #%d", name, i), func() { l.Credit(name, 10) })
	}
	time.Sleep(300 * time.Millisecond)
	fmt.Println("audit:", l.Audit()) // blocks for ever
}
