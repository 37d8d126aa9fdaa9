// Package cart is the service tier of the pretend shop: checkout, pricing
// and the places where an order waits for other parts of the system.
package cart

import (
	"errors"

	"example.com/shopd/internal/task"
)

// Service runs checkouts.
type Service struct {
	name    string
	pricing *Pricing
}

// Pricing evaluates a tree of discount rules.
type Pricing struct{ rules *rule }

type rule struct {
	name string
	next *rule
}

// Quote is a value type with methods, as small domain types often are.
type Quote struct {
	Cents    int64
	Currency string
}

// Notifier tells listeners that an order changed.
type Notifier struct{ ch chan int }

// Inventory reserves stock under a lock.
type Inventory struct{ sku string }

// Checkout publishes its result on a channel that was never made.
type Checkout struct {
	id   int
	done chan int // left nil by a bug
}

var (
	svc       = &Service{name: "checkout", pricing: &Pricing{}}
	notifier  = &Notifier{}
	inventory = &Inventory{sku: "SKU-1"}
	checkout  = &Checkout{id: 7}
	errEmpty  = errors.New("empty cart")
	orderIDs  = []int64{101, 102, 103}
)

// Checkout runs the rest of the request inside a transaction.
func (s *Service) Checkout(t *task.T) {
	if err := s.withTx(func() error {
		t.Next()(t)
		return nil
	}); err != nil {
		panic(err)
	}
}

//go:noinline
func (s *Service) withTx(fn func() error) error {
	if s == nil {
		return errEmpty
	}
	return fn()
}

// PlaceOrder is a plain service method.
func (s *Service) PlaceOrder(t *task.T) {
	t.Next()(t)
}

// fanOut processes the order lines through a generic helper.
func fanOut(t *task.T) {
	forEach(t, orderIDs)
}

//go:noinline
func forEach[E any](t *task.T, items []E) {
	if len(items) > 0 {
		t.Next()(t)
	}
}

// Price evaluates Arg() nested rules.
func (p *Pricing) Price(t *task.T) {
	p.evaluate(t, t.Arg(), Quote{Cents: 1999, Currency: "EUR"})
}

func (p *Pricing) evaluate(t *task.T, depth int, q Quote) {
	if depth > 0 {
		p.evaluate(t, depth-1, q)
		return
	}
	q.total(t)
}

//go:noinline
func (q Quote) total(t *task.T) {
	if q.Cents >= 0 {
		t.Next()(t)
	}
}

// notify sends on an unbuffered channel nobody reads any more.
func (n *Notifier) notify(t *task.T) {
	e := t.R.Env
	task.Park()
	e.Ch <- int(t.N)
	task.Fail("notify sent")
}

// awaitPayment waits for the cancellation of a context nobody cancels.
func (s *Service) awaitPayment(t *task.T) {
	ctx := t.R.Env.Ctx
	task.Park()
	<-ctx.Done()
	task.Fail("context cancelled")
}

// reserve takes a lock whose holder never lets go.
func (inv *Inventory) reserve(t *task.T) {
	e := t.R.Env
	task.Park()
	e.Mu.Lock()
	task.Fail("lock taken")
}

// publish sends the result on a nil channel.
func (c *Checkout) publish(t *task.T) {
	task.Park()
	c.done <- int(t.N)
	task.Fail("sent on nil channel")
}

// Hops returns the package's application hops.
func Hops() []task.Def {
	return []task.Def{
		{Fn: svc.Checkout, Tier: task.TierService, Frames: 3},
		{Fn: svc.PlaceOrder, Tier: task.TierService, Frames: 1},
		{Fn: fanOut, Tier: task.TierService, Frames: 2},
		{Fn: svc.pricing.Price, Tier: task.TierService, Frames: 3, Rec: true},
	}
}

// Leaves returns the package's blocking functions.
func Leaves() []task.Leaf {
	return []task.Leaf{
		{State: task.ChanSend, Fn: notifier.notify, Frames: 1},
		{State: task.CtxDone, Fn: svc.awaitPayment, Frames: 1},
		{State: task.Mutex, Fn: inventory.reserve, Frames: 4},
		{State: task.NilSend, Fn: checkout.publish, Frames: 1},
	}
}
