package main

// Scenario 15 driver: the service (conn.go) runs in this process, its
// clients in a peer process. Before each of five snapshots (debug=1) 15
// clients connect, send one GET, read the answer and then go silent
// without closing, which from the server's side is what a crashed peer
// looks like. fds.txt has /proc/self/fd and the goroutine count at each
// snapshot.

import (
	"bufio"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

const batch = 15

// ghosts is the peer: "dial ADDR N" opens N connections that ask once and
// then say nothing more, keeping the socket open until the peer exits.
func ghosts() {
	var held []net.Conn
	runPeer("ready", func(req string) string {
		f := strings.Fields(req)
		n, _ := strconv.Atoi(f[2])
		for i := 0; i < n; i++ {
			c, err := net.Dial("tcp", f[1])
			if err != nil {
				return "error: " + err.Error()
			}
			c.Write([]byte("GET colour\n"))
			if _, err := bufio.NewReader(c).ReadString('\n'); err != nil {
				return "error: " + err.Error()
			}
			held = append(held, c)
		}
		return "ok"
	})
	for _, c := range held {
		c.Close()
	}
}

func openFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		panic(err)
	}
	return len(ents)
}

func main() {
	if peerRole() == "ghosts" {
		ghosts()
		return
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go serve(ln)
	clients, _ := spawnPeer("ghosts")
	defer clients.finish()

	start := time.Now()
	record("fds.txt", "# snapshot elapsed open_fds(/proc/self/fd) goroutines")
	for i := 0; i < 5; i++ {
		if i > 0 {
			time.Sleep(1500 * time.Millisecond)
		}
		if r := clients.ask("dial %s %d", ln.Addr(), batch); r != "ok" {
			panic(r)
		}
		time.Sleep(200 * time.Millisecond)
		record("fds.txt", "t%03d elapsed=%.1fs fds=%d goroutines=%d",
			i, time.Since(start).Seconds(), openFDs(), runtime.NumGoroutine())
		seriesSnapshot(i, 1)
	}
	captureAll()
}
