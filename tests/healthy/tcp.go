package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// tcpServer speaks a line protocol (GET key / SET key value) with one
// goroutine per connection; every read has a deadline, so an idle or
// silent client is dropped after `idle`.
type tcpServer struct {
	ln       net.Listener
	idle     time.Duration
	mu       sync.Mutex
	conns    map[net.Conn]struct{}
	wg       sync.WaitGroup
	kv       sync.Map
	commands int64
}

func listenTCP(addr string, idle time.Duration) (*tcpServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	t := &tcpServer{ln: ln, idle: idle, conns: map[net.Conn]struct{}{}}
	t.wg.Add(1)
	go t.acceptLoop()
	return t, nil
}

func (t *tcpServer) acceptLoop() {
	defer t.wg.Done()
	for {
		c, err := t.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(10 * time.Millisecond)
			continue
		}
		t.mu.Lock()
		t.conns[c] = struct{}{}
		t.mu.Unlock()
		t.wg.Add(1)
		go t.serveConn(c)
	}
}

func (t *tcpServer) serveConn(c net.Conn) {
	defer t.wg.Done()
	defer func() {
		t.mu.Lock()
		delete(t.conns, c)
		t.mu.Unlock()
		c.Close()
	}()
	r := bufio.NewReader(c)
	for {
		c.SetReadDeadline(time.Now().Add(t.idle))
		line, err := r.ReadString('\n')
		if err != nil {
			return // EOF, deadline or closed
		}
		reply := t.exec(strings.Fields(line))
		c.SetWriteDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.WriteString(c, reply+"\n"); err != nil {
			return
		}
		atomic.AddInt64(&t.commands, 1)
	}
}

func (t *tcpServer) exec(f []string) string {
	switch {
	case len(f) == 2 && f[0] == "GET":
		if v, ok := t.kv.Load(f[1]); ok {
			return "VALUE " + v.(string)
		}
		return "NONE"
	case len(f) == 3 && f[0] == "SET":
		t.kv.Store(f[1], f[2])
		return "OK"
	}
	return "ERR"
}

// Close stops accepting, closes every connection and waits for them.
func (t *tcpServer) Close() {
	t.ln.Close()
	t.mu.Lock()
	for c := range t.conns {
		c.Close()
	}
	t.mu.Unlock()
	t.wg.Wait()
}
