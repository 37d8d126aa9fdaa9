package main

import (
	"fmt"
	"math"
	"math/rand"
	"sort"

	"example.com/shopd/internal/task"
)

// spec is one generated stack: the route its goroutines take, where they
// block, who starts them, their labels and how many there are.
type spec struct {
	ID      int
	State   task.State
	Leaf    int   // index into catalog.leaves
	Hops    []int // indices into catalog.hops, entry first
	Args    []int // recursion depth per hop
	LabelAt int   // the labelling hop goes before Hops[LabelAt]; -1: none in the route
	Inherit bool  // labels set on the creator, inherited by the goroutines
	Labels  [][]string
	Creator int
	Frames  int // frames of the stack, as the plan expects them
	Count   int // goroutines in the final snapshot
	weight  float64
	cap     int

	// Series: goroutines added (Grow) or released (Shrink) per snapshot.
	Grow, Shrink int
}

// cost is how many goroutines one goroutine of this state brings into the
// dump: an HTTP request also has the transport's readLoop and writeLoop.
func (s *spec) cost() int {
	if s.State == task.HTTPWait {
		return 3
	}
	return 1
}

func (s *spec) usesConn() bool { return s.State == task.NetRead || s.State == task.HTTPWait }

type planConfig struct {
	n, stacks          int
	seed               int64
	minDepth, maxDepth int
	maxConns           int
	skew, labelFrac    float64
	series, step       int // snapshots and total growth per snapshot; series 0: one snapshot
}

// Per-stack caps of the states that cost an OS thread or are meant to be few.
var stateCap = map[task.State]int{
	task.Syscall:  4,
	task.Locked:   4,
	task.Runnable: 32,
}

// Weights of the states the stacks beyond the first NumStates draw from:
// the common ways a service's goroutines wait.
var stateWeight = map[task.State]int{
	task.ChanRecv: 6, task.Select: 6, task.ChanSend: 4, task.SelectTimer: 4, task.CtxDone: 3,
	task.Mutex: 3, task.WaitGroup: 3, task.Cond: 2, task.ChanRange: 3, task.Ticker: 2,
	task.RLock: 1, task.Sleep: 2, task.NetRead: 2, task.HTTPWait: 1, task.NilRecv: 1,
	task.SelectNoCases: 1, task.WLock: 1, task.NilSend: 1,
}

var labelTemplates = []struct {
	keys   []string
	values [][]string
}{
	{[]string{"handler", "tenant"}, [][]string{{"/api/v1/orders", "/api/v1/cart", "/api/v2/search"}, {"acme", "globex", "initech", "umbrella", "hooli", "stark"}}},
	{[]string{"job", "shard"}, [][]string{{"reindex", "compact", "export"}, {"0", "1", "2", "3"}}},
	{[]string{"component"}, [][]string{{"billing", "inventory", "mailer"}}},
	{[]string{"rpc.method", "region"}, [][]string{{"GetUser", "ListOrders"}, {"eu-west-1", "us-east-2"}}},
}

func makePlan(c planConfig, cat *catalog) ([]spec, error) {
	if c.stacks < 1 || c.n < 1 {
		return nil, fmt.Errorf("-n and -stacks must be positive")
	}
	if c.minDepth < 1 || c.maxDepth < c.minDepth {
		return nil, fmt.Errorf("need 1 <= -min-depth <= -max-depth")
	}
	rng := rand.New(rand.NewSource(c.seed))
	specs := make([]spec, c.stacks)

	// States: every state once (in random order), then weighted draws.
	var pool []task.State
	for s := 0; s < task.NumStates; s++ {
		for k := 0; k < stateWeight[task.State(s)]; k++ {
			pool = append(pool, task.State(s))
		}
	}
	perm := rng.Perm(task.NumStates)
	conns := 0
	for i := range specs {
		s := &specs[i]
		s.ID = i + 1
		if i < task.NumStates {
			s.State = task.State(perm[i])
		} else {
			s.State = pool[rng.Intn(len(pool))]
		}
		if s.usesConn() {
			if conns >= c.maxConns {
				s.State = task.ChanRecv // no connection left for it
			} else {
				conns++
			}
		}
	}
	// Caps, including each connection stack's share of -max-conns.
	for i := range specs {
		s := &specs[i]
		s.cap = math.MaxInt
		if v, ok := stateCap[s.State]; ok {
			s.cap = v
		}
		if s.usesConn() {
			s.cap = c.maxConns / conns
		}
	}

	// Goroutines: Zipf weights over a random ranking of the stacks.
	rank := rng.Perm(len(specs))
	for i := range specs {
		specs[i].weight = 1 / math.Pow(float64(rank[i]+1), c.skew)
	}
	budget := c.n - 1 // the goroutine that takes the snapshot
	if conns > 0 {
		budget-- // the loopback server's accept loop
	}
	if err := distribute(specs, budget); err != nil {
		return nil, fmt.Errorf("-n %d is too small for %d stacks: %v", c.n, c.stacks, err)
	}

	targets := depthTargets(specs, c, rng)
	for i := range specs {
		s := &specs[i]
		s.Leaf = cat.pickLeaf(s.State, rng)
		s.Creator = rng.Intn(len(cat.creators))
		s.LabelAt = -1
		if rng.Float64() < c.labelFrac {
			t := labelTemplates[rng.Intn(len(labelTemplates))]
			// One label set per combination of the values, a handful at most.
			sets := [][]string{nil}
			for k, key := range t.keys {
				var next [][]string
				for _, set := range sets {
					for _, v := range t.values[k] {
						next = append(next, append(append([]string(nil), set...), key, v))
					}
				}
				sets = next
			}
			rng.Shuffle(len(sets), func(a, b int) { sets[a], sets[b] = sets[b], sets[a] })
			s.Labels = sets[:1+rng.Intn(min(len(sets), 6))]
			s.Inherit = rng.Intn(2) == 0
		}
		cat.route(s, targets[i], rng)
	}
	if c.series > 1 {
		if err := planSeries(specs, c, cat); err != nil {
			return nil, err
		}
	}
	return specs, nil
}

