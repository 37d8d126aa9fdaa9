package main

import "context"

// busyLoop never blocks: the select has a default case (spin.go line 10).
func busyLoop(ctx context.Context) {
	n := 0
	for {
		select {
		case <-ctx.Done():
			return
		default:
			n++
		}
	}
}

func spinner() { busyLoop(context.Background()) }
