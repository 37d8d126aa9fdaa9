package main

import (
	"net"
	"time"
)

// handleConn reads with no deadline from a peer that never writes: the
// goroutine and the socket's descriptor leak together (conn.go line 13).
func handleConn(c net.Conn) {
	buf := make([]byte, 512)
	for {
		if _, err := c.Read(buf); err != nil {
			c.Close()
			return
		}
	}
}

// fdLeakEvery opens one loopback connection per tick and keeps the client
// side open and silent, like a crashed peer whose RST never arrives.
func fdLeakEvery(rate time.Duration) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go handleConn(c)
		}
	}()
	var peers []net.Conn
	t := time.NewTicker(rate)
	defer t.Stop()
	for range t.C {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err == nil {
			peers = append(peers, c)
		}
	}
}
