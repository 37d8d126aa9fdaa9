package main

// server.go — the streaming server of scenario 7 (variant b), a small
// stand-in for a gRPC server: one TCP connection multiplexes many
// streams. For every connection the server runs a reader (serveConn,
// parked in the poller while the client is quiet), a writer (writer) and
// one handler per stream (handleStream). 40 connections of 6 streams
// cost 320 goroutines by design.
//
// Frames are lines. Client to server: "S <stream>" opens a stream,
// "D <stream> <data>" carries data. Server to client: "A <stream> <data>"
// acknowledges it.

import (
	"bufio"
	"net"
	"strings"
	"sync/atomic"
)

type streamServer struct {
	ln     net.Listener
	open   atomic.Int64 // connections being served
	closed atomic.Int64 // connections finished
}

type session struct {
	nc      net.Conn
	send    chan string   // frames for the writer
	gone    chan struct{} // closed when the connection has ended
	streams map[string]chan string
}

func (s *streamServer) acceptLoop() {
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		go s.serveConn(nc)
	}
}

// serveConn reads frames and routes them to the streams' handlers.
func (s *streamServer) serveConn(nc net.Conn) {
	s.open.Add(1)
	sess := &session{nc: nc, send: make(chan string, 32), gone: make(chan struct{}),
		streams: make(map[string]chan string)}
	go sess.writer()
	defer func() {
		close(sess.gone)
		nc.Close()
		s.open.Add(-1)
		s.closed.Add(1)
	}()
	lines := bufio.NewScanner(nc)
	for lines.Scan() {
		f := strings.Fields(lines.Text())
		switch {
		case len(f) == 2 && f[0] == "S":
			in := make(chan string)
			sess.streams[f[1]] = in
			go s.handleStream(sess, f[1], in)
		case len(f) == 3 && f[0] == "D":
			if in, ok := sess.streams[f[1]]; ok {
				in <- f[2]
			}
		}
	}
}

// writer sends queued frames until the connection ends.
func (sess *session) writer() {
	w := bufio.NewWriter(sess.nc)
	for {
		select {
		case frame := <-sess.send:
			w.WriteString(frame + "\n")
			if len(sess.send) == 0 {
				w.Flush()
			}
		case <-sess.gone:
			return
		}
	}
}

// handleStream acknowledges the stream's data until the stream's channel
// is closed. Nothing ever closes it: when the connection ends serveConn
// closes sess.gone, which this loop does not watch, so the handlers of
// every finished connection stay parked on the range.
func (s *streamServer) handleStream(sess *session, id string, in chan string) {
	for data := range in {
		select {
		case sess.send <- "A " + id + " " + data:
		case <-sess.gone:
		}
	}
}
