package main

// Scenario 18 — "Two Identical Stacks, Different Causes".
//
// Three pipelines (payments, ledger, shipments) use the same consumer,
// started by the same function, so their three consumer goroutines have
// identical stacks: [chan receive] at the range in consume. What tells
// them apart is the producer side, visible only in the surrounding
// stacks:
//
//   - payments: its producer is in the profile too, parked in chan send
//     on the header channel, which the consumer reads only after the
//     first record: each waits for the other (a deadlock).
//   - ledger: its producer is in the profile, parked in [IO wait] reading
//     its own upstream, which has accepted the connection but not
//     answered yet: alive and slow, not a leak of the consumer's channel.
//   - shipments: no producer in the profile: it failed, logged the error
//     (run.log) and returned without close(out), so its consumer waits
//     for ever.

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"sync/atomic"
	"time"
)

type Record struct {
	Seq  int
	Data string
}

type Header struct {
	Source string
	Count  int
}

var consumed atomic.Int64

// startConsumer starts the consumer of one pipeline.
func startConsumer(in <-chan Record, hdr <-chan Header) {
	go consume(in, hdr)
}

// consume handles records until in is closed; after each record it takes
// a pending header, if one is waiting.
func consume(in <-chan Record, hdr <-chan Header) {
	for r := range in {
		consumed.Add(int64(len(r.Data)))
		select {
		case h := <-hdr:
			_ = h.Source
		default:
		}
	}
}

// producePayments announces its batch on hdr (unbuffered) before the
// first record; consume looks at hdr only after a record.
func producePayments(out chan<- Record, hdr chan<- Header) {
	hdr <- Header{Source: "payments", Count: 2}
	out <- Record{Seq: 1, Data: "pay 10 EUR"}
	out <- Record{Seq: 2, Data: "pay 25 EUR"}
	close(out)
}

// streamLedger forwards the lines its upstream sends.
func streamLedger(out chan<- Record, upstream net.Conn) {
	defer close(out)
	lines := bufio.NewReader(upstream)
	for seq := 0; ; seq++ {
		line, err := lines.ReadString('\n')
		if err != nil {
			return
		}
		out <- Record{Seq: seq, Data: line}
	}
}

var errCarrierDown = errors.New("carrier API: 503 Service Unavailable")

// fetchShipments asks the carrier for today's shipments; it is down.
func fetchShipments() ([]Record, error) { return nil, errCarrierDown }

// produceShipments sends today's shipments; on error it returns early,
// without closing out.
func produceShipments(out chan<- Record) error {
	recs, err := fetchShipments()
	if err != nil {
		return fmt.Errorf("shipments producer: %w", err)
	}
	for _, r := range recs {
		out <- r
	}
	close(out)
	return nil
}

func main() {
	// payments
	payments, paymentsHdr := make(chan Record), make(chan Header)
	startConsumer(payments, paymentsHdr)
	go producePayments(payments, paymentsHdr)

	// ledger: the upstream is a listener that has not called Accept yet
	// (a service still warming up): the dial completes from the backlog,
	// and nothing is ever written.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	upstream, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		panic(err)
	}
	ledger := make(chan Record)
	startConsumer(ledger, make(chan Header))
	go streamLedger(ledger, upstream)

	// shipments
	shipments := make(chan Record)
	startConsumer(shipments, make(chan Header))
	go func() {
		if err := produceShipments(shipments); err != nil {
			fmt.Println(err)
		}
	}()

	time.Sleep(time.Second)
	captureAll()
}
