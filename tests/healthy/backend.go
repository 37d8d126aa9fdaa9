package main

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"time"
)

// newPoolClient is the service's bounded pool of connections to the
// backend, with timeouts at every step: at most 16 connections, the other
// requests queue for one (Transport.getConn).
func newPoolClient() *http.Client {
	return &http.Client{
		Timeout: 3 * time.Second,
		Transport: &http.Transport{
			DialContext:           (&net.Dialer{Timeout: time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:          16,
			MaxIdleConnsPerHost:   16,
			MaxConnsPerHost:       16,
			IdleConnTimeout:       90 * time.Second,
			ResponseHeaderTimeout: 2 * time.Second,
		},
	}
}

// newPlainClient is the common form: Go's default transport settings (no
// limit on connections) and a Timeout on the client.
func newPlainClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Timeout: 3 * time.Second, Transport: t}
}

// fetch GETs path from the backend with client and returns the body.
func (s *service) fetch(ctx context.Context, client *http.Client, path string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.backendURL+path, nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("backend %s: %s", path, resp.Status)
	}
	return string(b), nil
}

// runBackend is the second server (peer process "backend"): a few
// milliseconds of work per request.
func runBackend() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Duration(2+rand.Intn(6)) * time.Millisecond)
		fmt.Fprintf(w, "%q:%d", r.URL.Path[1:], rand.Intn(1000))
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 2 * time.Second, IdleTimeout: time.Minute}
	go srv.Serve(ln)
	runPeer("http://"+ln.Addr().String(), func(string) string { return "ok" })
	srv.Close()
}
