// Command cgotrace crashes inside C code (a NULL store, SIGSEGV) after
// registering a cgo traceback function with runtime.SetCgoTraceback, so the
// crash report shows C frames above the Go ones:
//
//	cgotrace plain   no symbolizer: one line per C frame,
//	                 "non-Go function at pc=0x..."
//	cgotrace sym     with a symbolizer (dladdr): each C frame is a name with
//	                 no parentheses, or "non-Go function", then a tab line
//	                 "\tFILE:LINE pc=0x..." or "\tpc=0x..."
//
// SIGSEGV in C is a runtime throw ("fatal error: unexpected signal during
// runtime execution"), so Go 1.19 prints everything at traceback level 2.
// The traceback function is glibc's backtrace(); the symbolizer reports the
// symbol from dladdr and, as the file, the base name of the object.
package main

/*
#cgo CFLAGS: -O0 -fno-omit-frame-pointer
#cgo LDFLAGS: -ldl
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <stdint.h>
#include <string.h>

// The argument layouts documented for runtime.SetCgoTraceback.
struct cgoTracebackArg {
	uintptr_t  Context;
	uintptr_t  SigContext;
	uintptr_t* Buf;
	uintptr_t  Max;
};

struct cgoSymbolizerArg {
	uintptr_t   PC;
	const char* File;
	uintptr_t   Lineno;
	const char* Func;
	uintptr_t   Entry;
	uintptr_t   More;
	uintptr_t   Data;
};

static void tracebackC(void* p) {
	struct cgoTracebackArg* arg = p;
	void* pcs[32];
	int n = backtrace(pcs, 32);
	uintptr_t i;
	for (i = 0; i < (uintptr_t)n && i < arg->Max; i++)
		arg->Buf[i] = (uintptr_t)pcs[i];
	if (i < arg->Max)
		arg->Buf[i] = 0;
}

static void symbolizeC(void* p) {
	struct cgoSymbolizerArg* arg = p;
	Dl_info info;
	arg->File = 0;
	arg->Lineno = 0;
	arg->Func = 0;
	arg->More = 0;
	if (arg->PC != 0 && dladdr((void*)arg->PC, &info) && info.dli_sname) {
		const char* slash = strrchr(info.dli_fname, '/');
		arg->Func = info.dli_sname;
		arg->Entry = (uintptr_t)info.dli_saddr;
		arg->File = slash ? slash + 1 : info.dli_fname;
	}
}

__attribute__((noinline)) void storeThroughNull(int depth) {
	if (depth > 0) {
		storeThroughNull(depth - 1);
		return;
	}
	volatile int* p = 0;
	*p = 42;
}

static void* tracebackFn(void) { return (void*)tracebackC; }
static void* symbolizerFn(void) { return (void*)symbolizeC; }
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"time"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: cgotrace plain|sym")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "plain":
		runtime.SetCgoTraceback(0, C.tracebackFn(), nil, nil)
	case "sym":
		runtime.SetCgoTraceback(0, C.tracebackFn(), nil, C.symbolizerFn())
	default:
		fmt.Fprintf(os.Stderr, "cgotrace: unknown mode %q\n", os.Args[1])
		os.Exit(2)
	}
	go idle()
	time.Sleep(50 * time.Millisecond)
	crashInC()
}

//go:noinline
func idle() {
	time.Sleep(time.Hour)
}

//go:noinline
func crashInC() {
	C.storeThroughNull(2)
}