// depthTargets spreads the stacks' depths evenly over -min-depth..-max-depth
// and hands them out, heaviest stack first, so that the depth averaged over
// goroutines stays near the middle of the range: the size of a dump then
// depends little on which stacks the seed makes heavy.
func depthTargets(specs []spec, c planConfig, rng *rand.Rand) []int {
	k := len(specs)
	vals := make([]int, k)
	for i := range vals {
		vals[i] = (c.minDepth + c.maxDepth) / 2
		if k > 1 {
			vals[i] = c.minDepth + (i*(c.maxDepth-c.minDepth)+(k-1)/2)/(k-1)
		}
	}
	rng.Shuffle(k, func(a, b int) { vals[a], vals[b] = vals[b], vals[a] })
	order := make([]int, k)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return specs[order[a]].Count*specs[order[a]].cost() > specs[order[b]].Count*specs[order[b]].cost()
	})
	mid := float64(c.minDepth+c.maxDepth) / 2
	targets := make([]int, k)
	used := make([]bool, k)
	var sumW, sumWD float64
	for _, i := range order {
		w := float64(specs[i].Count * specs[i].cost())
		best, bestErr := -1, math.Inf(1)
		for j, v := range vals {
			if used[j] {
				continue
			}
			if e := math.Abs((sumWD+w*float64(v))/(sumW+w) - mid); e < bestErr {
				best, bestErr = j, e
			}
		}
		used[best] = true
		targets[i] = vals[best]
		sumW += w
		sumWD += w * float64(vals[best])
	}
	return targets
}

// distribute sets Count so that the goroutines, helpers included, add up to
// budget exactly, in proportion to weight and within each stack's cap.
func distribute(specs []spec, budget int) error {
	left := budget
	for i := range specs {
		specs[i].Count = 1
		left -= specs[i].cost()
	}
	if left < 0 {
		return fmt.Errorf("needs at least %d goroutines", budget-left+1)
	}
	for pass := 0; pass < 2*len(specs)+1 && left > 0; pass++ {
		w := 0.0
		for i := range specs {
			if specs[i].Count < specs[i].cap {
				w += specs[i].weight
			}
		}
		if w == 0 {
			break
		}
		start, capped := left, false
		for i := range specs {
			s := &specs[i]
			if s.Count >= s.cap {
				continue
			}
			give := int(float64(start) * s.weight / w / float64(s.cost()))
			if give >= s.cap-s.Count {
				give, capped = s.cap-s.Count, true
			}
			s.Count += give
			left -= give * s.cost()
		}
		if !capped {
			break
		}
	}
	// Rounding leftovers go to the heaviest stacks that take one goroutine each.
	order := make([]int, len(specs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return specs[order[a]].weight > specs[order[b]].weight })
	for _, i := range order {
		s := &specs[i]
		if s.cost() == 1 && s.cap == math.MaxInt {
			s.Count += left
			left = 0
			break
		}
	}
	if left != 0 {
		return fmt.Errorf("no uncapped stack to take %d goroutines", left)
	}
	return nil
}

// planSeries picks the stacks that grow between snapshots (the leaks) and
// one that shrinks, so that the total grows by c.step per snapshot.
func planSeries(specs []spec, c planConfig, cat *catalog) error {
	k := c.series - 1
	shrink := -1
	var grow []int
	order := make([]int, len(specs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return specs[order[a]].Count > specs[order[b]].Count })
	for _, i := range order {
		s := &specs[i]
		if s.cap != math.MaxInt || s.cost() != 1 {
			continue
		}
		if shrink < 0 && cat.leaves[s.Leaf].Releasable {
			shrink = i
			continue
		}
		if len(grow) < max(1, len(specs)/4) {
			grow = append(grow, i)
		}
	}
	perStep := c.step
	if shrink >= 0 {
		d := max(1, specs[shrink].Count/(4*k))
		specs[shrink].Shrink = d
		perStep += d
	}
	total := 0.0
	for _, i := range grow {
		total += specs[i].weight
	}
	given := 0
	for j, i := range grow {
		g := int(float64(perStep) * specs[i].weight / total)
		if j == len(grow)-1 {
			g = perStep - given
		}
		specs[i].Grow = g
		given += g
		if specs[i].Count-k*g < 1 {
			return fmt.Errorf("-series %d with -series-step %d needs more goroutines (stack %d has %d, grows %d per snapshot)",
				c.series, c.step, specs[i].ID, specs[i].Count, g)
		}
	}
	return nil
}

// countAt is how many goroutines stack s has in snapshot j (1-based) of a
// series of k snapshots; the last one has Count.
func (s *spec) countAt(j, k int) int {
	return s.Count - (k-j)*s.Grow + (k-j)*s.Shrink
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}

func max(a, b int) int {
	if a > b {
		return a
	}
	return b
}
