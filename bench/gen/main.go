// Command strand-gendump starts a large, deterministic population of blocked
// goroutines that look like a real service's, and writes the goroutine dump
// and profiles that Strand's benchmarks read. See ../README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"sync"
	"syscall"
	"time"

	"example.com/shopd/internal/task"
)

// Output files, inside -out.
const (
	fileDebug2   = "debug2.txt"
	fileDebug1   = "debug1.txt"
	fileProto    = "profile.pb.gz"
	fileManifest = "manifest.json"
)

type options struct {
	planConfig
	out     string
	age     time.Duration
	timeout time.Duration
	verbose bool

	cpuProfile string
}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 10000, "goroutines in the dump, helpers and the dumping goroutine included")
	flag.IntVar(&o.stacks, "stacks", 50, "distinct stacks (21 or more: every blocking state appears)")
	flag.Int64Var(&o.seed, "seed", 1, "seed of every random choice: same seed and flags, same stacks and counts")
	flag.StringVar(&o.out, "out", "dump", "output directory (created if missing)")
	flag.Float64Var(&o.labelFrac, "label-frac", 0.3, "fraction of stacks whose goroutines carry pprof labels")
	flag.IntVar(&o.maxConns, "max-conns", 1000, "most loopback TCP connections, for IO-wait and HTTP-client stacks (0: none)")
	flag.IntVar(&o.minDepth, "min-depth", 5, "fewest frames in a stack")
	flag.IntVar(&o.maxDepth, "max-depth", 40, "most frames in a stack")
	flag.Float64Var(&o.skew, "skew", 1, "Zipf exponent of goroutines per stack; 0 spreads them evenly")
	flag.IntVar(&o.series, "series", 0, "write this many debug=2 snapshots of one growing process (snap-01.txt ...) instead of the three forms")
	flag.IntVar(&o.step, "series-step", 0, "goroutines added between snapshots (default -n/100)")
	flag.DurationVar(&o.age, "age", 0, "wait this long after all goroutines blocked, so headers show \"N minutes\"")
	flag.DurationVar(&o.timeout, "timeout", 30*time.Minute, "give up if the goroutines have not all blocked by then")
	flag.BoolVar(&o.verbose, "v", false, "print the time of each phase")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the generator itself to this file")
	flag.Usage = func() {
		w := flag.CommandLine.Output()
		fmt.Fprintf(w, "usage: strand-gendump [flags]\n\n")
		fmt.Fprintf(w, "Starts -n blocked goroutines over -stacks stacks and writes %s (runtime.Stack),\n", fileDebug2)
		fmt.Fprintf(w, "%s and %s (pprof goroutine profile, debug=1 and 0) and %s into -out.\n", fileDebug1, fileProto, fileManifest)
		fmt.Fprintf(w, "With -series K: snap-01.txt ... snap-K.txt, the last with -n goroutines.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	if o.step == 0 {
		o.step = o.n / 100
	}
	if err := run(&o); err != nil {
		fmt.Fprintln(os.Stderr, "strand-gendump:", err)
		os.Exit(1)
	}
	// The goroutines, pipes and connections end with the process.
	os.Exit(0)
}

type generator struct {
	o        *options
	cat      *catalog
	specs    []spec
	routes   []*task.Route
	labels   [][]context.Context // per spec, for labels inherited from the creator
	next     []int               // per spec: index of the next goroutine
	live     []int               // per spec: goroutines now
	srv      *silentServer
	rng      *rand.Rand
	conds    []*sync.Cond
	parkers  int64 // goroutines that have been started and will call task.Park
	released int64 // goroutines told to end (series)
	extra    int   // goroutines besides the caller of run when it started
	start    time.Time
}

// memf logs the memory the process holds.
func (g *generator) memf(what string) {
	if g.o.verbose {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		g.logf("%s: heap %d MB, stacks %d MB, from the OS %d MB", what, ms.HeapInuse>>20, ms.StackInuse>>20, ms.Sys>>20)
	}
}

func (g *generator) logf(format string, args ...interface{}) {
	if g.o.verbose {
		fmt.Fprintf(os.Stderr, "strand-gendump: %6.1fs "+format+"\n", append([]interface{}{time.Since(g.start).Seconds()}, args...)...)
	}
}

