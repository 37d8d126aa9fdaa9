package main

// Scenario 10 driver: an HTTP server on 127.0.0.1 whose /convert handler
// calls NewCache on every request instead of using a shared cache. A
// client in the same process (keep-alives off, so no connection
// goroutine outlives its request) sends 30 requests between snapshots.
// The series (debug=2) shows the refreshers piling up, the earliest with
// the same goroutine ids in every snapshot; stats.txt has the counts.

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"
)

var served atomic.Int64

// convert should use one process-wide cache; it builds a new one instead.
func convert(w http.ResponseWriter, r *http.Request) {
	rates := NewCache()
	amount, _ := strconv.ParseFloat(r.URL.Query().Get("amount"), 64)
	fmt.Fprintf(w, "%.2f\n", amount*rates.Rate(r.URL.Query().Get("to")))
	served.Add(1)
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/convert", convert)
	go http.Serve(ln, mux)

	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	url := "http://" + ln.Addr().String() + "/convert?amount=20&to=USD"
	start := time.Now()
	for i := 0; i < 5; i++ {
		for n := 0; n < 30; n++ {
			resp, err := client.Get(url)
			if err != nil {
				panic(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond)
		record("stats.txt", "t%03d elapsed=%.1fs requests_served=%d goroutines=%d",
			i, time.Since(start).Seconds(), served.Load(), runtime.NumGoroutine())
		seriesSnapshot(i, 2)
	}
	captureAll()
}
