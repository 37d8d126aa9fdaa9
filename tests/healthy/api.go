package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

func (s *service) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/api/order", s.handleOrder)
	mux.HandleFunc("/api/login", s.handleLogin)
	return mux
}

// handleOrder reads the order row from the database pool, then asks the
// backend for price (bounded pool), stock and shipping (plain client) in
// parallel (errgroup), then logs the request to the audit queue.
func (s *service) handleOrder(w http.ResponseWriter, r *http.Request) {
	atomic.AddInt64(&s.requests, 1)
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	id := r.URL.Query().Get("id")

	row, err := s.db.Query(ctx, "SELECT * FROM orders WHERE id = ?", id)
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}

	parts := []string{"price", "stock", "shipping"}
	clients := []*http.Client{s.pool, s.plain, s.plain}
	answers := make([]string, len(parts))
	g, gctx := errgroup.WithContext(ctx)
	for i, part := range parts {
		i, part := i, part
		g.Go(func() error {
			body, err := s.fetch(gctx, clients[i], "/"+part+"?id="+id)
			answers[i] = body
			return err
		})
	}
	if err := g.Wait(); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	s.audit.Put(fmt.Sprintf("order %s served to %s", id, r.RemoteAddr))
	fmt.Fprintf(w, "{\"row\":%q,%s}\n", row, strings.Join(answers, ","))
}

// handleLogin opens a session that expires by itself (time.AfterFunc).
func (s *service) handleLogin(w http.ResponseWriter, r *http.Request) {
	atomic.AddInt64(&s.requests, 1)
	id := s.sessions.Open(r.URL.Query().Get("user"), 10*time.Minute)
	fmt.Fprintf(w, "{\"session\":%q}\n", id)
}