// launch is the generator's own goroutine starter (a creator like the others).
//
//go:noinline
func (g *generator) launch(n int, mk task.MakeT) {
	for i := 0; i < n; i++ {
		t := mk(i)
		go t.Next()(t)
	}
}

func run(o *options) error {
	g := &generator{o: o, start: time.Now(), rng: rand.New(rand.NewSource(o.seed ^ 0x5eed))}
	// Nothing much becomes garbage, and each collection would scan every
	// goroutine stack: collect only when asked to.
	debug.SetGCPercent(-1)
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	g.extra = runtime.NumGoroutine() - 1                 // a test's, the profiler's
	g.parkers, g.released = task.Parked(), task.Exited() // nonzero in a test's second run
	g.cat = newCatalog(g)
	specs, err := makePlan(o.planConfig, g.cat)
	if err != nil {
		return err
	}
	g.specs = specs
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	if err := g.environments(); err != nil {
		return err
	}
	if o.series > 1 {
		err = g.runSeries()
	} else {
		err = g.runOnce()
	}
	if err != nil {
		return err
	}
	g.logf("done")
	return nil
}

// environments makes what each stack blocks on and its route.
func (g *generator) environments() error {
	ctx := context.Background()
	ctx, cancel := context.WithCancel(ctx)
	_ = cancel // never called: Done is one more thing that never happens
	for i := range g.specs {
		if g.specs[i].usesConn() {
			srv, err := listenSilent()
			if err != nil {
				return err
			}
			g.srv = srv
			break
		}
	}
	g.routes = make([]*task.Route, len(g.specs))
	g.labels = make([][]context.Context, len(g.specs))
	g.next = make([]int, len(g.specs))
	g.live = make([]int, len(g.specs))
	for i := range g.specs {
		s := &g.specs[i]
		e := &task.Env{Ctx: ctx}
		switch s.State {
		case task.ChanSend, task.ChanRecv, task.ChanRange, task.SelectTimer, task.Locked:
			e.Ch = make(chan int)
		case task.Select:
			e.Ch, e.Ch2 = make(chan int), make(chan int)
		case task.Mutex:
			e.Mu.Lock()
		case task.RLock:
			e.RW.Lock()
		case task.WLock:
			e.RW.RLock()
		case task.WaitGroup:
			e.WG.Add(1)
		case task.Cond:
			e.Cond = sync.NewCond(new(sync.Mutex))
			g.conds = append(g.conds, e.Cond)
		case task.NetRead:
			e.Dial = g.srv.dial
		case task.HTTPWait:
			e.HTTP = g.srv.client()
			e.URL = fmt.Sprintf("http://%s/v1/stock/%d", g.srv.addr(), s.ID)
		case task.Syscall:
			var p [2]int
			if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC); err != nil {
				return err
			}
			e.Fd = p[0] // p[1] stays open and silent
		case task.Runnable:
			e.Wake = make(chan int)
		}
		for _, kv := range s.Labels {
			ls := pprof.Labels(kv...)
			if s.Inherit {
				g.labels[i] = append(g.labels[i], pprof.WithLabels(ctx, ls))
			} else {
				e.Labels = append(e.Labels, ls)
			}
		}
		hops, args := g.cat.steps(s)
		g.routes[i] = &task.Route{Hops: hops, Args: args, Env: e}
	}
	return nil
}

// spawn starts add[i] more goroutines of each stack i, in batches of up to
// 64 in a shuffled order, so that stacks interleave in the dump as they do
// in a process that has run for a while.
func (g *generator) spawn(add []int) {
	type batch struct{ spec, n, no int }
	var batches []batch
	for i, n := range add {
		for no := 0; n > 0; no++ {
			b := 1 + g.rng.Intn(64)
			if b > n {
				b = n
			}
			batches = append(batches, batch{i, b, no})
			n -= b
		}
	}
	g.rng.Shuffle(len(batches), func(a, b int) { batches[a], batches[b] = batches[b], batches[a] })
	background := context.Background()
	for _, b := range batches {
		s := &g.specs[b.spec]
		route := g.routes[b.spec]
		first := g.next[b.spec]
		g.next[b.spec] += b.n
		g.live[b.spec] += b.n
		g.parkers += int64(b.n)
		if ctxs := g.labels[b.spec]; ctxs != nil {
			pprof.SetGoroutineLabels(ctxs[(first/64+b.no)%len(ctxs)])
		}
		g.cat.creators[s.Creator].Spawn(b.n, func(j int) *task.T {
			return &task.T{R: route, N: int32(first + j)}
		})
		if g.labels[b.spec] != nil {
			pprof.SetGoroutineLabels(background)
		}
	}
}

