// Package store is the back end of the pretend shop: a database client, a
// cache, an index and the waits that come with them.
package store

import (
	"bufio"
	"errors"
	"io"
	"net"
	"time"

	"example.com/shopd/internal/task"
)

// DB is a database handle.
type DB struct {
	dsn     string
	workers int
}

// Conn is one connection of the wire protocol.
type Conn struct {
	nc net.Conn
	br *bufio.Reader
}

// Row is a result row.
type Row struct{ cols []string }

// Cache is a generic read-through cache.
type Cache[K comparable, V any] struct {
	name string
	m    map[K]V
}

// Index is a B-tree index.
type Index struct{ root *btree }

type btree struct{ keys []int64 }

// Replica follows the primary; readers wait while it catches up.
type Replica struct{ name string }

// Migrator needs the schema to itself.
type Migrator struct{ version int }

// Pool hands out connections and gives up after a timeout.
type Pool struct{ timeout time.Duration }

// Filler fills the cache in the background; readers wait on a condition.
type Filler struct{ key string }

var (
	db       = &DB{dsn: "postgres://orders", workers: 8}
	users    = &Cache[string, *Row]{name: "users", m: map[string]*Row{}}
	index    = &Index{root: &btree{}}
	replica  = &Replica{name: "replica-1"}
	migrator = &Migrator{version: 42}
	pool     = &Pool{timeout: 2 * time.Hour}
	filler   = &Filler{key: "catalog"}
	errRetry = errors.New("retry")
)

// Query runs the rest on a pooled connection.
func (d *DB) Query(t *task.T) {
	_ = d.withConn(func(c *Conn) error {
		t.Next()(t)
		return nil
	})
}

//go:noinline
func (d *DB) withConn(fn func(*Conn) error) error {
	if d.workers < 0 {
		return errRetry
	}
	return fn(nil)
}

// Exec is a plain method.
func (d *DB) Exec(t *task.T) {
	t.Next()(t)
}

// retryQuery goes through a generic retry helper.
func retryQuery(t *task.T) {
	_, _ = Retry(t, 3, func() (*Row, error) { return nil, nil })
}

// Retry calls op up to attempts times; here the rest of the route runs first.
//
//go:noinline
func Retry[R any](t *task.T, attempts int, op func() (R, error)) (R, error) {
	if attempts > 0 {
		t.Next()(t)
	}
	return op()
}

// lookup reads through the generic cache.
func lookup(t *task.T) {
	users.Get(t, "user:42")
}

// Get returns the cached value, loading it first.
//
//go:noinline
func (c *Cache[K, V]) Get(t *task.T, key K) V {
	v, ok := c.m[key]
	if !ok {
		t.Next()(t)
	}
	return v
}

// Seek descends Arg() levels of the tree.
func (ix *Index) Seek(t *task.T) {
	ix.root.descend(t, t.Arg(), 1<<20)
}

func (b *btree) descend(t *task.T, depth int, key int64) {
	if depth > 0 {
		b.descend(t, depth-1, key/2)
		return
	}
	t.Next()(t)
}

// readPacket reads a packet header from a server that never sends one.
func (c *Conn) readPacket(t *task.T) {
	e := t.R.Env
	nc, err := e.Dial()
	if err != nil {
		panic(err)
	}
	conn := &Conn{nc: nc, br: bufio.NewReaderSize(nc, 64)}
	var hdr [4]byte
	task.Park()
	_, err = io.ReadFull(conn.br, hdr[:])
	task.Fail("packet read: " + errString(err))
}

// waitLag waits for a read lock while a writer holds the replica.
func (r *Replica) waitLag(t *task.T) {
	e := t.R.Env
	task.Park()
	e.RW.RLock()
	task.Fail("read lock taken")
}

// exclusive waits for the write lock while readers hold it.
func (m *Migrator) exclusive(t *task.T) {
	e := t.R.Env
	task.Park()
	e.RW.Lock()
	task.Fail("write lock taken")
}

// Close waits for workers that never finish.
func (d *DB) Close(t *task.T) {
	e := t.R.Env
	task.Park()
	e.WG.Wait()
	task.Fail("wait group done")
}

// acquire waits for a free connection or a timeout far away.
func (p *Pool) acquire(t *task.T) {
	e := t.R.Env
	timer := time.NewTimer(p.timeout)
	task.Park()
	select {
	case <-e.Ch:
	case <-timer.C:
	case <-e.Ctx.Done():
	}
	task.Fail("pool acquire")
}

// waitFill waits for a signal that never comes. Park is called under the
// lock, so whoever takes the lock next knows this goroutine is in Wait.
func (f *Filler) waitFill(t *task.T) {
	c := t.R.Env.Cond
	c.L.Lock()
	task.Park()
	for {
		c.Wait()
	}
}

func errString(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}

// Hops returns the package's application hops.
func Hops() []task.Def {
	return []task.Def{
		{Fn: db.Query, Tier: task.TierBackend, Frames: 3},
		{Fn: db.Exec, Tier: task.TierBackend, Frames: 1},
		{Fn: retryQuery, Tier: task.TierBackend, Frames: 2},
		{Fn: lookup, Tier: task.TierService, Frames: 2},
		{Fn: index.Seek, Tier: task.TierBackend, Frames: 2, Rec: true},
	}
}

// Leaves returns the package's blocking functions.
func Leaves() []task.Leaf {
	return []task.Leaf{
		{State: task.NetRead, Fn: (*Conn)(nil).readPacket, Frames: 10},
		{State: task.RLock, Fn: replica.waitLag, Frames: 3},
		{State: task.WLock, Fn: migrator.exclusive, Frames: 3},
		{State: task.WaitGroup, Fn: db.Close, Frames: 3},
		{State: task.SelectTimer, Fn: pool.acquire, Frames: 1},
		{State: task.Cond, Fn: filler.waitFill, Frames: 3},
	}
}

// Creators returns the package's goroutine starters.
func Creators() []task.Creator {
	return []task.Creator{{Name: "example.com/shopd/internal/store.(*DB).startWorkers", Spawn: db.startWorkers}}
}

// startWorkers starts n background workers.
//
//go:noinline
func (d *DB) startWorkers(n int, mk task.MakeT) {
	for i := 0; i < n; i++ {
		t := mk(i)
		go t.Next()(t)
	}
}
