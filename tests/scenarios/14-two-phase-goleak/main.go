package main

// Scenario 14 driver: runs both phases, as TestTwoPhase does
// (main_test.go), then captures the goroutine profile: one indexer left.
//
// main_test.go holds the original test (TestTwoPhase), the split into
// TestPhase1 and TestPhase2, and TestTwoPhaseIgnoreCurrent, which keeps
// the phases together but snapshots the goroutines after phase 1.
// regen.sh runs them one by one and then all in one binary
// (goleak-all.txt), where a goroutine leaked by an earlier test is
// reported again by every later one.

import "time"

func main() {
	valid, err := runPhase1(sample)
	if err != nil {
		panic(err)
	}
	if err := runPhase2(valid); err != nil {
		panic(err)
	}
	time.Sleep(time.Second)
	captureAll()
}
