package main

// A healthy Go service, for Strand's no-false-positive test (see README.md).
// Nothing here leaks: every goroutine has a way to end, every wait has a
// peer that will end it. The process is one "orders" service:
//
//   api.go      net/http server (keep-alive clients), errgroup fan-out
//   backend.go  HTTP clients with timeouts (a bounded pool, a plain one)
//               calling a second server
//   dbpool.go   database-style worker pool over a job channel
//   queue.go    sync.Cond queue with waiting consumers (the audit log)
//   tcp.go      line protocol over TCP, read deadlines per connection
//   bg.go       stopped tickers, signal.Notify loop, time.AfterFunc
//   load.go     the load generator (a peer process)
//
// The second server and the load generator run as peer processes (the same
// binary with STRAND_PEER=backend|load, see harness.go), so the captures show
// the service alone. main captures, into $STRAND_OUT:
//
//   series/t000..t004.txt  debug=1, one second apart, under steady load
//   load/                  dump.txt (debug=2), profile.txt (1), profile.pb.gz (0)
//   rest/                  the same once the load has stopped (idle clients stay)
//   stats.txt              goroutines and work done at each capture

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"
)

func main() {
	switch peerRole() {
	case "backend":
		runBackend()
		return
	case "load":
		runLoad()
		return
	}

	backend, backendURL := spawnPeer("backend")
	defer backend.finish()
	load, _ := spawnPeer("load")
	defer load.finish()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	svc := newService(ctx, backendURL)
	apiAddr := svc.startHTTP()
	tcpAddr := svc.startTCP()
	svc.startBackground()

	// an operator asks for a config reload
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		panic(err)
	}

	load.ask("start %s %s", apiAddr, tcpAddr)
	time.Sleep(2 * time.Second) // warm-up: pools fill, the load is steady
	for i := 0; i < 5; i++ {
		if i > 0 {
			time.Sleep(time.Second)
		}
		svc.stats(fmt.Sprintf("series/t%03d", i))
		seriesSnapshot(i, 1)
	}
	svc.stats("load")
	capture("load")

	load.ask("stop")
	time.Sleep(1500 * time.Millisecond) // in-flight work drains
	svc.stats("rest")
	capture("rest")

	svc.shutdown()
	cancel()
	runtime.GC()
}

// capture writes the three goroutine profile forms under dir/.
func capture(dir string) {
	goroutineProfile(dir+"/dump.txt", 2)
	goroutineProfile(dir+"/profile.txt", 1)
	goroutineProfile(dir+"/profile.pb.gz", 0)
}
