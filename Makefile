# SPDX-License-Identifier: GPL-2.0
# vrrpd: one non-recursive Makefile. Everything generated goes to build/.

BUILD ?= build
CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
PREFIX ?= /usr/local

ARCH_INC := /usr/include/$(shell uname -m)-linux-gnu
# Asked when a recipe needs them, not when make reads this file: `make deps all` (and the targets
# below that run deps first) may install libnl after that.
NL_CFLAGS = $(shell pkg-config --cflags libnl-route-3.0 2>/dev/null)
NL_LIBS = $(shell pkg-config --libs libnl-route-3.0 2>/dev/null)
# atropos --agentx: net-snmp's agent library (libsnmp-dev). --as-needed leaves out what the
# module's Libs name that a subagent does not use (libnetsnmpmibs: snmpd's own MIB modules).
SNMP_CFLAGS = $(shell pkg-config --cflags netsnmp-agent 2>/dev/null)
SNMP_LIBS = -Wl,--as-needed $(shell pkg-config --libs netsnmp-agent 2>/dev/null) -Wl,--no-as-needed

WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wmissing-prototypes
CFLAGS ?= -O2 -g
USER_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) -Iinclude -Iuser -isystem $(BUILD) $(NL_CFLAGS) \
	$(SNMP_CFLAGS) -D_GNU_SOURCE
SAN_CFLAGS = -std=gnu11 $(WARN) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all -Iinclude -Iuser -isystem $(BUILD) $(NL_CFLAGS) $(SNMP_CFLAGS) \
	-D_GNU_SOURCE
BPF_CFLAGS := -g -O2 -target bpf -Wall -Werror -I$(ARCH_INC) -Iinclude -Ibpf

BPF_OBJ := $(BUILD)/vrrpd.bpf.o
SKEL := $(BUILD)/vrrpd.skel.h

# The daemon's modules; the pure ones are also linked into the unit tests.
PURE_SRCS := user/fsm.c user/pkt.c user/pkt6.c
VRRPD_SRCS := $(PURE_SRCS) user/main.c user/daemon.c user/loop.c user/opts.c user/opts_arg.c user/log.c user/xdp.c user/pindir.c user/net.c user/tx.c \
	user/inst.c user/inst_track.c user/inst_apply.c user/inst_tx.c user/inst_life.c user/host.c user/link.c user/hook.c user/child.c user/track.c user/track_proc.c user/group.c user/ctl.c user/conf.c user/kconf.c user/mapdump.c \
	user/event.c user/vipq.c user/own.c user/priv.c
ATROPOS_SRCS := atropos/atropos.c atropos/maps.c atropos/show.c atropos/change.c atropos/watch.c \
	atropos/agentx.c atropos/agentx_mib.c user/fsm.c user/ctl.c user/log.c user/mapdump.c user/own.c

VRRPD_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(VRRPD_SRCS))
ATROPOS_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(ATROPOS_SRCS))

# The tests' frame parsers: the reference of the XDP program's receive rules, not in vrrpd.
PARSE_LIB := tests/lib/pkt_parse.c
PARSE6_LIB := tests/lib/pkt6_parse.c
UNIT_TESTS := $(BUILD)/tests/test_fsm $(BUILD)/tests/test_pkt $(BUILD)/tests/test_opts $(BUILD)/tests/test_pkt6 \
	$(BUILD)/tests/test_inst_apply $(BUILD)/tests/test_ctl
BPF_TESTS := $(BUILD)/tests/test_xdp $(BUILD)/tests/fuzz_xdp
FUZZ_BINS := $(BUILD)/fuzz/fuzz_pkt $(BUILD)/fuzz/fuzz_opts $(BUILD)/fuzz/fuzz_conf $(BUILD)/fuzz/fuzz_kconf
BENCH_BINS := $(BUILD)/bench/xdp_cost $(BUILD)/bench/prober

.PHONY: all deps build-deps bench check check-build check-unit check-vm demo clean format \
	format-check install
all: $(BUILD)/vrrpd $(BUILD)/atropos $(BPF_OBJ) $(BUILD)/xdp_pass.bpf.o

