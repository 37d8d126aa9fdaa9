package main

// phases.go — scenario 14, "The Two-Phase Test Where Phase 2 Leaks".
//
// An import job runs in two phases. Phase 1 validates the records with a
// pool of checkers that it shuts down properly (close, then Wait). Phase 2
// streams the valid records to an indexer goroutine started by runPhase2
// and forgets to close the stream, so indexRecords stays parked in its
// range loop (chan receive) after runPhase2 has returned.

import (
	"fmt"
	"strings"
	"sync"
)

var (
	indexMu sync.Mutex
	index   = map[string]int{}
)

// runPhase1 checks every record on three workers and waits for them.
func runPhase1(records []string) ([]string, error) {
	in := make(chan string)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		valid []string
	)
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range in {
				if strings.Contains(r, "=") {
					mu.Lock()
					valid = append(valid, r)
					mu.Unlock()
				}
			}
		}()
	}
	for _, r := range records {
		in <- r
	}
	close(in)
	wg.Wait()
	if len(valid) == 0 {
		return nil, fmt.Errorf("phase 1: no valid record out of %d", len(records))
	}
	return valid, nil
}

// runPhase2 feeds the valid records to an indexer goroutine.
func runPhase2(valid []string) error {
	stream := make(chan string)
	go indexRecords(stream)
	for _, r := range valid {
		stream <- r
	}
	// forgot close(stream): indexRecords never returns
	return nil
}

// indexRecords indexes records until the stream is closed.
func indexRecords(stream chan string) {
	for r := range stream {
		k, _, _ := strings.Cut(r, "=")
		indexMu.Lock()
		index[k]++
		indexMu.Unlock()
	}
}

var sample = []string{"sku=1001", "sku=1002", "broken", "sku=1003", "name=pear", "", "sku=1004"}
