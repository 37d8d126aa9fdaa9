package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"

	"example.com/shopd/internal/task"
)

// The manifest is the ground truth of a corpus: every generated stack with
// its state, route, creator, labels and goroutine count.

type manifestSpec struct {
	ID        int        `json:"id"`
	State     string     `json:"state"`
	Status    string     `json:"status"` // between the brackets of the header
	Count     int        `json:"count"`  // in the last snapshot
	Frames    int        `json:"frames"` // planned frames of the stack
	CreatedBy string     `json:"created_by"`
	Leaf      string     `json:"leaf"`
	Path      []string   `json:"path"` // entry first, without the leaf
	Args      []int      `json:"recursion,omitempty"`
	Labels    [][]string `json:"labels,omitempty"` // label sets (key, value, ...)
	LabelsVia string     `json:"labels_via,omitempty"`
	Grow      int        `json:"grow_per_snapshot,omitempty"`
	Shrink    int        `json:"shrink_per_snapshot,omitempty"`
	Note      string     `json:"note,omitempty"`
}

type manifest struct {
	Generator string         `json:"generator"`
	GoVersion string         `json:"go_version"`
	Flags     map[string]any `json:"flags"`
	Snapshots []snapshot     `json:"snapshots"`
	Files     map[string]int `json:"file_bytes"`
	Helpers   []string       `json:"helper_goroutines"`
	Specs     []manifestSpec `json:"specs"`
}

func (g *generator) writeManifest(snaps []snapshot) error {
	o := g.o
	m := manifest{
		Generator: "strand-gendump",
		GoVersion: runtime.Version(),
		Flags: map[string]any{
			"n": o.n, "stacks": o.stacks, "seed": o.seed, "label-frac": o.labelFrac, "max-conns": o.maxConns,
			"min-depth": o.minDepth, "max-depth": o.maxDepth, "skew": o.skew, "series": o.series,
			"series-step": o.step, "age": o.age.String(),
		},
		Snapshots: snaps,
		Files:     map[string]int{},
		Helpers: []string{
			"the goroutine that took the snapshot: [running], main.(*generator).snapshot",
			"if a connection stack exists: the loopback server's accept loop, [IO wait]",
			"per http-client goroutine: net/http.(*persistConn).readLoop [IO wait] and writeLoop [select]",
		},
	}
	for i := range g.specs {
		s := &g.specs[i]
		ms := manifestSpec{
			ID: s.ID, State: s.State.String(), Status: s.State.Header(), Count: g.live[i], Frames: s.Frames,
			CreatedBy: g.cat.creators[s.Creator].Name, Leaf: funcName(g.cat.leaves[s.Leaf].Fn),
			Labels: s.Labels, Grow: s.Grow, Shrink: s.Shrink,
		}
		hops, args := g.cat.steps(s)
		for j, h := range hops[:len(hops)-1] {
			ms.Path = append(ms.Path, funcName(h))
			if args[j] > 0 && ms.Args == nil {
				ms.Args = make([]int, len(hops)-1)
			}
		}
		if ms.Args != nil {
			copy(ms.Args, args)
		}
		if s.Labels != nil {
			ms.LabelsVia = "pprof.Do"
			if s.Inherit {
				ms.LabelsVia = "creator"
			}
		}
		if s.State == task.WLock && g.live[i] > 1 {
			ms.Note = "one goroutine waits for the readers in RWMutex.Lock, the others for it on the writer mutex: two stacks"
		}
		m.Specs = append(m.Specs, ms)
	}
	entries, err := os.ReadDir(o.out)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && !e.IsDir() && e.Name() != fileManifest {
			m.Files[e.Name()] = int(fi.Size())
		}
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(o.out, fileManifest), append(b, '\n'), 0o644)
}
