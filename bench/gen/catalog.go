package main

import (
	"math/rand"
	"reflect"
	"runtime"
	"strings"

	"example.com/shopd/internal/cart"
	"example.com/shopd/internal/mq"
	"example.com/shopd/internal/store"
	"example.com/shopd/internal/sys"
	"example.com/shopd/internal/task"
	"example.com/shopd/internal/web"
)

// catalog is every function a route can be made of.
type catalog struct {
	hops        []task.Def
	byTier      [task.NumTiers][]int
	leaves      []task.Leaf
	byState     [task.NumStates][]int
	creators    []task.Creator
	labelHop    task.Hop
	labelFrames int
}

func newCatalog(g *generator) *catalog {
	c := &catalog{}
	for _, hs := range [][]task.Def{web.Hops(), mq.Hops(), sys.Hops(), cart.Hops(), store.Hops()} {
		c.hops = append(c.hops, hs...)
	}
	for i, h := range c.hops {
		c.byTier[h.Tier] = append(c.byTier[h.Tier], i)
	}
	for _, ls := range [][]task.Leaf{web.Leaves(), cart.Leaves(), store.Leaves(), mq.Leaves(), sys.Leaves()} {
		c.leaves = append(c.leaves, ls...)
	}
	for i, l := range c.leaves {
		c.byState[l.State] = append(c.byState[l.State], i)
	}
	c.creators = append(c.creators, task.Creator{Name: "main.(*generator).launch", Spawn: g.launch})
	for _, cs := range [][]task.Creator{web.Creators(), store.Creators(), mq.Creators(), sys.Creators()} {
		c.creators = append(c.creators, cs...)
	}
	c.labelHop, c.labelFrames = web.LabelHop()
	return c
}

// pickLeaf returns a leaf index for state s.
func (c *catalog) pickLeaf(s task.State, rng *rand.Rand) int {
	ls := c.byState[s]
	return ls[rng.Intn(len(ls))]
}

func (c *catalog) hopFrames(h, arg int) int {
	return c.hops[h].Frames + arg
}

// route fills in the hops of s so that its stack has about target frames:
// one entry hop, then hops of the later tiers in order, recursion making up
// the difference.
func (c *catalog) route(s *spec, target int, rng *rand.Rand) {
	fixed := c.leaves[s.Leaf].Frames
	if s.Labels != nil && !s.Inherit {
		fixed += c.labelFrames
	}
	want := target - fixed
	entries := c.byTier[task.TierEntry]
	path := []int{entries[rng.Intn(len(entries))]}
	for tier := task.TierMiddle; tier < task.NumTiers; tier++ {
		cands := c.byTier[tier]
		k := rng.Intn(3)
		for _, j := range rng.Perm(len(cands))[:min(k, len(cands))] {
			path = append(path, cands[j])
		}
	}
	frames := func() int {
		n := 0
		for _, h := range path {
			n += c.hops[h].Frames
		}
		return n
	}
	for frames() > want && len(path) > 1 {
		i := 1 + rng.Intn(len(path)-1)
		path = append(path[:i], path[i+1:]...)
	}
	args := make([]int, len(path))
	surplus := want - frames()
	if surplus > 0 {
		var rec []int
		for i, h := range path {
			if c.hops[h].Rec {
				rec = append(rec, i)
			}
		}
		if len(rec) == 0 {
			// Add a recursive hop of a later tier where its tier belongs.
			var cands []int
			for i, h := range c.hops {
				if h.Rec && h.Frames <= surplus && !contains(path, i) {
					cands = append(cands, i)
				}
			}
			if len(cands) > 0 {
				h := cands[rng.Intn(len(cands))]
				at := len(path)
				for i := 1; i < len(path); i++ {
					if c.hops[path[i]].Tier > c.hops[h].Tier {
						at = i
						break
					}
				}
				path = append(path[:at], append([]int{h}, path[at:]...)...)
				args = make([]int, len(path))
				surplus -= c.hops[h].Frames
				rec = []int{at}
			}
		}
		for ; surplus > 0 && len(rec) > 0; surplus-- {
			args[rec[rng.Intn(len(rec))]]++
		}
		// Too short for a recursive hop: one-frame hops of the later tiers.
		for _, h := range rng.Perm(len(c.hops)) {
			if surplus == 0 {
				break
			}
			d := c.hops[h]
			if d.Tier == task.TierEntry || d.Rec || d.Frames > surplus || contains(path, h) {
				continue
			}
			at := len(path)
			for i := 1; i < len(path); i++ {
				if c.hops[path[i]].Tier > d.Tier {
					at = i
					break
				}
			}
			path = append(path[:at], append([]int{h}, path[at:]...)...)
			args = append(args[:at], append([]int{0}, args[at:]...)...)
			surplus -= d.Frames
		}
	}
	s.Hops, s.Args = path, args
	s.Frames = fixed
	for i, h := range path {
		s.Frames += c.hopFrames(h, args[i])
	}
	if s.Labels != nil && !s.Inherit {
		s.LabelAt = 1 + rng.Intn(len(path))
	}
}

// steps returns the functions goroutines of s run through and their args.
func (c *catalog) steps(s *spec) ([]task.Hop, []int) {
	var hops []task.Hop
	var args []int
	for i, h := range s.Hops {
		if i == s.LabelAt {
			hops, args = append(hops, c.labelHop), append(args, 0)
		}
		hops, args = append(hops, c.hops[h].Fn), append(args, s.Args[i])
	}
	if s.LabelAt == len(s.Hops) {
		hops, args = append(hops, c.labelHop), append(args, 0)
	}
	return append(hops, c.leaves[s.Leaf].Fn), append(args, 0)
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// funcName is the name the runtime prints for f.
func funcName(f interface{}) string {
	name := runtime.FuncForPC(reflect.ValueOf(f).Pointer()).Name()
	return strings.TrimSuffix(name, "-fm")
}
