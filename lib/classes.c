/* classes.c - the leak-class table: the knowledge Strand applies.
 *
 * One entry per class: what it looks like in a goroutine report (clue), why
 * it happens (cause), the fix, and a short Go example of the bug and of the
 * fix. The classifier (analyze.c), `strand explain`, the renderers and the
 * docs all read this table; nothing else holds class knowledge.
 *
 * Ids are stable (DESIGN.md): never rename one, append new ones. The ids
 * after "not-a-leak-steady-state" were added for cases the scenario corpus
 * needs: identical-stacks-different-causes and slow-producer-not-a-leak
 * (scenario 18), goleak-race-slow-exit (19), stripped-symbols (20), and two
 * verdict-ok fallbacks, "benign" (the known-benign table, benign.c) and
 * "waiting" (parked where a live goroutine can still wake it); and
 * growing-population, the leak class of a group that a series shows growing
 * where one snapshot names no blocking mechanism (compare.c).
 */
#include "internal.h"

static const strand_class_info classes[] = {
    {
        "chan-send",
        "blocked channel send",
        "Goroutines in [chan send] parked at one line, often many of them, often a closure "
        "started per event (created by the function that loops over receivers). In profiles "
        "without states: runtime.chansend1 under the user frame.",
        "The send has no receiver and never will: the receiver stopped reading (returned, "
        "panicked, was never started), or the channel is unbuffered and the caller that was "
        "meant to read gave up. Each blocked sender holds its stack and everything it "
        "references for ever.",
        "Send inside a select that also waits on ctx.Done() (or a done channel); give the "
        "channel a buffer where exactly one value is sent; unsubscribe dead receivers.",
        "func notify(subs []chan Event, e Event) {\n"
        "    for _, ch := range subs {\n"
        "        go func(ch chan Event) {\n"
        "            ch <- e // blocks for ever once the subscriber stops reading\n"
        "        }(ch)\n"
        "    }\n"
        "}\n",
        "func notify(ctx context.Context, subs []chan Event, e Event) {\n"
        "    for _, ch := range subs {\n"
        "        go func(ch chan Event) {\n"
        "            select {\n"
        "            case ch <- e:\n"
        "            case <-ctx.Done():\n"
        "            }\n"
        "        }(ch)\n"
        "    }\n"
        "}\n",
        STRAND_VERDICT_LEAK,
    },
    {
        "chan-receive-never-closed",
        "receive on a channel nobody closes",
        "Goroutines in [chan receive] at a `for v := range ch` line (runtime.chanrecv2 in "
        "profiles that keep runtime frames), created per pipeline, per connection or per "
        "object; their creator has returned and no live goroutine can send.",
        "A range loop ends only when the channel is closed. The sender finished (or returned "
        "on an error) without close(ch), so the consumer waits for a value that never comes.",
        "Make the sender own the channel and `defer close(ch)` as its last act; or give the "
        "consumer a select on ctx.Done()/a done channel that the owner closes.",
        "func start() chan<- int {\n"
        "    in := make(chan int)\n"
        "    go func() {\n"
        "        for v := range in { // ends only when in is closed\n"
        "            use(v)\n"
        "        }\n"
        "    }()\n"
        "    return in\n"
        "}\n"
        "// caller: in <- 1; in <- 2  (never closes in)\n",
        "in := start()\n"
        "defer close(in) // the sender closes: the consumer's range ends\n"
        "in <- 1\n"
        "in <- 2\n",
        STRAND_VERDICT_LEAK,
    },
    {
        "chan-receive-no-cancel",
        "receive loop with no way to stop",
        "Goroutines in [chan receive] at a plain `v := <-ch` inside a for loop "
        "(runtime.chanrecv1 in profiles that keep runtime frames), one per object ever "
        "created, although the objects were stopped.",
        "The loop receives from one channel and watches nothing else: no ctx.Done(), no stop "
        "channel. Stopping the owner cannot reach the goroutine, and nothing closes the "
        "channel it reads.",
        "Receive in a select with a stop/ctx.Done() case and return on it; make sure the stop "
        "channel is created (closing a nil channel panics).",
        "func (s *Sub) loop() {\n"
        "    for {\n"
        "        msg := <-s.ch // nothing can end this\n"
        "        s.handle(msg)\n"
        "    }\n"
        "}\n",
        "func (s *Sub) loop() {\n"
        "    for {\n"
        "        select {\n"
        "        case msg := <-s.ch:\n"
        "            s.handle(msg)\n"
        "        case <-s.stop: // closed by Stop()\n"
        "            return\n"
        "        }\n"
        "    }\n"
        "}\n",
        STRAND_VERDICT_LEAK,
    },
    {
        "select-never-ready",
        "select none of whose cases can fire",
        "Goroutines in [select] at one line, created per call, whose creator has returned; in "
        "a series the same goroutine ids sit at the same select in every snapshot; long parked "
        "times ([select, 30 minutes]).",
        "Every case waits on something nobody will do: a package-level channel nobody closes, "
        "a reply channel whose sender is gone, a long time.After. The goroutine ignores the "
        "context it was given.",
        "Select on ctx.Done() (the caller's deadline) instead of ad-hoc channels, and replace "
        "time.After with a time.NewTimer that is stopped.",
        "var doneCh = make(chan struct{}) // nothing closes it\n"
        "\n"
        "func workOnce(ctx context.Context) {\n"
        "    select {\n"
        "    case <-doneCh:\n"
        "    case <-time.After(30 * time.Minute):\n"
        "    }\n"
        "}\n",
        "func workOnce(ctx context.Context) {\n"
        "    t := time.NewTimer(30 * time.Minute)\n"
        "    defer t.Stop()\n"
        "    select {\n"
        "    case <-ctx.Done():\n"
        "    case <-t.C:\n"
        "    }\n"
        "}\n",
        STRAND_VERDICT_LEAK,
    },
    {
        "nil-channel",
        "send or receive on a nil channel",
        "[chan send (nil chan)] or [chan receive (nil chan)]: the runtime says it outright.",
        "A channel field or variable was never made (var ch chan T), or was set to nil to "
        "disable a select case and then used alone. An operation on a nil channel blocks for "
        "ever.",
        "make() the channel where the struct is built; when nil is used to disable a select "
        "case, keep another case (ctx.Done()) that can fire.",
        "type Worker struct{ jobs chan Job }\n"
        "\n"
        "w := &Worker{} // jobs is nil\n"
        "go func() { w.jobs <- j }() // blocks for ever\n",
        "w := &Worker{jobs: make(chan Job, 16)}\n"
        "go func() { w.jobs <- j }()\n",
        STRAND_VERDICT_LEAK,
    },
    {
        "select-no-cases",
        "select {} outside main",
        "[select (no cases)] (runtime.block) in a goroutine other than main.",
        "`select {}` blocks for ever by design. In main it keeps the process alive; anywhere "
        "else the goroutine can never return.",
        "Wait on something that ends: ctx.Done(), a done channel, or return.",
        "go func() {\n"
        "    startBackground()\n"
        "    select {} // this goroutine never ends\n"
        "}()\n",
        "go func() {\n"
        "    startBackground()\n"
        "    <-ctx.Done()\n"
        "}()\n",
        STRAND_VERDICT_LEAK,
    },
    {
        "waitgroup-missing-done",
        "WaitGroup.Wait that a missing Done keeps blocked",
        "A goroutine in [semacquire] (Go <= 1.23) or [sync.WaitGroup.Wait] with "
        "sync.(*WaitGroup).Wait in its stack, and no worker goroutine left that could call "
        "Done.",
        "A worker returned without calling Done (an early return before `defer wg.Done()`, a "
        "panic recovered elsewhere), or Add counted more workers than were started. The waiter "
        "is the leak; the cause is in the worker.",
        "Call `defer wg.Done()` as the first statement of every worker, and Add(1) right "
        "before each `go`.",
        "for _, j := range jobs {\n"
        "    wg.Add(1)\n"
        "    go func(j Job) {\n"
        "        if j.Skip {\n"
        "            return // Done never called\n"
        "        }\n"
        "        defer wg.Done()\n"
        "        j.Run()\n"
        "    }(j)\n"
        "}\n"
        "wg.Wait()\n",
        "for _, j := range jobs {\n"
        "    wg.Add(1)\n"
        "    go func(j Job) {\n"
        "        defer wg.Done()\n"
        "        if j.Skip {\n"
        "            return\n"
        "        }\n"
        "        j.Run()\n"
        "    }(j)\n"
        "}\n"
        "wg.Wait()\n",
        STRAND_VERDICT_LEAK,
    },
    {
        "mutex-no-holder",
        "Lock blocked with no live holder",
        "Goroutines in [semacquire] (Go <= 1.19) or [sync.Mutex.Lock]/[sync.RWMutex.Lock] "
        "with sync.(*Mutex).Lock in the stack, and no other goroutine in the report that could "
        "be inside the critical section.",
        "The goroutine that locked the mutex is gone without unlocking: it returned on an "
        "error path before Unlock, or panicked and the panic was recovered further up. Only "
        "its victims remain in the profile.",
        "`defer mu.Unlock()` immediately after `mu.Lock()`, so every return and every "
        "recovered panic releases the lock.",
        "func (inv *Inventory) Add(it *Item) {\n"
        "    inv.mu.Lock()\n"
        "    inv.n += it.Qty // panics on a nil item: Unlock never runs\n"
        "    inv.mu.Unlock()\n"
        "}\n",
        "func (inv *Inventory) Add(it *Item) {\n"
        "    inv.mu.Lock()\n"
        "    defer inv.mu.Unlock()\n"
        "    inv.n += it.Qty\n"
        "}\n",
        STRAND_VERDICT_LEAK,
    },
    {
        "lock-order-deadlock",
        "goroutines waiting on each other's locks",
        "Two or more goroutines in Lock at different call sites, each of which holds another "
        "lock; nobody else is running. Go's runtime reports it only when every goroutine is "
        "blocked (\"all goroutines are asleep\").",
        "Two code paths take the same locks in opposite orders (A then B, B then A); each "
        "holds what the other waits for.",
        "Define one lock order and take locks in that order everywhere, or avoid holding one "
        "lock while taking another.",
        "func transfer(a, b *Account) {\n"
        "    a.mu.Lock(); defer a.mu.Unlock()\n"
        "    b.mu.Lock(); defer b.mu.Unlock() // transfer(b, a) runs concurrently\n"
        "}\n",
        "func transfer(a, b *Account) {\n"
        "    first, second := a, b\n"
        "    if b.id < a.id {\n"
        "        first, second = b, a // one global order\n"
        "    }\n"
        "    first.mu.Lock(); defer first.mu.Unlock()\n"
        "    second.mu.Lock(); defer second.mu.Unlock()\n"
        "}\n",
        STRAND_VERDICT_LEAK,
    },
    {
        "cond-wait-no-signal",
        "Cond.Wait that nothing will signal",
        "Goroutines in [sync.Cond.Wait] (sync.runtime_notifyListWait) with no live goroutine "
        "that could change the condition and call Signal/Broadcast.",
        "The goroutine that should signal is gone, or it changed the state without "
        "Signal/Broadcast, or the waiter checks the condition with `if` instead of `for` and "
        "missed the wake-up.",
        "Wait in a `for !cond { c.Wait() }` loop, Broadcast on every state change and on "
        "shutdown; prefer a channel when there is one event.",
        "mu.Lock()\n"
        "if !ready {\n"
        "    cond.Wait() // nobody calls Broadcast on shutdown\n"
        "}\n"
        "mu.Unlock()\n",
        "mu.Lock()\n"
        "for !ready && !closed {\n"
        "    cond.Wait()\n"
        "}\n"
        "mu.Unlock()\n"
        "// Close(): mu.Lock(); closed = true; cond.Broadcast(); mu.Unlock()\n",
        STRAND_VERDICT_LEAK,
    },
    {
        "net-read-no-deadline",
        "socket read with no deadline",
        "Goroutines in [IO wait] with internal/poll.runtime_pollWait <- net.(*conn).Read under "
        "the application's handler, created per connection; their number (and the process's "
        "open file descriptors) climbs.",
        "The read has no deadline and no keepalive: a peer that went silent without closing "
        "(crashed host, dropped network) holds the goroutine and its file descriptor for ever.",
        "SetReadDeadline before each read (and SetWriteDeadline before writes), enable TCP "
        "keepalive, close the connection on timeout.",
        "func handleConn(c net.Conn) {\n"
        "    defer c.Close()\n"
        "    buf := make([]byte, 4096)\n"
        "    for {\n"
        "        n, err := c.Read(buf) // waits for ever on a silent peer\n"
        "        if err != nil {\n"
        "            return\n"
        "        }\n"
        "        process(buf[:n])\n"
        "    }\n"
        "}\n",
        "func handleConn(c net.Conn) {\n"
        "    defer c.Close()\n"
        "    buf := make([]byte, 4096)\n"
        "    for {\n"
        "        c.SetReadDeadline(time.Now().Add(2 * time.Minute))\n"
        "        n, err := c.Read(buf)\n"
        "        if err != nil {\n"
        "            return // includes the timeout\n"
        "        }\n"
        "        process(buf[:n])\n"
        "    }\n"
        "}\n",
        STRAND_VERDICT_LEAK,
    },
    {
        "http-client-no-timeout",
        "outgoing HTTP requests waiting for ever",
        "Callers in [select] in net/http.(*persistConn).roundTrip under the application's "
        "function, with as many net/http.(*persistConn).readLoop in [IO wait] and writeLoop in "
        "[select]: one hung request is three goroutines.",
        "http.DefaultClient (or any http.Client without Timeout) and requests without a "
        "context deadline wait as long as the server keeps the connection open and silent.",
        "Use an http.Client with Timeout, or NewRequestWithContext with context.WithTimeout; "
        "always close response bodies.",
        "resp, err := http.Get(url) // http.DefaultClient: no timeout\n",
        "var client = &http.Client{Timeout: 10 * time.Second}\n"
        "\n"
        "ctx, cancel := context.WithTimeout(ctx, 5*time.Second)\n"
        "defer cancel()\n"
        "req, _ := http.NewRequestWithContext(ctx, \"GET\", url, nil)\n"
        "resp, err := client.Do(req)\n"
        "if err == nil {\n"
        "    defer resp.Body.Close()\n"
        "}\n",
        STRAND_VERDICT_LEAK,
    },
    {
        "listener-never-closed",
        "accept loop whose listener is never closed",
        "A goroutine in [IO wait] with net.(*TCPListener).Accept under an application's serve "
        "loop, created by a constructor that has returned, serving no connection; goleak "
        "reports it as 'internal/poll.runtime_pollWait on top of the stack'.",
        "A server (often in a test) was started and never closed; closing a client connection "
        "ends only that connection's handler, not the accept loop.",
        "Give the server a Close that closes the listener and waits for its goroutines; "
        "`defer srv.Close()` in tests. Do not goleak.IgnoreTopFunction(\"internal/poll."
        "runtime_pollWait\"): it hides every I/O leak.",
        "func TestPing(t *testing.T) {\n"
        "    defer goleak.VerifyNone(t)\n"
        "    srv := NewPingServer() // starts an accept loop\n"
        "    conn, _ := net.Dial(\"tcp\", srv.Addr())\n"
        "    ping(conn)\n"
        "    conn.Close()\n"
        "}\n",
        "func TestPing(t *testing.T) {\n"
        "    defer goleak.VerifyNone(t)\n"
        "    srv := NewPingServer()\n"
        "    defer srv.Close() // closes the listener, waits for serve()\n"
        "    conn, _ := net.Dial(\"tcp\", srv.Addr())\n"
        "    ping(conn)\n"
        "    conn.Close()\n"
        "}\n",
        STRAND_VERDICT_LEAK,
    },
    {
        "ticker-never-stopped",
        "background loop on a ticker, started per call",
        "Goroutines in [chan receive] at `for range t.C` (or [select] on t.C) created by a "
        "constructor, one per request; the ticker's channel is never closed, so the loop never "
        "ends. A goroutine profile cannot show the ticker itself: the waiting line can.",
        "The constructor that starts the loop is called per request instead of once, and the "
        "loop has no stop case. Ticker.Stop does not close t.C, so even stopping the ticker "
        "would not end a range over it.",
        "Create the object once (sync.Once or at start-up) and give it a Close/ctx that the "
        "loop selects on, with `defer t.Stop()`.",
        "func NewCache() *Cache {\n"
        "    c := &Cache{}\n"
        "    go func() {\n"
        "        t := time.NewTicker(time.Minute)\n"
        "        for range t.C { // never ends\n"
        "            c.reload()\n"
        "        }\n"
        "    }()\n"
        "    return c\n"
        "}\n",
        "func NewCache(ctx context.Context) *Cache {\n"
        "    c := &Cache{}\n"
        "    go func() {\n"
        "        t := time.NewTicker(time.Minute)\n"
        "        defer t.Stop()\n"
        "        for {\n"
        "            select {\n"
        "            case <-t.C:\n"
        "                c.reload()\n"
        "            case <-ctx.Done():\n"
        "                return\n"
        "            }\n"
        "        }\n"
        "    }()\n"
        "    return c\n"
        "}\n",
        STRAND_VERDICT_LEAK,
    },
    {
        "timer-time-after",
        "time.After in a loop: timers pile up, not goroutines",
        "Nothing in the goroutine profile: time.After starts no goroutine. The goroutine count "
        "stays flat while the heap profile shows live time.Timer objects allocated by "
        "time.After under the polling function, growing with the call count.",
        "Before Go 1.23 an unfired time.After timer stays in the runtime timer heap, with its "
        "Timer and channel, until it fires: a select that returns early on another case leaves "
        "it behind for the full duration.",
        "Use time.NewTimer with `defer t.Stop()` (or context.WithTimeout with `defer cancel()`) "
        "in the select; Go 1.23+ collects unreferenced timers.",
        "for {\n"
        "    select {\n"
        "    case r := <-results:\n"
        "        use(r)\n"
        "    case <-time.After(10 * time.Minute): // a new timer per iteration\n"
        "        return\n"
        "    }\n"
        "}\n",
        "t := time.NewTimer(10 * time.Minute)\n"
        "defer t.Stop()\n"
        "for {\n"
        "    select {\n"
        "    case r := <-results:\n"
        "        use(r)\n"
        "    case <-t.C:\n"
        "        return\n"
        "    }\n"
        "}\n",
        STRAND_VERDICT_LEAK,
    },
    {
        "errgroup-no-cancel",
        "errgroup workers blocked after a sibling failed",
        "Many goroutines blocked (often [chan send]) in a closure under "
        "golang.org/x/sync/errgroup.(*Group).Go.func1, plus the caller in "
        "errgroup.(*Group).Wait ([semacquire]).",
        "The group has no context (new(errgroup.Group)), so a failing worker cancels nothing; "
        "the others block on a channel nobody drains, and Wait waits for all of them, so the "
        "caller never returns either.",
        "Use errgroup.WithContext and make every blocking operation in a worker select on "
        "ctx.Done(); make sure something drains the results (or size the buffer to the number "
        "of workers).",
        "g := new(errgroup.Group)\n"
        "out := make(chan Result, 1)\n"
        "for _, it := range items {\n"
        "    it := it\n"
        "    g.Go(func() error {\n"
        "        r, err := process(it)\n"
        "        if err != nil {\n"
        "            return err\n"
        "        }\n"
        "        out <- r // blocks: nobody reads out\n"
        "        return nil\n"
        "    })\n"
        "}\n"
        "return g.Wait()\n",
        "g, ctx := errgroup.WithContext(ctx)\n"
        "out := make(chan Result, len(items))\n"
        "for _, it := range items {\n"
        "    it := it\n"
        "    g.Go(func() error {\n"
        "        r, err := process(it)\n"
        "        if err != nil {\n"
        "            return err // cancels ctx\n"
        "        }\n"
        "        select {\n"
        "        case out <- r:\n"
        "            return nil\n"
        "        case <-ctx.Done():\n"
        "            return ctx.Err()\n"
        "        }\n"
        "    })\n"
        "}\n"
        "return g.Wait()\n",
        STRAND_VERDICT_LEAK,
    },
    {
        "worker-pool-never-closed",
        "workers ranging over a job channel nobody closes",
        "Workers in [chan receive] at `for j := range p.jobs` plus a Drain/Close/Wait in "
        "[semacquire] on sync.(*WaitGroup).Wait: two stacks, one root cause.",
        "Drain waits for the workers, but the workers leave their range loop only when the job "
        "channel is closed, and nothing closes it.",
        "close(p.jobs) in Drain/Close before p.wg.Wait().",
        "func (p *Pool) Drain() {\n"
        "    p.wg.Wait() // workers still range over p.jobs\n"
        "}\n",
        "func (p *Pool) Drain() {\n"
        "    close(p.jobs) // the workers' range loops end\n"
        "    p.wg.Wait()\n"
        "}\n",
        STRAND_VERDICT_LEAK,
    },
    {
        "deadlock-both-blocked",
        "producer and consumer each waiting for the other",
        "A producer in [chan send] and its consumer in [chan receive] (or a waiter in "
        "WaitGroup.Wait and its workers in [chan send]), all parked, none running.",
        "The two sides disagree on the protocol: the producer sends on one channel (a control "
        "message, a result) while the consumer waits on another (the next item), or the waiter "
        "reads results only after Wait returns.",
        "Order the protocol consistently (or have each side select on every channel it may "
        "need), give both sides a ctx.Done() case, and drain results concurrently with Wait.",
        "// consumer: for it := range items { ...; select { case c := <-ctl: ...; default: } }\n"
        "func produce(items chan<- Item, ctl chan<- Cmd) {\n"
        "    ctl <- Cmd{\"begin\"} // the consumer reads ctl only after an item\n"
        "    items <- first\n"
        "}\n",
        "func produce(ctx context.Context, items chan<- Item, ctl chan<- Cmd) {\n"
        "    items <- first // data first, control after\n"
        "    select {\n"
        "    case ctl <- Cmd{\"begin\"}:\n"
        "    case <-ctx.Done():\n"
        "    }\n"
        "}\n",
        STRAND_VERDICT_LEAK,
    },
    {
        "producer-died-no-close",
        "consumer whose producer exited without closing",
        "A consumer in [chan receive] (range) with no producer left in the report, while "
        "sibling consumers of the same kind still have theirs; the program's log often shows "
        "the producer's error.",
        "The producer returned on an error path before close(out): the consumer's range can "
        "never end.",
        "`defer close(out)` at the top of the producer, so every return closes the channel.",
        "func produce(out chan<- Item) error {\n"
        "    items, err := fetch()\n"
        "    if err != nil {\n"
        "        return err // out is never closed\n"
        "    }\n"
        "    for _, it := range items {\n"
        "        out <- it\n"
        "    }\n"
        "    close(out)\n"
        "    return nil\n"
        "}\n",
        "func produce(out chan<- Item) error {\n"
        "    defer close(out)\n"
        "    items, err := fetch()\n"
        "    if err != nil {\n"
        "        return err\n"
        "    }\n"
        "    for _, it := range items {\n"
        "        out <- it\n"
        "    }\n"
        "    return nil\n"
        "}\n",
        STRAND_VERDICT_LEAK,
    },
    {
        "busy-loop",
        "goroutine spinning: CPU, not memory",
        "The same goroutine [running]/[runnable] at the same place in every snapshot, polling "
        "(runtime.selectnbrecv, context.(*cancelCtx).Done on top); the goroutine count and the "
        "heap stay flat while a core burns.",
        "A select with a default case never blocks: the loop polls as fast as the CPU allows. "
        "Not a goroutine leak: a CPU leak.",
        "Remove the default case so the select blocks (or just <-ctx.Done()); if polling is "
        "really wanted, wait on a ticker in the loop.",
        "for {\n"
        "    select {\n"
        "    case <-ctx.Done():\n"
        "        return\n"
        "    default: // spins\n"
        "    }\n"
        "}\n",
        "<-ctx.Done() // blocks without using CPU\n",
        STRAND_VERDICT_SUSPECT,
    },
    {
        "not-a-leak-steady-state",
        "steady population: the workload's cost",
        "Many goroutines at one place whose number does not grow across snapshots, or that are "
        "tied to live owners (N per open connection) or were started once at start-up.",
        "Not a leak: servers spawn a reader, a writer and a handler per stream or connection "
        "by design; pools start their workers once. The absolute number is not the clue, the "
        "trend relative to the load is.",
        "Nothing to fix; compare snapshots over time (strand diff) and watch the ratio of "
        "goroutines to connections or requests.",
        "// 100 connections x (1 reader + 1 writer + 10 stream handlers) = 1200 goroutines\n",
        "// the same: nothing to change while the count tracks open connections\n",
        STRAND_VERDICT_OK,
    },
    {
        "identical-stacks-different-causes",
        "identical stacks, different causes",
        "Several consumers with one identical stack ([chan receive] at one line) whose "
        "counterparts differ: one producer parked in [chan send], another alive waiting on its "
        "own upstream, and none at all for the rest.",
        "A stack shows where goroutines wait, not why. The same consumer line leaks for "
        "different reasons depending on its producer: a protocol deadlock, a slow upstream "
        "(not a leak), or a producer that returned without closing.",
        "Never judge one stack alone: find each consumer's producer. Deadlock: order the "
        "protocol and add ctx.Done() on both sides; slow upstream: a deadline on the upstream "
        "read; dead producer: `defer close(out)` in the producer.",
        "startConsumer(orders)  // producer deadlocks on a control channel\n"
        "startConsumer(invoices) // producer waits on a slow upstream\n"
        "startConsumer(refunds)  // producer returned on error, never closed\n",
        "// per pipeline: consistent protocol + ctx.Done(); upstream deadline;\n"
        "// defer close(out) in every producer\n",
        STRAND_VERDICT_LEAK,
    },
    {
        "slow-producer-not-a-leak",
        "consumer waiting on a live, slow producer",
        "A consumer in [chan receive] whose producer is in the report, alive, waiting on its "
        "own upstream ([IO wait], [select] on a network call).",
        "Not a leak of the consumer's channel: the producer will send or close when its "
        "upstream answers. It becomes one if the upstream can hang for ever.",
        "Nothing for the channel; put a deadline on the producer's upstream read so a hung "
        "upstream cannot hold both goroutines for ever.",
        "line, err := r.ReadString('\\n') // upstream with no deadline\n",
        "conn.SetReadDeadline(time.Now().Add(30 * time.Second))\n"
        "line, err := r.ReadString('\\n')\n",
        STRAND_VERDICT_OK,
    },
    {
        "goleak-race-slow-exit",
        "still running when checked (slow exit)",
        "A goroutine in [running]/[runnable] (not parked) in a leak report, inside the "
        "program's own code; the test passes without -race and fails with it.",
        "Close signals the goroutine and returns without waiting for it. The goroutine is "
        "still finishing (a final flush); under -race it runs many times slower and outlasts "
        "goleak's retries. Not a permanent leak and not a goleak bug: a missing wait.",
        "Make Close wait for the goroutine (a done channel or a WaitGroup) so the test ends "
        "only after it exits; no goleak ignore is needed.",
        "func (e *Exporter) Close() {\n"
        "    close(e.stop) // returns while run() still flushes\n"
        "}\n",
        "func (e *Exporter) Close() {\n"
        "    close(e.stop)\n"
        "    <-e.done // run() closes done when it returns\n"
        "}\n",
        STRAND_VERDICT_SUSPECT,
    },
    {
        "stripped-symbols",
        "frames without function names",
        "Frames that show only addresses or '?' instead of function names, so no site can be "
        "named. Note that -ldflags='-s -w' does NOT cause this for Go code: the runtime "
        "symbolizes from .gopclntab, which stripping keeps.",
        "The report was produced or post-processed without symbol information (a profile "
        "symbolized without the binary, C frames of a cgo library without debug info).",
        "Symbolize the profile against the exact binary (go tool pprof BINARY PROFILE, go tool "
        "addr2line); never strip symbols from binaries you will need to debug in production.",
        "go build -ldflags='-s -w' -o app . && pprof -raw profile.pb.gz   # addresses only\n",
        "go tool pprof -traces ./app profile.pb.gz   # symbolized with the binary\n",
        STRAND_VERDICT_SUSPECT,
    },
    {
        "benign",
        "known-benign goroutine",
        "Runtime helpers, os/signal loops, the testing harness, the goroutine writing the "
        "profile, idle HTTP keep-alive connections, listeners of a running server, "
        "database/sql openers, goroutines matched by an ignore rule.",
        "Part of a healthy program: libraries and the runtime keep these goroutines for the "
        "life of the process or of an idle connection.",
        "Nothing; add an ignore rule (goleak's IgnoreTopFunction/IgnoreAnyFunction/"
        "IgnoreCreatedBy names) for your own long-lived goroutines.",
        "// net/http keeps readLoop/writeLoop per idle keep-alive connection\n",
        "// nothing to change; Transport.CloseIdleConnections() ends them on demand\n",
        STRAND_VERDICT_OK,
    },
    {
        "waiting",
        "parked, with a live goroutine that can wake it",
        "Goroutines in sleep, syscall, lock contention, a WaitGroup or Cond with live "
        "workers, or I/O that is not a network read under user code.",
        "Nothing indicates a leak: a live goroutine in the report can still wake them.",
        "Nothing, unless the same group grows across snapshots (strand diff).",
        "time.Sleep(time.Second) // in a polling loop\n",
        "// nothing to change\n",
        STRAND_VERDICT_OK,
    },
    {
        "growing-population",
        "goroutines piling up at one site",
        "A group whose count grows across snapshots (strand diff, strand watch) beyond its "
        "noise, parked where one snapshot sees nothing stuck: in a sleep, a system call or a "
        "lock, with live goroutines around that could wake it.",
        "Goroutines are started here faster than they end: a loop that never exits (retrying "
        "or polling for ever), a call that blocks ever longer, or one goroutine per event with "
        "nothing to bound them. Each holds its stack and everything it references, and the "
        "number only grows.",
        "Give each goroutine a way to end (check ctx.Done() in its loop, bound its retries), "
        "bound how many run at once (a worker pool or a semaphore), and put a deadline on what "
        "they wait for.",
        "for ev := range events {\n"
        "    go func(ev Event) {\n"
        "        for !deliver(ev) { // retries for ever while the sink is down\n"
        "            time.Sleep(time.Second)\n"
        "        }\n"
        "    }(ev)\n"
        "}\n",
        "for ev := range events {\n"
        "    go func(ev Event) {\n"
        "        for try := 0; try < 5 && ctx.Err() == nil; try++ {\n"
        "            if deliver(ctx, ev) {\n"
        "                return\n"
        "            }\n"
        "            time.Sleep(time.Second << try)\n"
        "        }\n"
        "    }(ev)\n"
        "}\n",
        STRAND_VERDICT_LEAK,
    },
};

const strand_class_info *strand_classes(size_t *n)
{
    if (n)
        *n = sizeof classes / sizeof classes[0];
    return classes;
}

const strand_class_info *strand_class_find(const char *id)
{
    if (!id)
        return NULL;
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
        if (strcmp(classes[i].id, id) == 0)
            return &classes[i];
    return NULL;
}
