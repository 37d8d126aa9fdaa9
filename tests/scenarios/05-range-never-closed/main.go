package main

// Scenario 5 driver: the code path TestPipeline exercises
// (main_test.go), taken eight times, as a service would on eight
// requests. Each time three values are sent and the channel is never
// closed, so eight consumers stay parked at pipe.go:55.

import (
	"fmt"
	"time"
)

func handleRequest() {
	out := startPipeline([]int{1, 2, 3})
	out <- 1
	out <- 2
	out <- 3
	// forgot to close(out)!
}

func main() {
	for i := 0; i < 8; i++ {
		handleRequest()
	}
	time.Sleep(time.Second)
	captureAll()
	fmt.Println("requests handled: 8")
}
