// Command logdump writes a goroutine dump through the standard log package,
// the way servers often do from a debug handler or a watchdog:
//
//	logdump print    log.Print(string(stack)): the first goroutine header
//	                 shares its line with the log timestamp
//	logdump printf   log.Printf("...:\n%s", stack): a prefixed log line, then
//	                 the dump, unprefixed
//
// The log package prefixes only the first line of a message, so the rest
// of the dump is exactly runtime.Stack's. Output goes to stderr.
package main

import (
	"fmt"
	"log"
	"os"
	"runtime"
	"time"
)

var jobs = make(chan int)

//go:noinline
func watchdogWorker(id int) {
	for j := range jobs {
		_ = j + id
	}
}

func stacks() []byte {
	buf := make([]byte, 1<<20)
	return buf[:runtime.Stack(buf, true)]
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: logdump print|printf")
		os.Exit(2)
	}
	for i := 0; i < 2; i++ {
		go watchdogWorker(i)
	}
	time.Sleep(50 * time.Millisecond)
	switch os.Args[1] {
	case "print":
		log.Print(string(stacks()))
	case "printf":
		log.Printf("watchdog: request stuck for 30s, goroutines:\n%s", stacks())
	}
}
