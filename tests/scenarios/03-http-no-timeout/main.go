package main

// Scenario 3 — "The HTTP Client Without a Timeout".
//
// An inventory service probes a backend's health with http.DefaultClient:
// no Client.Timeout, no context deadline. The backend (a peer process on
// 127.0.0.1) answers the first ten probes and then hangs: it reads each
// request and never writes a response, keeping the connection open. Each
// of the next 60 probes stays in flight for ever, and holds three
// goroutines in this process: the caller (parked in the transport's
// roundTrip, under main.probeHealth), the connection's readLoop (parked
// in the network poller, [IO wait]) and its writeLoop ([select]).

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

var healthy, unhealthy int64

// probeHealth asks the backend whether it is healthy.
func probeHealth(url string) (bool, error) {
	resp, err := http.DefaultClient.Get(url) // no timeout of any kind
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode == http.StatusOK, err
}

// refresh runs one background health probe and counts the outcome.
func refresh(url string) {
	if ok, err := probeHealth(url); err == nil && ok {
		atomic.AddInt64(&healthy, 1)
		return
	}
	atomic.AddInt64(&unhealthy, 1)
}

// backend is the peer: it answers until told "hang", then holds every
// request it receives without answering.
func backend() {
	var hung atomic.Bool
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	never := make(chan struct{})
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hung.Load() {
			<-never
		}
		fmt.Fprintln(w, "healthy")
	}))
	runPeer("http://"+ln.Addr().String()+"/healthz", func(req string) string {
		if req == "hang" {
			hung.Store(true)
		}
		return "ok"
	})
}

func main() {
	if peerRole() == "backend" {
		backend()
		return
	}
	be, url := spawnPeer("backend")
	defer be.finish()

	for i := 0; i < 10; i++ { // the backend is fine for a while
		refresh(url)
	}
	be.ask("hang")
	for i := 0; i < 60; i++ { // then every probe hangs with it
		go refresh(url)
		time.Sleep(25 * time.Millisecond)
	}
	time.Sleep(2 * time.Second)
	captureAll()
	fmt.Printf("probes: %d healthy, %d failed, 60 never returned\n",
		atomic.LoadInt64(&healthy), atomic.LoadInt64(&unhealthy))
}
