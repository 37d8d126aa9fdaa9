package main

import (
	"net"
)

// IO waits on loopback TCP: clients reading from a peer that accepted the
// connection and never writes, and a listener nobody dials. The accepted
// server-side connections are kept in silentPeers, with no goroutine.
var silentPeers []net.Conn

func startNet() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	for i := 0; i < perKind; i++ {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			panic(err)
		}
		s, err := ln.Accept()
		if err != nil {
			panic(err)
		}
		silentPeers = append(silentPeers, s)
		go connReadBlocked(c)
	}
	go acceptBlocked(ln)
}

// connReadBlocked: [IO wait] under net.(*conn).Read.
//
//go:noinline
func connReadBlocked(c net.Conn) {
	buf := make([]byte, 512)
	n, _ := c.Read(buf)
	sink = n
}

// acceptBlocked: [IO wait] under net.(*TCPListener).Accept.
//
//go:noinline
func acceptBlocked(ln net.Listener) {
	c, err := ln.Accept()
	if err == nil {
		c.Close()
	}
}
