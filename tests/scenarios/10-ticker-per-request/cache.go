package main

// cache.go — scenario 10, "The Background Refresh That Never Stops".
//
// A Cache keeps a currency-rate table fresh with a background refresher
// that reloads it every minute, for ever: refresh has no way to stop, no
// context, no Close. That would be fine for one cache per process; the
// bug is that the /convert handler builds a new Cache per request, so
// every request leaves one refresher (and its ticker) behind, parked on
// the ticker's channel.

import (
	"sync/atomic"
	"time"
)

type Cache struct {
	data atomic.Value // map[string]float64
}

func NewCache() *Cache {
	c := &Cache{}
	c.reload()
	go c.refresh()
	return c
}

func (c *Cache) refresh() {
	t := time.NewTicker(1 * time.Minute)
	for range t.C {
		c.reload()
	}
}

// reload fetches the rate table (a constant here).
func (c *Cache) reload() {
	c.data.Store(map[string]float64{"EUR": 1, "USD": 1.08, "GBP": 0.86})
}

// Rate returns one currency's rate against the euro.
func (c *Cache) Rate(cur string) float64 {
	m, _ := c.data.Load().(map[string]float64)
	return m[cur]
}
