package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"
	"time"

	"example.com/shopd/internal/task"
)

func testPlan(t *testing.T, c planConfig) []spec {
	t.Helper()
	g := &generator{}
	specs, err := makePlan(c, newCatalog(g))
	if err != nil {
		t.Fatal(err)
	}
	return specs
}

func defaults(n int) planConfig {
	return planConfig{n: n, stacks: 50, seed: 1, minDepth: 5, maxDepth: 40, maxConns: 1000, skew: 1, labelFrac: 0.3}
}

func TestPlanAddsUp(t *testing.T) {
	for _, n := range []int{500, 10000, 100000, 1000000} {
		specs := testPlan(t, defaults(n))
		total, conns := 1, 0 // the dumping goroutine
		seen := map[task.State]bool{}
		for _, s := range specs {
			total += s.Count * s.cost()
			if s.usesConn() {
				conns += s.Count
			}
			seen[s.State] = true
			if s.Count < 1 || s.Count > s.cap {
				t.Errorf("n=%d: stack %d has %d goroutines (cap %d)", n, s.ID, s.Count, s.cap)
			}
		}
		if conns > 0 {
			total++ // the accept loop
		}
		if total != n {
			t.Errorf("n=%d: plan adds up to %d goroutines", n, total)
		}
		if conns > 1000 {
			t.Errorf("n=%d: %d connections over -max-conns", n, conns)
		}
		if len(seen) != task.NumStates {
			t.Errorf("n=%d: %d of %d states", n, len(seen), task.NumStates)
		}
	}
}

func TestPlanDepthAndDeterminism(t *testing.T) {
	a := testPlan(t, defaults(100000))
	b := testPlan(t, defaults(100000))
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different plans")
	}
	lo, hi := 1000, 0
	for _, s := range a {
		if s.Frames < lo {
			lo = s.Frames
		}
		if s.Frames > hi {
			hi = s.Frames
		}
	}
	if lo < 5 || hi > 40 || hi-lo < 20 {
		t.Errorf("frames from %d to %d, want a spread within 5..40", lo, hi)
	}
	c := defaults(100000)
	c.seed = 2
	if reflect.DeepEqual(a, testPlan(t, c)) {
		t.Error("different seeds, same plan")
	}
}

func TestSeriesPlan(t *testing.T) {
	c := defaults(100000)
	c.series, c.step = 10, 1000
	specs := testPlan(t, c)
	for j := 1; j <= 10; j++ {
		total := 1
		for _, s := range specs {
			n := s.countAt(j, 10)
			if n < 1 {
				t.Fatalf("snapshot %d: stack %d has %d goroutines", j, s.ID, n)
			}
			total += n * s.cost()
		}
		for _, s := range specs {
			if s.usesConn() {
				total++
				break
			}
		}
		if want := 100000 - (10-j)*1000; total != want {
			t.Errorf("snapshot %d: %d goroutines, want %d", j, total, want)
		}
	}
}

func TestCountStates(t *testing.T) {
	text := []byte("goroutine 1 [running]:\nmain.main()\n\t/x.go:1 +0x1\n\n" +
		"goroutine 7 [chan receive, 3 minutes]:\nmain.f()\n\t/x.go:2 +0x1\n\n" +
		"goroutine 8 [select, 12 minutes, locked to thread]:\nmain.g()\n\t/x.go:3 +0x1\n")
	got := countStates(text)
	want := map[string]int{"running": 1, "chan receive": 1, "select, locked to thread": 1}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("countStates = %v, want %v", got, want)
	}
}

// TestRun generates a small corpus in this process and checks its files.
func TestRun(t *testing.T) {
	out := t.TempDir()
	o := &options{planConfig: defaults(3000), out: out, timeout: time.Minute}
	want := 3000 + runtime.NumGoroutine() - 1 // the test's own goroutines show too
	if err := run(o); err != nil {
		t.Fatal(err)
	}
	d2, err := os.ReadFile(filepath.Join(out, fileDebug2))
	if err != nil {
		t.Fatal(err)
	}
	states := countStates(d2)
	total := 0
	for _, n := range states {
		total += n
	}
	if total != want || states["running"] != 1 || states["runnable"] < 1 {
		t.Errorf("debug2: %d goroutines, states %v", total, states)
	}
	for _, want := range []string{"[chan send]:", "[chan receive]:", "[select]:", "[chan receive (nil chan)]:",
		"[chan send (nil chan)]:", "[select (no cases)]:", "[semacquire]:", "[sync.Cond.Wait]:", "[IO wait]:",
		"[sleep]:", "[syscall]:", "[runnable]:", "[chan receive, locked to thread]:",
		"created by example.com/shopd/internal/sys.Every[...]", "runtime/pprof.Do(", "store.(*Cache[...]).Get("} {
		if !bytes.Contains(d2, []byte(want)) {
			t.Errorf("debug2 has no %q", want)
		}
	}
	d1, err := os.ReadFile(filepath.Join(out, fileDebug1))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(d1, []byte("goroutine profile: total ")) || !bytes.Contains(d1, []byte("# labels: {")) {
		t.Errorf("debug1 does not look like a labelled goroutine profile: %.80q", d1)
	}
	pb, err := os.ReadFile(filepath.Join(out, fileProto))
	if err != nil || len(pb) < 2 || pb[0] != 0x1f || pb[1] != 0x8b {
		t.Errorf("profile.pb.gz is not gzip (%v)", err)
	}
	var m manifest
	b, err := os.ReadFile(filepath.Join(out, fileManifest))
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Specs) != 50 || m.Snapshots[0].Goroutines != want {
		t.Errorf("manifest: %d specs, %d goroutines", len(m.Specs), m.Snapshots[0].Goroutines)
	}
}
