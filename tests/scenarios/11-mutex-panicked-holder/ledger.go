package main

// ledger.go — scenario 11, "The Panicking Goroutine That Took the Lock".
//
// Ledger.Credit locks l.mu and updates the account's balance. For an
// account that does not exist the map yields a nil *Account, and the
// update panics while the lock is held. The request's recover middleware
// turns the panic into a logged error and the goroutine returns
// normally, so it appears in no profile, but the Unlock after the update
// never ran: l.mu stays locked for ever, and every later caller blocks.
// In Go 1.19 they show as [semacquire] with sync.(*Mutex).Lock in the
// stack (the dedicated "sync.Mutex.Lock" wait reason came in Go 1.20).

import "sync"

type Account struct {
	Balance int64
}

type Ledger struct {
	mu       sync.Mutex
	accounts map[string]*Account
}

// Credit adds amount to an account's balance.
func (l *Ledger) Credit(name string, amount int64) {
	l.mu.Lock()
	l.accounts[name].Balance += amount // nil *Account: panics with l.mu held
	l.mu.Unlock()
}

// Audit sums every balance.
func (l *Ledger) Audit() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	var sum int64
	for _, a := range l.accounts {
		sum += a.Balance
	}
	return sum
}
