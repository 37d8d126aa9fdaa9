package main

import (
	"testing"

	"go.uber.org/goleak"
)

func TestBatcher(t *testing.T) {
	defer goleak.VerifyNone(t)
	b := NewBatcher()
	fill(b)
	b.Close()
}
