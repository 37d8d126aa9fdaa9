// Command cgo has goroutines blocked inside C calls.
//
//	cgo stack   print runtime.Stack(all) to stdout and exit
//	cgo wait    print "ready" and wait for SIGQUIT (run with GOTRACEBACK=system)
//
// A goroutine in C is in state [syscall]; its innermost user-level frame
// is the cgo stub main._Cfunc_blockInC at _cgo_gotypes.go.
package main

/*
#include <unistd.h>

static void blockInC(void) {
	for (;;)
		sleep(1000);
}
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"time"
)

//go:noinline
func callIntoC() {
	C.blockInC()
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: cgo stack|wait")
		os.Exit(2)
	}
	for i := 0; i < 2; i++ {
		go callIntoC()
	}
	time.Sleep(100 * time.Millisecond)
	switch os.Args[1] {
	case "stack":
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		os.Stdout.Write(buf[:n])
	case "wait":
		fmt.Println("ready")
		select {}
	}
}
