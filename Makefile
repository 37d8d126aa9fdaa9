# Strand - find goroutine leaks in Go programs.
#   make            build build/strand and build/libstrand.a
#   make demo       install missing Debian packages (as root), build, run on a bundled dump
#   make test       install, build, run every test (unit, golden, fuzz replay, ASan+UBSan)
#   make bench      time strand against cat, wc -l and panicparse (see bench/README.md)
#   make fuzz       build the libFuzzer harnesses with clang (FUZZ_SECONDS to run them)
#   make install    PREFIX=/usr/local DESTDIR=
CC ?= gcc
PREFIX ?= /usr/local
BUILD ?= build
OPT ?= -O2
CFLAGS_WARN = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
              -Wformat=2 -Wundef -Wcast-align -Wnull-dereference -Wvla
CFLAGS ?= $(OPT) -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(CFLAGS_WARN) $(CFLAGS) \
             -Iinclude -pthread $(EXTRA_CFLAGS)
LIBS = -lz -lpthread -lm -ldl

LIB_SRC  := $(sort $(wildcard lib/*.c))
TOOL_SRC := $(sort $(wildcard tool/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
TOOL_OBJ := $(TOOL_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
HDRS     := $(wildcard include/*.h lib/*.h tool/*.h tests/unit/*.h)

.PHONY: all deps demo test check unit golden replay sanitize fuzz bench install clean regen-golden lint
all: $(BUILD)/strand $(BUILD)/libstrand.a

$(BUILD)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libstrand.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/strand: $(TOOL_OBJ) $(BUILD)/libstrand.a
	$(CC) $(ALL_CFLAGS) -o $@ $(TOOL_OBJ) $(BUILD)/libstrand.a $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libstrand.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Ilib -o $@ $< $(BUILD)/libstrand.a $(LIBS) -lcmocka

$(BUILD)/replay: fuzz/replay.c fuzz/targets.c fuzz/targets.h $(BUILD)/libstrand.a $(HDRS)
	$(CC) $(ALL_CFLAGS) -Ilib -o $@ fuzz/replay.c fuzz/targets.c $(BUILD)/libstrand.a $(LIBS)

deps:
	@sh scripts/deps.sh

DEMO_DUMP = tests/scenarios/01-chan-send-subscribers/dump.txt
demo: deps all
	@echo '$$ strand analyze $(DEMO_DUMP)'
	@./$(BUILD)/strand analyze $(DEMO_DUMP); rc=$$?; test $$rc -le 1

# Every test; the last line is the overall "N passed, N failed" count.
test: deps
	@sh scripts/run-tests.sh

check: test

unit: $(TEST_BIN)
	@sh scripts/run-unit.sh $(BUILD)

golden: all
	@sh tests/golden/run.sh $(BUILD)/strand

replay: $(BUILD)/replay
	@$(BUILD)/replay fuzz/corpus/text fuzz/corpus/proto

SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
sanitize:
	@for t in unit replay golden; do \
	  $(MAKE) --no-print-directory BUILD=build/asan OPT=-O1 EXTRA_CFLAGS="$(SAN_FLAGS)" $$t || exit 1; \
	done

regen-golden: all
	@sh tests/golden/run.sh $(BUILD)/strand --regen

fuzz:
	@sh fuzz/build.sh

bench: all
	@bash bench/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/strand $(DESTDIR)$(PREFIX)/bin/strand
	install -m 644 $(BUILD)/libstrand.a $(DESTDIR)$(PREFIX)/lib/libstrand.a
	install -m 644 include/strand.h $(DESTDIR)$(PREFIX)/include/strand.h
	install -m 644 docs/strand.1 $(DESTDIR)$(PREFIX)/share/man/man1/strand.1

clean:
	rm -rf build
