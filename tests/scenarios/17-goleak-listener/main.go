package main

// Scenario 17 driver: does what TestPing does (dial, ping, close the
// connection, forget the server) and captures the goroutine profile a
// moment later: the accept loop is the one goroutine left.

import (
	"net"
	"time"
)

func main() {
	srv, err := Start() // never closed, as in TestPing
	if err != nil {
		panic(err)
	}
	conn, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		panic(err)
	}
	if err := ping(conn); err != nil {
		panic(err)
	}
	conn.Close()
	time.Sleep(500 * time.Millisecond)
	captureAll()
}
