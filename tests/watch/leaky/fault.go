package main

import (
	"bufio"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

const fakeDump = "goroutine 1 [running]:\nmain.main()\n\t/src/main.go:10 +0x25\n\n"

// faultHandler answers every request the way a broken endpoint would.
func faultHandler(kind string) http.Handler {
	var calls int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := atomic.AddInt64(&calls, 1)
		switch kind {
		case "500":
			http.Error(w, "internal error", http.StatusInternalServerError)
		case "truncate":
			truncate(w)
		case "garbage":
			w.Write([]byte(strings.Repeat("\x00\xff garbage \x01", 100)))
		case "slow":
			slow(w, r)
		case "flaky":
			if n <= 3 {
				http.Error(w, "warming up", http.StatusServiceUnavailable)
				return
			}
			http.DefaultServeMux.ServeHTTP(w, r)
		case "notext":
			if r.URL.Query().Get("debug") == "2" {
				http.Error(w, "debug=2 disabled", http.StatusForbidden)
				return
			}
			http.DefaultServeMux.ServeHTTP(w, r)
		}
	})
}

// truncate promises more bytes than it sends, then drops the connection.
func truncate(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return
	}
	c, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	defer c.Close()
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n%s", fakeDump)
	buf.Flush()
}

// slow sends a valid header and then one byte every two seconds (slow loris).
func slow(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(http.StatusOK)
	f, _ := w.(http.Flusher)
	bw := bufio.NewWriter(w)
	for i := 0; i < len(fakeDump); i++ {
		select {
		case <-r.Context().Done():
			return
		case <-time.After(2 * time.Second):
		}
		bw.WriteByte(fakeDump[i])
		bw.Flush()
		if f != nil {
			f.Flush()
		}
	}
}
