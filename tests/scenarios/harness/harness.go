package main

// harness.go — capture helpers for the scenario programs in
// tests/scenarios. regen.sh copies this one file into every scenario's
// package next to the scenario's own sources; nothing in it belongs to a
// scenario. It asks runtime/pprof for the goroutine profile and writes the
// answers into $STRAND_OUT (the current directory when unset).
//
// Peers: when the remote side of a scenario (a hung backend, a fleet of
// clients) would pollute the profile under study, it runs in a second
// process, the same binary started again with STRAND_PEER=<role>. The two
// talk over the peer's stdin and stdout, one line per request and one line
// per answer, so the process under study starts no goroutine for it.

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"
)

// artifact returns the path of name under the output directory, creating
// the directories it needs.
func artifact(name string) string {
	dir := os.Getenv("STRAND_OUT")
	if dir == "" {
		dir = "."
	}
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		panic(err)
	}
	return p
}

// createArtifact creates (truncates) name under the output directory.
func createArtifact(name string) *os.File {
	f, err := os.Create(artifact(name))
	if err != nil {
		panic(err)
	}
	return f
}

// goroutineProfile writes the goroutine profile at one debug level:
// 2 = every goroutine, panic style; 1 = grouped by stack, with counts;
// 0 = gzipped protobuf.
func goroutineProfile(name string, debug int) {
	f := createArtifact(name)
	if err := pprof.Lookup("goroutine").WriteTo(f, debug); err != nil {
		panic(err)
	}
	if err := f.Close(); err != nil {
		panic(err)
	}
}

// captureAll writes dump.txt (debug=2), profile.txt (debug=1) and
// profile.pb.gz (debug=0), one right after the other.
func captureAll() {
	goroutineProfile("dump.txt", 2)
	goroutineProfile("profile.txt", 1)
	goroutineProfile("profile.pb.gz", 0)
}

// seriesSnapshot writes snapshot i of a time series, series/tNNN.txt.
func seriesSnapshot(i, debug int) {
	goroutineProfile(fmt.Sprintf("series/t%03d.txt", i), debug)
}

// record appends one line to a text artifact (stats.txt, fds.txt, ...).
func record(name, format string, args ...any) {
	f, err := os.OpenFile(artifact(name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		panic(err)
	}
	fmt.Fprintf(f, format+"\n", args...)
	if err := f.Close(); err != nil {
		panic(err)
	}
}

// ---- peer processes ----

const peerVar = "STRAND_PEER"

// peerRole is the role this process plays, "" in the process under study.
func peerRole() string { return os.Getenv(peerVar) }

type peerProc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	reply *bufio.Reader
}

// spawnPeer starts this binary again as role and returns it with the
// first line it prints (its greeting: an address, "ready", ...).
func spawnPeer(role string) (*peerProc, string) {
	self, err := os.Executable()
	if err != nil {
		panic(err)
	}
	p := &peerProc{cmd: exec.Command(self)}
	p.cmd.Env = append(os.Environ(), peerVar+"="+role)
	p.cmd.Stderr = os.Stderr
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		panic(err)
	}
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		panic(err)
	}
	p.reply = bufio.NewReader(out)
	if err := p.cmd.Start(); err != nil {
		panic(err)
	}
	return p, p.line()
}

func (p *peerProc) line() string {
	s, err := p.reply.ReadString('\n')
	if err != nil {
		panic("peer " + p.cmd.Path + ": " + err.Error())
	}
	return strings.TrimRight(s, "\r\n")
}

// ask sends one request line and returns the peer's answer.
func (p *peerProc) ask(format string, args ...any) string {
	if _, err := fmt.Fprintf(p.stdin, format+"\n", args...); err != nil {
		panic(err)
	}
	return p.line()
}

// finish closes the peer's stdin (its signal to exit) and reaps it,
// killing it if it takes more than five seconds.
func (p *peerProc) finish() {
	p.stdin.Close()
	exited := make(chan error, 1)
	go func() { exited <- p.cmd.Wait() }()
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-exited
	}
}

// runPeer is the main loop of a peer: print the greeting, then answer each
// request line with serve(line) until stdin closes. A peer left behind by
// a crashed parent exits on its own after a minute.
func runPeer(greeting string, serve func(req string) string) {
	time.AfterFunc(time.Minute, func() { os.Exit(4) })
	fmt.Println(greeting)
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		fmt.Println(serve(strings.TrimSpace(in.Text())))
	}
}
