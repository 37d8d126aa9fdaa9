package main

// Scenario 16 driver: six workers resize 30 images, then main calls
// Drain to shut the pool down before exiting. Drain never returns (main
// is goroutine 1), so the capture runs from a goroutine of its own and
// ends the process.

import (
	"fmt"
	"os"
	"sync/atomic"
	"time"
)

var resized atomic.Int64

type resize struct{ name string }

func (r resize) Run() {
	time.Sleep(time.Millisecond)
	resized.Add(1)
}

func main() {
	go func() {
		time.Sleep(1500 * time.Millisecond)
		captureAll()
		fmt.Printf("resized %d of 30; Drain has not returned\n", resized.Load())
		os.Exit(0)
	}()

	p := NewPool(6)
	for i := 0; i < 30; i++ {
		p.Submit(resize{name: fmt.Sprintf("img-%02d.png", i)})
	}
	p.Drain()
	fmt.Println("drained")
}