// goroutines is how many goroutines the dump should hold now.
func (g *generator) goroutines() int {
	n := 1 + g.extra // the dumping goroutine, and any the process had before (a test's)
	if g.srv != nil {
		n++ // its accept loop
	}
	for i := range g.specs {
		n += g.live[i] * g.specs[i].cost()
	}
	return n
}

func (g *generator) runnable() int {
	n := 0
	for i := range g.specs {
		if g.specs[i].State == task.Runnable {
			n += g.live[i]
		}
	}
	return n
}

// settle waits until every goroutine started has blocked.
func (g *generator) settle() error {
	deadline := time.Now().Add(g.o.timeout)
	want := g.goroutines()
	last := time.Now()
	for {
		p, n := task.Parked(), runtime.NumGoroutine()
		if p == g.parkers && n == want {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("goroutines not all blocked after %v: %d of %d parked, %d goroutines (want %d)", g.o.timeout, p, g.parkers, n, want)
		}
		if time.Since(last) > 5*time.Second {
			g.logf("waiting: %d of %d parked, %d goroutines (want %d)", p, g.parkers, n, want)
			last = time.Now()
		}
		time.Sleep(10 * time.Millisecond)
	}
	// A cond waiter parks while holding the lock, which only Wait releases:
	// taking the lock shows it is inside Wait.
	for _, c := range g.conds {
		c.L.Lock()
		c.L.Unlock() //nolint:staticcheck // empty on purpose
	}
	// Between Park and the blocking call there are a few instructions (and
	// for connections, a little traffic); give them time.
	time.Sleep(50*time.Millisecond + time.Duration(want/1000)*time.Millisecond)
	return nil
}

func (g *generator) runOnce() error {
	add := make([]int, len(g.specs))
	for i := range g.specs {
		add[i] = g.specs[i].Count
	}
	g.spawn(add)
	g.logf("started %d goroutines (and their helpers)", g.parkers)
	if err := g.settle(); err != nil {
		return err
	}
	g.logf("all blocked: %d goroutines", g.goroutines())
	g.memf("memory")
	g.collect()
	g.age()
	snap, err := g.snapshot(filepath.Join(g.o.out, fileDebug2))
	if err != nil {
		return err
	}
	for _, f := range []struct {
		name  string
		debug int
	}{{fileDebug1, 1}, {fileProto, 0}} {
		if err := writeProfile(filepath.Join(g.o.out, f.name), f.debug); err != nil {
			return err
		}
		g.logf("wrote %s", f.name)
		g.memf("memory")
	}
	return g.writeManifest([]snapshot{snap})
}

func (g *generator) runSeries() error {
	k := g.o.series
	var snaps []snapshot
	add := make([]int, len(g.specs))
	for i := range g.specs {
		add[i] = g.specs[i].countAt(1, k)
	}
	for j := 1; j <= k; j++ {
		if j > 1 {
			for i := range g.specs {
				s := &g.specs[i]
				add[i] = s.Grow
				for r := 0; r < s.Shrink; r++ {
					g.routes[i].Env.Ch <- -1 // the longest waiter takes it and ends
				}
				g.live[i] -= s.Shrink
				g.released += int64(s.Shrink)
			}
			for task.Exited() < g.released {
				time.Sleep(time.Millisecond)
			}
		}
		g.spawn(add)
		if err := g.settle(); err != nil {
			return err
		}
		if j == 1 {
			g.collect()
			g.age()
		}
		snap, err := g.snapshot(filepath.Join(g.o.out, fmt.Sprintf("snap-%02d.txt", j)))
		if err != nil {
			return err
		}
		snaps = append(snaps, snap)
	}
	return g.writeManifest(snaps)
}

// collect turns the collector back on once the population exists, so the
// garbage of the profile writers does not pile up. The first collection
// scans every stack (about a second per million goroutines) and shrinks
// the stacks that are mostly empty.
func (g *generator) collect() {
	debug.SetGCPercent(100)
	runtime.GC()
	g.memf("after a collection")
}

