package main

// server.go — scenario 17, "The Test That Was Right but goleak Was Wrong".
//
// HealthServer answers "PING" with "PONG". Start begins an accept loop in
// the background; Close stops it and waits for every goroutine the
// server started. TestPing (main_test.go) dials the server, pings and
// closes its connection, but never closes the server: its accept loop
// stays parked in the network poller, and goleak reports a goroutine with
// internal/poll.runtime_pollWait on top. It is a real leak. The session
// goroutine of the closed connection, by contrast, does exit (a moment
// after conn.Close; goleak's retries cover that).

import (
	"bufio"
	"fmt"
	"net"
	"sync"
)

type HealthServer struct {
	ln net.Listener
	wg sync.WaitGroup
}

// Start listens on 127.0.0.1 and serves until Close.
func Start() (*HealthServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &HealthServer{ln: ln}
	s.wg.Add(1)
	go s.acceptLoop()
	return s, nil
}

func (s *HealthServer) Addr() string { return s.ln.Addr().String() }

func (s *HealthServer) acceptLoop() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go s.session(c)
	}
}

func (s *HealthServer) session(c net.Conn) {
	defer s.wg.Done()
	defer c.Close()
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		if line == "PING\n" {
			fmt.Fprint(c, "PONG\n")
		}
	}
}

// Close stops the accept loop and waits for the server's goroutines.
func (s *HealthServer) Close() error {
	err := s.ln.Close()
	s.wg.Wait()
	return err
}

// ping sends PING on conn and expects PONG.
func ping(conn net.Conn) error {
	if _, err := fmt.Fprint(conn, "PING\n"); err != nil {
		return err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if line != "PONG\n" {
		return fmt.Errorf("ping: got %q", line)
	}
	return nil
}
