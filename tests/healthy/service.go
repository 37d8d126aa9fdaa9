package main

import (
	"context"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

const (
	dbWorkers      = 8
	auditConsumers = 3
)

type service struct {
	ctx        context.Context
	backendURL string
	pool       *http.Client // bounded pool to the backend
	plain      *http.Client // default transport settings
	db         *dbPool
	audit      *auditQueue
	sessions   *sessionStore
	api        *http.Server
	apiDone    chan struct{}
	tcp        *tcpServer
	bg         sync.WaitGroup // background loops
	stopBg     context.CancelFunc
	beat       *heartbeat
	requests   int64
	reloads    int64
}

func newService(ctx context.Context, backendURL string) *service {
	return &service{
		ctx:        ctx,
		backendURL: backendURL,
		pool:       newPoolClient(),
		plain:      newPlainClient(),
		db:         newDBPool(ctx, dbWorkers),
		audit:      newAuditQueue(auditConsumers),
		sessions:   newSessionStore(),
	}
}

func (s *service) startHTTP() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	s.api = &http.Server{
		Handler:           s.routes(),
		ReadHeaderTimeout: 2 * time.Second,
		ReadTimeout:       5 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	s.apiDone = make(chan struct{})
	go func() {
		defer close(s.apiDone)
		if err := s.api.Serve(ln); err != http.ErrServerClosed {
			panic(err)
		}
	}()
	return ln.Addr().String()
}

func (s *service) startTCP() string {
	t, err := listenTCP("127.0.0.1:0", 30*time.Second)
	if err != nil {
		panic(err)
	}
	s.tcp = t
	return t.ln.Addr().String()
}

// stats appends one line to stats.txt.
func (s *service) stats(tag string) {
	record("stats.txt", "%s goroutines=%d http_requests=%d db_queries=%d audit_written=%d tcp_commands=%d heartbeats=%d reloads=%d",
		tag, runtime.NumGoroutine(), atomic.LoadInt64(&s.requests), atomic.LoadInt64(&s.db.served),
		atomic.LoadInt64(&s.audit.written), atomic.LoadInt64(&s.tcp.commands),
		s.beat.count(), atomic.LoadInt64(&s.reloads))
}

// shutdown stops everything in dependency order and waits for it.
func (s *service) shutdown() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.api.Shutdown(ctx); err != nil {
		panic(err)
	}
	<-s.apiDone
	s.tcp.Close()
	s.db.Close() // no caller is left: close the job channel
	s.audit.Close()
	s.sessions.Close()
	s.stopBg()
	s.beat.Stop()
	s.bg.Wait()
	s.pool.CloseIdleConnections()
	s.plain.CloseIdleConnections()
}