// age lets the wait clock of the blocked goroutines run: a collection
// stamps when each started waiting, and headers show whole minutes since.
func (g *generator) age() {
	if g.o.age <= 0 {
		return
	}
	runtime.GC()
	g.logf("aging %v", g.o.age)
	time.Sleep(g.o.age)
}

type snapshot struct {
	File       string         `json:"file"`
	Bytes      int            `json:"bytes"`
	Goroutines int            `json:"goroutines"`
	States     map[string]int `json:"states"`
}

// snapshot writes runtime.Stack(buf, true) to path: exactly what
// pprof.Lookup("goroutine").WriteTo(w, 2) would write, without the 64 MiB
// cap that Go 1.19 puts on it. It retries until the only running goroutine
// is this one and exactly the intended ones are runnable.
func (g *generator) snapshot(path string) (snapshot, error) {
	want, wantRunnable := g.goroutines(), g.runnable()
	size := g.estimate()
	for try := 1; try <= 10; try++ {
		// The goroutines woken for the last try must be back in their receive.
		for task.Parked() < g.parkers {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(time.Millisecond)
		t := time.Now()
		procs := 0
		n, states, err := stackToFile(path, size, func() {
			// With one P, the goroutines woken here stay runnable until
			// runtime.Stack, which follows at once with no system call between.
			if procs == 0 {
				procs = runtime.GOMAXPROCS(1)
			}
			for i := range g.specs {
				if g.specs[i].State == task.Runnable {
					for r := 0; r < g.live[i]; r++ {
						g.routes[i].Env.Wake <- r
					}
					g.parkers += int64(g.live[i]) // each parks again after
				}
			}
		})
		runtime.GOMAXPROCS(procs)
		if err != nil {
			return snapshot{}, err
		}
		total := 0
		for _, c := range states {
			total += c
		}
		g.logf("%s: %d bytes, %d goroutines in %.1fs", filepath.Base(path), n, total, time.Since(t).Seconds())
		if total == want && states["running"] == 1 && states["runnable"] == wantRunnable {
			return snapshot{File: filepath.Base(path), Bytes: n, Goroutines: total, States: states}, nil
		}
		g.logf("not settled (want %d goroutines, %d runnable): %v; again", want, wantRunnable, states)
		time.Sleep(time.Duration(try) * 200 * time.Millisecond)
	}
	return snapshot{}, errors.New("the goroutines did not settle for a snapshot")
}

// estimate is a generous guess of the size of the debug=2 text. It only
// reserves file space (the file is sparse until written).
func (g *generator) estimate() int {
	n := 1 << 20
	for i := range g.specs {
		n += g.live[i] * g.specs[i].cost() * (100 + 220*(g.specs[i].Frames+2))
	}
	return n
}

// stackToFile runs runtime.Stack(buf, true) into a shared mapping of the
// output file, so the text is not held twice in memory, and counts the
// goroutine states in it. It calls before just before runtime.Stack.
func stackToFile(path string, size int, before func()) (int, map[string]int, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return 0, nil, err
	}
	defer f.Close()
	for {
		if err := f.Truncate(int64(size)); err != nil {
			return 0, nil, err
		}
		buf, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
		if err != nil {
			return stackToFileHeap(f, size, before)
		}
		before()
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			states := countStates(buf[:n])
			if err := syscall.Munmap(buf); err != nil {
				return 0, nil, err
			}
			if err := f.Truncate(int64(n)); err != nil {
				return 0, nil, err
			}
			return n, states, f.Close()
		}
		if err := syscall.Munmap(buf); err != nil {
			return 0, nil, err
		}
		size *= 2
	}
}

// stackToFileHeap is the fallback where the file cannot be mapped.
func stackToFileHeap(f *os.File, size int, before func()) (int, map[string]int, error) {
	for {
		buf := make([]byte, size)
		before()
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			if err := f.Truncate(0); err != nil {
				return 0, nil, err
			}
			if _, err := f.WriteAt(buf[:n], 0); err != nil {
				return 0, nil, err
			}
			return n, countStates(buf[:n]), f.Close()
		}
		size *= 2
	}
}

func writeProfile(path string, debugLevel int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("goroutine").WriteTo(f, debugLevel); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
