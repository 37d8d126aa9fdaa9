package main

import (
	"context"
	"runtime/pprof"
)

// Goroutines started inside pprof.Do inherit its labels. Only debug=1 and
// debug=0 show them; tracebacks (debug=2, runtime.Stack) never do in 1.19.
func startLabeled() {
	ctx := context.Background()
	pprof.Do(ctx, pprof.Labels("job", "zoo", "worker", "w1"), func(context.Context) {
		for i := 0; i < 2; i++ {
			go labeledWorker()
		}
	})
	// Keys and values that need %q escaping: a space, a quote, a newline.
	pprof.Do(ctx, pprof.Labels("a b", "x\"y", "line", "1\n2"), func(context.Context) {
		go labeledWorker()
	})
}

//go:noinline
func labeledWorker() {
	<-hold
}