# make demo, check, check-vm, bench and soak install what is missing first (deps), then build
# and run through a second make: this one read the Makefile before the install, so anything it
# worked out from the machine then (a fresh machine's first make demo once compiled without
# libnl's include directory) is asked again after it.
SUBMAKE = $(MAKE) --no-print-directory

deps:
	@bash tools/install-deps.sh

# Every build starts here: what it needs, or one clear line saying what is missing and how to
# get it, instead of a compiler error about a missing header.
build-deps:
	@bash tools/install-deps.sh --check-build

$(BPF_OBJ): bpf/vrrpd.bpf.c $(wildcard bpf/*.h) include/vrrp_abi.h | build-deps $(BUILD)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# Maps with another layout, as an older vrrpd would have left them (tests/netns/test_faults.sh).
$(BUILD)/tests/old_layout.bpf.o: tests/bpf/old_layout.bpf.c include/vrrp_abi.h | build-deps
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# vrrpd_stats as a newer build (one more counter: accepted) or a broken one (refused) left it.
STATS_LAYOUTS := $(BUILD)/tests/stats_newer.bpf.o $(BUILD)/tests/stats_swapped.bpf.o
$(BUILD)/tests/stats_newer.bpf.o: tests/bpf/stats_layout.bpf.c include/vrrp_abi.h | build-deps
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -DLAYOUT_NEWER -c $< -o $@
$(BUILD)/tests/stats_swapped.bpf.o: tests/bpf/stats_layout.bpf.c include/vrrp_abi.h | build-deps
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -DLAYOUT_SWAPPED -c $< -o $@

# The same program built another way (other instructions, the same maps): what a vrrpd of another
# version leaves attached (tests/netns/test_hardening.sh), and the tool that attaches it.
$(BUILD)/tests/variant.bpf.o: bpf/vrrpd.bpf.c $(wildcard bpf/*.h) include/vrrp_abi.h | build-deps
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -mcpu=v2 -c $< -o $@

$(BUILD)/tests/attach_variant: tests/bpf/attach_variant.c | build-deps
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $< -lbpf -lelf -lz

# The test labs' switch ports run it so that XDP_TX frames from the routers arrive.
$(BUILD)/xdp_pass.bpf.o: tests/bpf/xdp_pass.bpf.c | build-deps $(BUILD)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(SKEL): $(BPF_OBJ)
	$(BPFTOOL) gen skeleton $< name vrrpd_bpf > $@

$(BUILD)/obj/%.o: %.c $(SKEL) $(wildcard include/*.h user/*.h atropos/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -c $< -o $@

$(BUILD)/vrrpd: $(VRRPD_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ -lbpf -lelf -lz $(NL_LIBS) -pthread

$(BUILD)/atropos: $(ATROPOS_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ -lbpf -lelf -lz $(SNMP_LIBS)

# The same programs with ASan and UBSan, which the namespace tests of make check run (issue 9),
# built with clang: its ASan and UBSan share one runtime, so UBSan's reports go to the log_path
# the tests give, as ASan's do; with gcc's two runtimes UBSan's went to stderr (the daemon's log),
# where sanitizers_no_reports could not see them. san_probe makes one report of each on purpose.
SAN_BINS := $(BUILD)/san/vrrpd $(BUILD)/san/atropos $(BUILD)/san/san_probe
$(BUILD)/san/obj/%.o: %.c $(SKEL) $(wildcard include/*.h user/*.h atropos/*.h) Makefile
	@mkdir -p $(dir $@)
	$(CLANG) $(SAN_CFLAGS) -c $< -o $@

$(BUILD)/san/vrrpd: $(patsubst %.c,$(BUILD)/san/obj/%.o,$(VRRPD_SRCS))
	$(CLANG) $(SAN_CFLAGS) -o $@ $^ -lbpf -lelf -lz $(NL_LIBS) -pthread

$(BUILD)/san/atropos: $(patsubst %.c,$(BUILD)/san/obj/%.o,$(ATROPOS_SRCS))
	$(CLANG) $(SAN_CFLAGS) -o $@ $^ -lbpf -lelf -lz $(SNMP_LIBS)

$(BUILD)/san/san_probe: tests/unit/san_probe.c
	@mkdir -p $(dir $@)
	$(CLANG) $(SAN_CFLAGS) -o $@ $<

# Unit tests: no root, ASan/UBSan.
$(BUILD)/tests/test_fsm: tests/unit/test_fsm.c user/fsm.c $(wildcard user/*.h include/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -Itests/unit -o $@ tests/unit/test_fsm.c user/fsm.c

$(BUILD)/tests/test_pkt: tests/unit/test_pkt.c user/pkt.c $(PARSE_LIB) $(wildcard user/*.h include/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -Itests/unit -Itests/lib -o $@ tests/unit/test_pkt.c user/pkt.c $(PARSE_LIB)

$(BUILD)/tests/test_pkt6: tests/unit/test_pkt6.c user/pkt6.c user/pkt.c $(PARSE_LIB) $(PARSE6_LIB) $(wildcard user/*.h include/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -Itests/unit -Itests/lib -o $@ tests/unit/test_pkt6.c user/pkt6.c user/pkt.c $(PARSE_LIB) \
		$(PARSE6_LIB)

$(BUILD)/tests/test_ctl: tests/unit/test_ctl.c user/ctl.c user/log.c \
		$(wildcard user/*.h include/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -Itests/unit -o $@ tests/unit/test_ctl.c user/ctl.c user/log.c

# inst_apply() with fake effects: only the election and the log besides.
$(BUILD)/tests/test_inst_apply: tests/unit/test_inst_apply.c user/inst_apply.c user/fsm.c user/log.c user/event.c \
		$(wildcard user/*.h include/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -Itests/unit -o $@ tests/unit/test_inst_apply.c user/inst_apply.c \
		user/fsm.c user/log.c user/event.c

$(BUILD)/tests/test_opts: tests/unit/test_opts.c user/opts.c user/opts_arg.c user/log.c $(wildcard user/*.h include/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -Itests/unit -o $@ tests/unit/test_opts.c user/opts.c user/opts_arg.c user/log.c

# BPF_PROG_TEST_RUN tests: root.
$(BUILD)/tests/test_xdp: tests/bpf/test_xdp.c tests/bpf/test_xdp6.c tests/bpf/test_xdp_nd6.c \
		tests/bpf/test_xdp_down.c tests/bpf/xdp_harness.c user/pkt.c user/pkt6.c user/fsm.c \
		$(SKEL) $(wildcard include/*.h user/pkt.h user/pkt6.h user/fsm.h tests/unit/*.h \
		tests/bpf/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -Itests/unit -Itests/bpf -o $@ tests/bpf/test_xdp.c tests/bpf/test_xdp6.c \
		tests/bpf/test_xdp_nd6.c tests/bpf/test_xdp_down.c tests/bpf/xdp_harness.c user/pkt.c \
		user/pkt6.c user/fsm.c -lbpf -lelf -lz

# The XDP program against a reference model, on random and mutated frames (issue 9); make check
# runs a bounded run, make fuzz-xdp a long one. FUZZ_XDP_ARGS="--seed S" replays a reported run.
FUZZ_XDP_SRCS := tests/bpf/fuzz_xdp.c tests/bpf/fuzz_gen.c tests/bpf/fuzz_gen6.c \
	tests/bpf/fuzz_mut.c tests/bpf/xdp_model.c tests/bpf/xdp_model6.c tests/bpf/xdp_harness.c \
	user/pkt.c user/pkt6.c user/fsm.c $(PARSE_LIB) $(PARSE6_LIB)
$(BUILD)/tests/fuzz_xdp: $(FUZZ_XDP_SRCS) $(SKEL) \
		$(wildcard include/*.h user/pkt.h user/pkt6.h user/fsm.h tests/bpf/*.h tests/lib/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -Itests/bpf -Itests/lib -o $@ $(FUZZ_XDP_SRCS) -lbpf -lelf -lz

# make fuzz: the long runs of both fuzzers (about 10 minutes).
.PHONY: fuzz fuzz-xdp soak
fuzz: fuzz-xdp fuzz-lib

# make soak: test_soak for SOAK_SECS (600) of takeovers instead of make check's 60.
soak: deps
	@$(SUBMAKE) all
	@SOAK_SECS=$${SOAK_SECS:-600} NETNS_TIMEOUT=$$(($${SOAK_SECS:-600} + 300)) \
		NETNS_ONLY=test_soak bash tests/run.sh netns

fuzz-xdp: $(BUILD)/tests/fuzz_xdp
	nice $(BUILD)/tests/fuzz_xdp --frames 10000000 --seconds 0 $(FUZZ_XDP_ARGS)

check-unit: $(UNIT_TESTS)
	@bash tests/run.sh unit

check: deps
	@$(SUBMAKE) check-build
	@NETNS_SAN=1 bash tests/run.sh all

# What make check runs, built.
check-build: all $(UNIT_TESTS) $(FUZZ_BINS) $(BPF_TESTS) $(BENCH_BINS) \
	$(BUILD)/tests/old_layout.bpf.o $(STATS_LAYOUTS) $(BUILD)/tests/variant.bpf.o \
	$(BUILD)/tests/attach_variant $(SAN_BINS)

# The second test lane: the bpf and netns tests again, plus those that need 802.1Q devices and
# netem, inside a VM that boots Debian 12's kernel (tools/vm.sh; README). KERNEL=DIR boots
# another unpacked kernel package instead of the one tools/vm.sh fetches into $(BUILD)/vm.
check-vm: deps
	@$(SUBMAKE) all $(BPF_TESTS) $(BUILD)/tests/old_layout.bpf.o $(STATS_LAYOUTS)
	@VM_DIR=$(BUILD)/vm VM_TIMEOUT=$${VM_TIMEOUT:-900} VM_ENV="NETNS_TIMEOUT UNIT_TIMEOUT STRICT_SKIPS" \
		bash tools/vm.sh run $(if $(KERNEL),--kernel "$(KERNEL)") tests/vm/guest.sh

demo: deps
	@$(SUBMAKE) all
	@bash tools/demo.sh

# Benchmarks (issue 8)
# xdp_cost: the XDP program's cost per packet (BPF_PROG_TEST_RUN); finds xdp_ts.bpf.o next to it
# and xdp_pass.bpf.o in $(BUILD). Run through tools/bench/xdp_cost.sh (root).
$(BUILD)/bench/xdp_cost: tools/bench/xdp_cost.c user/pkt.c $(SKEL) $(wildcard include/*.h user/*.h) \
		| $(BUILD)/bench/xdp_ts.bpf.o $(BUILD)/xdp_pass.bpf.o
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -O2 -o $@ tools/bench/xdp_cost.c user/pkt.c -lbpf -lelf -lz

# prober: the failover benchmark's client (ARP requests and pings at a fixed period).
$(BUILD)/bench/prober: tools/bench/prober.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $<

# make bench: the whole run, about 20 minutes, as root (README, BENCHMARKS.md);
# BENCH_QUICK=1 for a small version (tests/netns/test_bench.sh runs it in make check).
bench: deps
	@$(SUBMAKE) all $(BENCH_BINS)
	@bash tools/bench/run.sh

$(BUILD)/bench/xdp_ts.bpf.o: tools/bench/xdp_ts.bpf.c | build-deps $(BUILD)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# libFuzzer harnesses (issue 9): clang, the user code's warnings, ASan/UBSan.
# tests/fuzz/run.sh runs them bounded (seconds); make fuzz-lib runs each for FUZZ_TIME seconds,
# adding what it finds to $(BUILD)/fuzz/corpus-*: the committed seeds in tests/fuzz/corpus are
# only read. Crashes are written to $(BUILD)/fuzz/.
FUZZ_CFLAGS := -std=gnu11 $(WARN) -O1 -g -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Iinclude -Iuser -D_GNU_SOURCE
FUZZ_TIME ?= 300

$(BUILD)/fuzz/fuzz_pkt: tests/fuzz/fuzz_pkt.c tests/fuzz/fuzz.h user/pkt.c $(PARSE_LIB) $(wildcard user/*.h include/*.h tests/lib/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -Itests/lib -o $@ tests/fuzz/fuzz_pkt.c user/pkt.c $(PARSE_LIB)

$(BUILD)/fuzz/fuzz_opts: tests/fuzz/fuzz_opts.c tests/fuzz/fuzz.h user/opts.c user/opts_arg.c $(wildcard user/*.h include/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz_opts.c user/opts.c user/opts_arg.c

$(BUILD)/fuzz/fuzz_conf: tests/fuzz/fuzz_conf.c tests/fuzz/fuzz.h user/conf.c user/opts.c user/opts_arg.c $(wildcard user/*.h include/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz_conf.c user/conf.c user/opts.c user/opts_arg.c

$(BUILD)/fuzz/fuzz_kconf: tests/fuzz/fuzz_kconf.c tests/fuzz/fuzz.h user/kconf.c user/conf.c user/opts.c user/opts_arg.c $(wildcard user/*.h include/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz_kconf.c user/kconf.c user/conf.c user/opts.c \
		user/opts_arg.c

.PHONY: fuzz-lib
fuzz-lib: $(FUZZ_BINS)
	@for h in pkt opts conf; do \
		mkdir -p $(BUILD)/fuzz/corpus-$$h || exit 1; \
		echo "fuzz_$$h: $(FUZZ_TIME) s, new inputs in $(BUILD)/fuzz/corpus-$$h"; \
		nice $(BUILD)/fuzz/fuzz_$$h -max_total_time=$(FUZZ_TIME) -timeout=10 \
			-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=$(BUILD)/fuzz/ \
			-dict=tests/fuzz/$$h.dict $(BUILD)/fuzz/corpus-$$h tests/fuzz/corpus/$$h \
			|| exit 1; \
	done

$(BUILD):
	@mkdir -p $@

FORMAT_SRCS = $(wildcard bpf/*.c bpf/*.h user/*.c user/*.h include/*.h atropos/*.c atropos/*.h \
	tests/unit/*.c tests/unit/*.h tests/bpf/*.c tests/bpf/*.h tools/bench/*.c tests/fuzz/*.c tests/fuzz/*.h \
	tests/lib/*.c tests/lib/*.h)

format:
	clang-format -i $(FORMAT_SRCS)

format-check:
	clang-format --dry-run -Werror $(FORMAT_SRCS)

# The daemon carries its BPF program (skeleton): binaries, man pages, a systemd unit for
# /etc/vrrpd.conf and a template one per instance (vrrpd@NAME: /etc/vrrpd/NAME.args), one for
# the VRRPv3-MIB subagent (vrrpd-agentx: atropos --agentx), and a SysV init script. DESTDIR,
# PREFIX (/usr/local), SYSCONFDIR (/etc), SYSTEMDDIR as usual.
PREFIX ?= /usr/local
SYSCONFDIR ?= /etc
SYSTEMDDIR ?= $(PREFIX)/lib/systemd/system
SUBST = sed 's|@SBINDIR@|$(PREFIX)/sbin|g'
install: $(BUILD)/vrrpd $(BUILD)/atropos
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/man/man8 \
		$(DESTDIR)$(SYSTEMDDIR) $(DESTDIR)$(SYSCONFDIR)/init.d
	install -m 0755 $(BUILD)/vrrpd $(BUILD)/atropos $(DESTDIR)$(PREFIX)/sbin/
	install -m 0644 user/vrrpd.8 atropos/atropos.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	$(SUBST) packaging/systemd/vrrpd.service.in >$(DESTDIR)$(SYSTEMDDIR)/vrrpd.service
	$(SUBST) packaging/systemd/vrrpd@.service.in >$(DESTDIR)$(SYSTEMDDIR)/vrrpd@.service
	$(SUBST) packaging/systemd/vrrpd-agentx.service.in >$(DESTDIR)$(SYSTEMDDIR)/vrrpd-agentx.service
	chmod 0644 $(DESTDIR)$(SYSTEMDDIR)/vrrpd.service $(DESTDIR)$(SYSTEMDDIR)/vrrpd@.service \
		$(DESTDIR)$(SYSTEMDDIR)/vrrpd-agentx.service
	$(SUBST) packaging/sysv/vrrpd.in >$(DESTDIR)$(SYSCONFDIR)/init.d/vrrpd
	chmod 0755 $(DESTDIR)$(SYSCONFDIR)/init.d/vrrpd

clean:
	rm -rf $(BUILD)
