package main

// conn.go — scenario 15, "The 'Process' Goroutine That Held a File
// Descriptor".
//
// A line-oriented key/value service: serve starts one handleConn per
// accepted connection, and handleConn reads commands with no read
// deadline and no TCP keepalive. A client that disappears without
// closing its side (a crashed host, a lost FIN or RST, a NAT entry that
// expired) never sends another byte, so the Read on line 42 waits for
// ever: the goroutine stays parked in the network poller ([IO wait]) and
// the socket's file descriptor stays open. Goroutines and descriptors
// climb together.

import (
	"bytes"
	"net"
)

func serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go handleConn(c)
	}
}

// answer executes one command.
func answer(cmd []byte) []byte {
	if bytes.HasPrefix(cmd, []byte("GET ")) {
		return []byte("VALUE 42\n")
	}
	return []byte("ERROR\n")
}

func handleConn(c net.Conn) {
	defer c.Close()
	buf := make([]byte, 2048)
	for {
		n, err := c.Read(buf) // no deadline: a silent peer holds us here
		if err != nil {
			return
		}
		if _, err := c.Write(answer(buf[:n])); err != nil {
			return
		}
	}
}
