package main

import (
	"io"
	"net"
	"net/http"
	"sync"
)

// startHTTP runs an HTTP server and makes perKind concurrent requests to it
// with a keep-alive client, so perKind idle connections remain: per
// connection a client readLoop [IO wait] and writeLoop [select], and a
// server conn.serve [IO wait]; plus the server's Accept loop [IO wait].
func startHTTP() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	// The handler waits until all requests have arrived, so each one gets
	// its own connection.
	var arrived sync.WaitGroup
	arrived.Add(perKind)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived.Done()
		arrived.Wait()
		io.WriteString(w, "ok\n")
	})}
	go srv.Serve(ln)

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: perKind}}
	url := "http://" + ln.Addr().String() + "/"
	var done sync.WaitGroup
	for i := 0; i < perKind; i++ {
		done.Add(1)
		go func() {
			defer done.Done()
			resp, err := client.Get(url)
			if err != nil {
				panic(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}()
	}
	done.Wait()
}
