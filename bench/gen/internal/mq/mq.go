// Package mq is the messaging side of the pretend shop: consumers, a
// broker, partitions and a worker pool.
package mq

import (
	"time"

	"example.com/shopd/internal/task"
)

// Consumer reads messages from a topic.
type Consumer struct{ topic string }

// Broker routes messages to subscribers.
type Broker struct {
	name   string
	routes int
}

// Partition is an append-only log segment.
type Partition struct{ id int }

// Supervisor keeps a component alive.
type Supervisor struct{ name string }

// Dispatcher hands out work from a queue that was never created.
type Dispatcher struct{ queue chan int }

// Scheduler runs periodic jobs.
type Scheduler struct{ every time.Duration }

// Pool starts workers through a stored closure.
type Pool struct {
	size   int
	launch func(t *task.T)
}

var (
	consumer   = &Consumer{topic: "orders"}
	broker     = &Broker{name: "events", routes: 4}
	partition  = &Partition{id: 3}
	supervisor = &Supervisor{name: "main"}
	dispatcher = &Dispatcher{}
	scheduler  = &Scheduler{every: 3 * time.Hour}
	workers    = newPool(32)
)

func newPool(size int) *Pool {
	p := &Pool{size: size}
	// Kept in a field so that it is not inlined: the dump names this
	// closure, newPool.func1, after "created by".
	p.launch = func(t *task.T) {
		go t.Next()(t)
	}
	return p
}

// Start starts n workers.
//
//go:noinline
func (p *Pool) Start(n int, mk task.MakeT) {
	for i := 0; i < n; i++ {
		p.launch(mk(i))
	}
}

// Run is a consumer's main loop.
func (c *Consumer) Run(t *task.T) {
	for attempt := 0; ; attempt++ {
		t.Next()(t)
		return
	}
}

// poll fetches a batch.
func (c *Consumer) poll(t *task.T) {
	t.Next()(t)
}

// Publish fans a message out over Arg() routing levels.
func (b *Broker) Publish(t *task.T) {
	b.route(t, t.Arg())
}

func (b *Broker) route(t *task.T, level int) {
	if level > 0 {
		b.route(t, level-1)
		return
	}
	t.Next()(t)
}

// append writes to the partition log.
func (p *Partition) append(t *task.T) {
	t.Next()(t)
}

// deliver hands a message to a subscriber that stopped reading.
func (b *Broker) deliver(t *task.T) {
	e := t.R.Env
	task.Park()
	e.Ch <- int(t.N)
	task.Fail("delivered")
}

// drain handles messages until the channel is closed, which never happens.
func (c *Consumer) drain(t *task.T) {
	e := t.R.Env
	task.Park()
	for m := range e.Ch {
		_ = m
		task.Fail("message received")
	}
	task.Fail("channel closed")
}

// park blocks for the life of the process.
func (s *Supervisor) park(t *task.T) {
	task.Park()
	select {}
}

// next receives from a nil channel.
func (d *Dispatcher) next(t *task.T) {
	task.Park()
	v := <-d.queue
	task.Fail("received from nil channel: " + string(rune(v)))
}

// tick runs a job every few hours until the context ends.
func (s *Scheduler) tick(t *task.T) {
	e := t.R.Env
	tk := time.NewTicker(s.every)
	task.Park()
	for {
		select {
		case <-tk.C:
			task.Fail("ticker fired")
		case <-e.Ctx.Done():
			tk.Stop()
			task.Fail("context done")
		}
	}
}

// Hops returns the package's application hops.
func Hops() []task.Def {
	return []task.Def{
		{Fn: consumer.Run, Tier: task.TierEntry, Frames: 1},
		{Fn: consumer.poll, Tier: task.TierMiddle, Frames: 1},
		{Fn: broker.Publish, Tier: task.TierService, Frames: 2, Rec: true},
		{Fn: partition.append, Tier: task.TierBackend, Frames: 1},
	}
}

// Leaves returns the package's blocking functions.
func Leaves() []task.Leaf {
	return []task.Leaf{
		{State: task.ChanSend, Fn: broker.deliver, Frames: 1},
		{State: task.ChanRange, Fn: consumer.drain, Frames: 1},
		{State: task.SelectNoCases, Fn: supervisor.park, Frames: 1},
		{State: task.NilRecv, Fn: dispatcher.next, Frames: 1},
		{State: task.Ticker, Fn: scheduler.tick, Frames: 1},
	}
}

// Creators returns the package's goroutine starters.
func Creators() []task.Creator {
	return []task.Creator{{Name: "example.com/shopd/internal/mq.newPool.func1", Spawn: workers.Start}}
}
