package main

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// silentServer accepts TCP connections on 127.0.0.1 and never reads or
// writes: a client reading from it waits in IO wait, and an HTTP request to
// it never gets an answer. Nothing leaves the loopback interface.
type silentServer struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn // kept so that they are neither collected nor closed
}

func listenSilent() (*silentServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &silentServer{ln: ln}
	go s.accept()
	return s, nil
}

func (s *silentServer) addr() string { return s.ln.Addr().String() }

func (s *silentServer) dial() (net.Conn, error) {
	return net.DialTimeout("tcp", s.addr(), 30*time.Second)
}

// client returns an HTTP client that opens a new loopback connection per
// request and waits for the answer forever (no timeout, as in the leak it
// stands for).
func (s *silentServer) client() *http.Client {
	d := &net.Dialer{Timeout: 30 * time.Second}
	return &http.Client{Transport: &http.Transport{
		Proxy:              nil,
		DialContext:        d.DialContext,
		DisableCompression: true,
	}}
}

func (s *silentServer) accept() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns = append(s.conns, c)
		s.mu.Unlock()
	}
}
