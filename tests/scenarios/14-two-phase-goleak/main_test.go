package main

import (
	"testing"

	"go.uber.org/goleak"
)

func phase1(t *testing.T) []string {
	t.Helper()
	valid, err := runPhase1(sample)
	if err != nil {
		t.Fatal(err)
	}
	return valid
}

func phase2(t *testing.T, valid []string) {
	t.Helper()
	if err := runPhase2(valid); err != nil {
		t.Fatal(err)
	}
}

// TestTwoPhase is the original test: one leak check for both phases.
func TestTwoPhase(t *testing.T) {
	defer goleak.VerifyNone(t)
	valid := phase1(t)
	phase2(t, valid)
}

// TestPhase1 and TestPhase2 split it: one leak check per phase.
func TestPhase1(t *testing.T) {
	defer goleak.VerifyNone(t)
	phase1(t)
}

func TestPhase2(t *testing.T) {
	defer goleak.VerifyNone(t)
	phase2(t, []string{"sku=1001", "sku=1002"})
}

// TestTwoPhaseIgnoreCurrent keeps the phases in one test (phase 2 needs
// phase 1's output) and ignores every goroutine alive after phase 1.
func TestTwoPhaseIgnoreCurrent(t *testing.T) {
	valid := phase1(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	phase2(t, valid)
}
