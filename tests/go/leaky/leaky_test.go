package leaky

import (
	"runtime"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestLeak fails through goleak.VerifyNone: two notifiers blocked in chan
// send (same stack) and a poller asleep.
func TestLeak(t *testing.T) {
	defer goleak.VerifyNone(t)
	ch := make(chan int)
	for i := 0; i < 2; i++ {
		Notify(ch, i)
	}
	StartPoller(time.Hour)
}

// TestDumpInLog fails with a runtime.Stack dump in its message: the
// testing package indents it by 8 spaces.
func TestDumpInLog(t *testing.T) {
	go Consume(make(chan int))
	time.Sleep(50 * time.Millisecond)
	buf := make([]byte, 1<<20)
	n := runtime.Stack(buf, true)
	t.Errorf("goroutines still running after shutdown:\n%s", buf[:n])
}
