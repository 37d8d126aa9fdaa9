package main

// Scenario 7 — "The Goroutine-per-Connection Pool That Never Shrinks".
// The same driver runs variants a (07a, handlers exit with their
// connection) and b (07b, they do not); only server.go differs.
//
// The server runs in this process; the clients run in a peer process, so
// the profile holds only the server's goroutines. 40 clients connect, each
// opening 6 streams and sending on every stream four times a second.
// Between snapshots of the series (debug=1) 10 connections close and 10
// new ones open, five at a time, so 40 are open at every snapshot.
// stats.txt has, per snapshot, the open and closed connections and the
// goroutine count.

import (
	"fmt"
	"io"
	"net"
	"runtime"
	"strconv"
	"strings"
	"time"
)

const (
	conns   = 40
	streams = 6
	rounds  = 4
	churn   = 10 // connections replaced per round, five at a time
)

// ---- the client fleet (peer process) ----

type client struct {
	nc   net.Conn
	quit chan struct{}
}

func connect(addr string) *client {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		panic(err)
	}
	c := &client{nc: nc, quit: make(chan struct{})}
	for s := 0; s < streams; s++ {
		fmt.Fprintf(nc, "S st%d\n", s)
	}
	go io.Copy(io.Discard, nc) // acknowledgements
	go func() {
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for n := 0; ; n++ {
			select {
			case <-c.quit:
				return
			case <-tick.C:
				for s := 0; s < streams; s++ {
					fmt.Fprintf(nc, "D st%d m%d\n", s, n)
				}
			}
		}
	}()
	return c
}

func (c *client) hangUp() {
	close(c.quit)
	c.nc.Close()
}

func fleet() {
	var cs []*client
	runPeer("ready", func(req string) string {
		f := strings.Fields(req) // "open ADDR N" or "churn ADDR N"
		n, _ := strconv.Atoi(f[2])
		if f[0] == "churn" {
			for _, c := range cs[:n] {
				c.hangUp()
			}
			cs = cs[n:]
		}
		for i := 0; i < n; i++ {
			cs = append(cs, connect(f[1]))
		}
		return "ok"
	})
	for _, c := range cs {
		c.hangUp()
	}
}

// ---- the server process ----

// waitFor polls until the server has `conns` connections open and has seen
// `closed` of them end, then gives finished goroutines time to unwind.
func waitFor(s *streamServer, closed int64) {
	for i := 0; i < 100 && (s.open.Load() != conns || s.closed.Load() < closed); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(700 * time.Millisecond)
}

func main() {
	if peerRole() == "fleet" {
		fleet()
		return
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	s := &streamServer{ln: ln}
	go s.acceptLoop()
	clients, _ := spawnPeer("fleet")
	defer clients.finish()
	addr := ln.Addr().String()

	start := time.Now()
	clients.ask("open %s %d", addr, conns)
	for i := 0; i <= rounds; i++ {
		if i > 0 {
			for k := 0; k < churn; k += 5 {
				clients.ask("churn %s 5", addr)
				time.Sleep(300 * time.Millisecond)
			}
		}
		waitFor(s, int64(i*churn))
		record("stats.txt", "t%03d elapsed=%.1fs open_conns=%d closed_conns=%d goroutines=%d",
			i, time.Since(start).Seconds(), s.open.Load(), s.closed.Load(), runtime.NumGoroutine())
		seriesSnapshot(i, 1)
	}
	captureAll()
}
