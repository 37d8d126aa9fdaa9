package main

import (
	"bufio"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	httpClients = 64 // concurrent keep-alive clients
	tcpClients  = 12 // persistent TCP connections
)

// runLoad is the load generator (peer process "load"):
//
//	start API_ADDR TCP_ADDR   starts the clients
//	stop                      stops them; connections stay open, idle
func runLoad() {
	var lg *loadGen
	runPeer("ready", func(req string) string {
		f := strings.Fields(req)
		switch {
		case len(f) == 3 && f[0] == "start":
			lg = startLoad(f[1], f[2])
			return "started"
		case len(f) == 1 && f[0] == "stop" && lg != nil:
			return lg.stop()
		}
		return "?"
	})
}

type loadGen struct {
	stopping chan struct{}
	wg       sync.WaitGroup
	requests int64
	errors   int64
	commands int64
}

func startLoad(apiAddr, tcpAddr string) *loadGen {
	lg := &loadGen{stopping: make(chan struct{})}
	client := &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: httpClients, IdleConnTimeout: time.Minute},
	}
	for i := 0; i < httpClients; i++ {
		lg.wg.Add(1)
		go lg.httpClient(client, "http://"+apiAddr, i)
	}
	for i := 0; i < tcpClients; i++ {
		c, err := net.Dial("tcp", tcpAddr)
		if err != nil {
			panic(err)
		}
		lg.wg.Add(1)
		go lg.tcpClient(c, i) // c stays open after stop, until the peer exits
	}
	return lg
}

func (lg *loadGen) running() bool {
	select {
	case <-lg.stopping:
		return false
	default:
		return true
	}
}

func (lg *loadGen) httpClient(client *http.Client, base string, n int) {
	defer lg.wg.Done()
	for lg.running() {
		url := fmt.Sprintf("%s/api/order?id=%d", base, rand.Intn(10000))
		if rand.Intn(10) == 0 {
			url = fmt.Sprintf("%s/api/login?user=u%d", base, n)
		}
		resp, err := client.Get(url)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				err = fmt.Errorf("%s", resp.Status)
			}
		}
		if err != nil {
			atomic.AddInt64(&lg.errors, 1)
		}
		atomic.AddInt64(&lg.requests, 1)
		time.Sleep(time.Duration(1+rand.Intn(5)) * time.Millisecond)
	}
}

func (lg *loadGen) tcpClient(c net.Conn, n int) {
	defer lg.wg.Done()
	r := bufio.NewReader(c)
	for i := 0; lg.running(); i++ {
		cmd := fmt.Sprintf("GET k%d\n", i%50)
		if i%3 == 0 {
			cmd = fmt.Sprintf("SET k%d v%d.%d\n", i%50, n, i)
		}
		if _, err := io.WriteString(c, cmd); err != nil {
			panic(err)
		}
		if _, err := r.ReadString('\n'); err != nil {
			panic(err)
		}
		atomic.AddInt64(&lg.commands, 1)
		time.Sleep(20 * time.Millisecond)
	}
}

func (lg *loadGen) stop() string {
	close(lg.stopping)
	lg.wg.Wait()
	return fmt.Sprintf("stopped: %d requests (%d errors), %d tcp commands",
		atomic.LoadInt64(&lg.requests), atomic.LoadInt64(&lg.errors), atomic.LoadInt64(&lg.commands))
}
