// Command watchleaky is the subject of the strand watch tests and benchmark:
// a process that serves net/http/pprof on 127.0.0.1 and leaks (or does not)
// goroutines in a chosen way. Standard library only; nothing leaves the
// loopback interface.
//
//	watchleaky -mode steady            a worker pool under churn: does not leak
//	watchleaky -mode leak              one goroutine per -rate leaks at leak.go:leakSite
//	watchleaky -mode fdleak            one conn + goroutine per -rate leak in lockstep (conn.go)
//	watchleaky -mode spin              one goroutine spins in a select with a default (spin.go)
//	watchleaky -fault 500|truncate|garbage|slow|flaky   a faulty pprof endpoint (fault.go)
//	watchleaky -ports N                serve the same endpoint on N ports (benchmark)
//
// It prints "listen 127.0.0.1:PORT" per port and "ready" on stdout, then runs
// until killed (or for -life).
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"time"
)

func main() {
	mode := flag.String("mode", "steady", "steady|leak|fdleak|spin|idle")
	fault := flag.String("fault", "", "500|truncate|garbage|slow|flaky: serve a faulty endpoint")
	ports := flag.Int("ports", 1, "number of ports serving the endpoint")
	rate := flag.Duration("rate", time.Second, "leak one goroutine every RATE")
	pool := flag.Int("pool", 20, "steady: pool workers")
	life := flag.Duration("life", 10*time.Minute, "exit after this long")
	flag.Parse()

	handler := http.DefaultServeMux
	var h http.Handler = handler
	if *fault != "" {
		h = faultHandler(*fault)
	}
	for i := 0; i < *ports; i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("listen %s\n", ln.Addr())
		go http.Serve(ln, h)
	}
	switch *mode {
	case "steady":
		go steady(*pool)
	case "leak":
		go leakEvery(*rate)
	case "fdleak":
		go fdLeakEvery(*rate)
	case "spin":
		go spinner()
		go steady(4)
	case "idle":
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", *mode)
		os.Exit(2)
	}
	fmt.Println("ready")
	time.Sleep(*life)
}
