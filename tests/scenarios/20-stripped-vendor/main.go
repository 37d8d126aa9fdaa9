package main

// Scenario 20 — "Production Profile Has a Stack from a Stripped Vendor
// Library".
//
// regen.sh links this program with -ldflags='-s -w': no ELF symbol table,
// no DWARF. The leak is in how the program uses the vendor library
// (github.com/northwind/telemetry, in lib/): runTask makes a new Shipper
// for every task, and each Shipper's goroutine runs for ever. The point
// of the scenario is what the stripped binary's own profile shows: the
// Go runtime symbolizes from .gopclntab, which -s -w keeps, so dump.txt
// and profile.txt carry full function names, files and lines.
// strip-notes.txt records what the strip did remove, and which tools
// still resolve the profile's PCs against the stripped binary.

import (
	"time"

	"github.com/northwind/telemetry"
)

// runTask runs one background task and reports how long it took.
func runTask(id int) {
	start := time.Now()
	ship := telemetry.NewShipper("tasks") // one Shipper, and one goroutine, per task
	ship.Emit(telemetry.Point{Metric: "task_seconds", Value: time.Since(start).Seconds() + float64(id)})
}

func main() {
	for id := 0; id < 40; id++ {
		runTask(id)
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	captureAll()
}
