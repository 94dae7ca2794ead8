// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark 1 of `make bench`: the cost per packet of the XDP program (bpf/vrrpd.bpf.c), loaded
 * through its skeleton with nothing pinned, measured with BPF_PROG_TEST_RUN. Every row is a
 * path of the program (or a reference program) on a crafted frame; the run checks that the
 * path taken is the intended one (verdict, output bytes, counters, ring-buffer events) and
 * exits 1 with a message if it is not: a benchmark of the wrong path is worse than none.
 *
 * Modes (the "mode" of a row):
 *   repeat   one syscall runs the frame `repeat` times; the kernel reports the average in ns
 *            (integer, truncated). The kernel does not restore the frame between repetitions,
 *            so only paths that leave the frame as it was are measured this way.
 *   syscall  `calls` syscalls of repeat=1 each (each syscall copies data_in afresh): for the
 *            ARP reply, which rewrites the frame. A trial is the median of the per-call
 *            durations (the mean is in trials_mean_ns). A repeat=1 duration holds the kernel's
 *            timer once (the clock reads around the run, bh disable/enable) where a repeat
 *            average spreads it, hence "empty" and "udp64" in this mode too, to compare like
 *            with like; the table prints the difference of the two floors.
 *   live     BPF_F_TEST_XDP_LIVE_FRAMES on a veth (--live-dev, its peer --live-peer runs an
 *            XDP_PASS program so that frames sent to it arrive): our program answering an ARP
 *            request with XDP_TX, against the empty program passing it to the stack, whose
 *            arp_rcv() answers. The time includes the page allocation, the transmission and
 *            the peer's receive of the reply (softirq on local_bh_enable()) in both. A kernel
 *            that refuses live frames leaves these rows "skipped" with its reason in words
 *            (live_refusal()): not measurable here, not a failure of the benchmark.
 *
 * Rows: repeat mode: empty (build/xdp_pass.bpf.o: the floor), timestamp (xdp_ts.bpf.o: one
 * bpf_ktime_get_ns()), udp64, arp_other, advert_fast, advert_event, advert_invalid,
 * advert_bad_csum; syscall mode: empty, udp64, advert_event, advert_wakeup (the same event
 * into an empty ring: the ring's wake-up too), arp_reply; live mode: empty, arp_reply. See
 * cases[], main() and live_measure() for what each one is.
 *
 * With --hold-devs the programs stay attached for the run so that every mode calls them
 * through the XDP dispatcher, as the kernel calls an attached program (see hold()).
 *
 * Usage: xdp_cost [--quick] [--repeat N] [--trials N] [--calls N] [--json FILE]
 *                 [--live-dev DEV --live-peer PEER | --live-skip REASON] [--live-frames N]
 *                 [--batch N] [--hold-devs DEV,DEV,DEV] [--xdp-pass OBJ] [--xdp-ts OBJ]
 *                 [--live-extra-flags N] [--no-down-timer]
 * Root (BPF). tools/bench/xdp_cost.sh runs it in a network namespace of its own with the veth
 * pairs; without them it measures the repeat and syscall rows on lo and skips the live ones.
 *
 * JSON (--json FILE), one schema for every mode:
 * {
 *   "benchmark": "xdp_cost",
 *   "machine": { "cpu": STR, "kernel": STR (uname -r), "ncpus": INT },
 *   "repeat": INT, "trials": INT, "calls": INT,
 *   "dispatcher": BOOL        the programs were held in the XDP dispatcher (--hold-devs)
 *   "rows": [ {
 *     "name": STR, "mode": "repeat" | "syscall" | "live",
 *     "ns": NUM | null          median over the trials of the per-trial number (null: skipped)
 *     "trials_ns": [NUM...]     the per-trial numbers
 *     "trials_mean_ns": [NUM...] syscall mode only: the per-trial means
 *     "stat": STR               what one per-trial number is
 *     "runs_per_trial": INT     program runs per trial
 *     "warmup_runs": INT        runs before the trials (not timed; in the counters)
 *     "ratio_to_floor": NUM | null  ns / ns of "empty" in the same mode
 *     "verdict": "XDP_PASS" | "XDP_DROP" | "XDP_TX"   (checked; live: checked by counters)
 *     "counters": { NAME: INT }  vrrpd_stats that moved over the whole row (warm-up included)
 *     "events": INT, "events_lost": INT   advert rows: the vrrpd_stats counters (the events
 *                               read back from the ring are checked to be as many)
 *     "replies": INT            live rows: frames the peer received during the trials
 *     "skipped": STR            only when the row was not measured, and why
 *     "note": STR
 *   } ... ],
 *   "live": { "status": "ok" | "skipped", "reason": STR, "dev": STR, "peer": STR,
 *             "batch_size": INT, "calls_per_trial": INT, "frames_per_trial": INT,
 *             "reuse_probe": { "frames": INT, "answered": INT } }
 * }
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <libgen.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/if_packet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "pkt.h"
#include "vrrpd.skel.h"

#define LO_IFINDEX 1 /* BPF_PROG_TEST_RUN needs a real ingress device: lo, in every netns */
#define FAMILY_IPV4 2 /* AF_INET, as struct vrrpd_key stores it */
#define VRID 1
#define BUF_LEN 2048
#define MAX_TRIALS 64
#define IP4(a, b, c, d) htonl((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

#define MASTER_IP IP4(192, 0, 2, 1) /* the master the Backup follows */
#define ASKER_IP IP4(192, 0, 2, 2) /* who sends the ARP requests */
#define OUR_IP IP4(192, 0, 2, 10)
#define VIP IP4(192, 0, 2, 100) /* the live wrapper puts 192.0.2.100/24 on --live-dev */
#define OTHER_TPA IP4(192, 0, 2, 77) /* an address that is not a VIP */
#define PEER_PRIO 120
#define ADVER_INT_CS 100

#define EV_CHUNK 65536u /* events per syscall in advert_event/repeat: fits the ring below */
#define EV_RING_BYTES (16u << 20) /* 16 MiB > EV_CHUNK * 176 bytes (the event, 8-byte header) */
_Static_assert(EV_CHUNK *(sizeof(struct vrrpd_event) + 8) <= EV_RING_BYTES,
	       "a chunk of events fits the ring");
#define LIVE_DFL_BATCH 64 /* the kernel's default batch_size in live mode (NAPI_POLL_WEIGHT) */

static const uint8_t asker_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t our_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t vmac[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, VRID };

/* ---- counters ---- */

#define NSTATS VRRPD_STATS_COUNT
#define CNT(field) (1u << (offsetof(struct vrrpd_stats, field) / sizeof(__u64)))
#define STAT_NAME(field) [offsetof(struct vrrpd_stats, field) / sizeof(__u64)] = #field,
#define STAT_IDX(field) (offsetof(struct vrrpd_stats, field) / sizeof(__u64))

_Static_assert(NSTATS <= 32, "one bit per counter");

static const char *const stat_names[NSTATS] = { VRRPD_STATS_FIELDS(STAT_NAME) };

/* ---- options, environment, results ---- */

static struct {
	long repeat, trials, calls, live_frames, batch, live_extra_flags;
	bool quick, no_down_timer;
	const char *json, *live_dev, *live_peer, *live_skip, *pass_obj, *ts_obj;
	char *hold_devs;
} opt = { .repeat = -1, .trials = -1, .calls = -1, .live_frames = -1 };

static struct {
	struct vrrpd_bpf *skel;
	struct bpf_object *pass_obj, *ts_obj;
	struct bpf_program *empty_prog, *ts_prog;
	int ours_fd, empty_fd, ts_fd, ts_bss_fd;
	bool held; /* the three programs are in the XDP dispatcher for the whole run */
	int cfg_fd, rx_fd, vip_fd, stats_fd, events_fd;
	int ring_fd;
	struct ring_buffer *rb;
	int ncpus;
	uint32_t pid;
} env = { .ring_fd = -1 };

struct row {
	char name[24];
	const char *mode;
	bool skipped;
	char skip_reason[600];
	double ns;
	double trials[MAX_TRIALS];
	double means[MAX_TRIALS]; /* syscall mode */
	int ntrials;
	const char *stat;
	uint64_t runs_per_trial;
	uint64_t warmup_runs; /* before the trials, not timed, in the counters */
	uint32_t verdict;
	uint64_t counters[NSTATS];
	bool advert; /* events / events_lost are meaningful */
	uint64_t events, events_lost;
	long long replies; /* live: -1 when not applicable */
	double ratio;
	char note[700];
};

#define MAX_ROWS 24
static struct row rows[MAX_ROWS];
static int nrows;

static struct {
	bool ok;
	char reason[600];
	int batch, calls;
	long long probe_frames, probe_answered;
} live = { .probe_frames = -1, .probe_answered = -1 };

__attribute__((format(printf, 1, 2), noreturn)) static void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("xdp_cost: FAIL: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts); /* bpf_ktime_get_ns()'s clock */
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static const char *verdict_name(uint32_t v)
{
	switch (v) {
	case XDP_ABORTED:
		return "XDP_ABORTED";
	case XDP_DROP:
		return "XDP_DROP";
	case XDP_PASS:
		return "XDP_PASS";
	case XDP_TX:
		return "XDP_TX";
	case XDP_REDIRECT:
		return "XDP_REDIRECT";
	}
	return "?";
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static double median(const double *v, int n)
{
	double s[MAX_TRIALS];

	memcpy(s, v, sizeof(*v) * (size_t)n);
	qsort(s, (size_t)n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static struct row *row_new(const char *name, const char *mode)
{
	struct row *r;

	if (nrows == MAX_ROWS)
		die("too many rows");
	r = &rows[nrows++];
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->mode = mode;
	r->replies = -1;
	return r;
}

/* ---- frames ---- */

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void ip4_fix_csum(uint8_t *ip)
{
	put_be16(ip + 10, 0);
	put_be16(ip + 10, pkt_csum_fold(pkt_csum_add(0, ip, (size_t)(ip[0] & 0x0f) * 4)));
}

/* 64 bytes: Ethernet, IPv4 ASKER_IP -> OUR_IP, UDP 40000 -> 53 with 22 bytes of payload. */
static int build_udp64(uint8_t *f)
{
	uint32_t saddr = ASKER_IP, daddr = OUR_IP;
	uint8_t *ip = f + PKT_ETH_HLEN, *u = ip + PKT_IP4_HLEN;
	const uint16_t payload = 22;

	memcpy(f, our_mac, 6);
	memcpy(f + 6, asker_mac, 6);
	put_be16(f + 12, 0x0800);
	memset(ip, 0, PKT_IP4_HLEN);
	ip[0] = 0x45;
	put_be16(ip + 2, (uint16_t)(PKT_IP4_HLEN + 8 + payload));
	put_be16(ip + 4, 0x1234);
	put_be16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &saddr, 4);
	memcpy(ip + 16, &daddr, 4);
	ip4_fix_csum(ip);
	put_be16(u, 40000);
	put_be16(u + 2, 53);
	put_be16(u + 4, (uint16_t)(8 + payload));
	put_be16(u + 6, 0); /* optional over IPv4 */
	for (uint16_t i = 0; i < payload; i++)
		u[8 + i] = (uint8_t)i;
	return PKT_ETH_HLEN + PKT_IP4_HLEN + 8 + payload;
}

/* "Who has tpa? Tell ASKER_IP at mac", broadcast, padded to 60 bytes (user/pkt.c). */
static int build_arp_request(uint8_t *f, const uint8_t *mac, uint32_t tpa)
{
	int len;

	memset(f, 0, 64);
	len = pkt_build_arp_request(f, BUF_LEN, mac, ASKER_IP, tpa, 0);
	if (len <= 0)
		die("pkt_build_arp_request: %d", len);
	return len;
}

/*
 * What the program must make of build_arp_request(mac, VIP) (RFC 826, from the VMAC): ARP's own
 * 42 bytes, the request's padding left out. Returns that length.
 */
static int build_arp_reply(uint8_t *f, const uint8_t *mac)
{
	uint32_t vip = VIP, asker = ASKER_IP;
	uint8_t *a = f + PKT_ETH_HLEN;

	memset(f, 0, PKT_ETH_HLEN + 28);
	memcpy(f, mac, 6);
	memcpy(f + 6, vmac, 6);
	put_be16(f + 12, 0x0806);
	put_be16(a, 1);
	put_be16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	put_be16(a + 6, 2); /* reply */
	memcpy(a + 8, vmac, 6);
	memcpy(a + 14, &vip, 4);
	memcpy(a + 18, mac, 6);
	memcpy(a + 24, &asker, 4);
	return PKT_ETH_HLEN + 28;
}

enum advert_mut { ADV_VALID, ADV_TTL_254, ADV_BAD_CSUM };

/* The advert the master MASTER_IP sends for VRID: v3, PEER_PRIO, 1 s, one address, C3. */
static int build_advert(uint8_t *f, enum advert_mut m)
{
	static struct pkt_advert a; /* 1 KiB of addresses */
	uint8_t *ip = f + PKT_ETH_HLEN;
	int len;

	memset(&a, 0, sizeof(a));
	a.version = 3;
	a.vrid = VRID;
	a.priority = PEER_PRIO;
	a.adver_int_cs = ADVER_INT_CS;
	a.csum_form = VRRPD_CSUM_RFC9568;
	a.saddr = MASTER_IP;
	memcpy(a.src_mac, vmac, 6);
	a.count = 1;
	a.addrs[0] = VIP;
	len = pkt_build_advert(f, BUF_LEN, &a);
	if (len <= 0)
		die("pkt_build_advert: %d", len);
	if (m == ADV_TTL_254) {
		ip[8] = 254; /* R1: the sender is not on this link */
		ip4_fix_csum(ip);
	} else if (m == ADV_BAD_CSUM) {
		ip[PKT_IP4_HLEN + 7] ^= 0x01; /* R5: neither the C3 nor the C4 form matches */
	}
	return len;
}

/* ---- the BPF side ---- */

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* Opens and loads a one-program object (the references); returns its program's fd. */
static int load_ref(const char *path, struct bpf_object **objp, struct bpf_program **progp)
{
	struct bpf_program *p;
	struct bpf_object *obj;
	int err;

	obj = bpf_object__open_file(path, NULL);
	if (!obj)
		die("cannot open %s: %s (make all %s)", path, strerror(errno),
		    "build/bench/xdp_cost");
	err = bpf_object__load(obj);
	if (err)
		die("cannot load %s: %s", path, strerror(-err));
	p = bpf_object__next_program(obj, NULL);
	if (!p || bpf_object__next_program(obj, p))
		die("%s: expected exactly one program", path);
	*objp = obj;
	*progp = p;
	return bpf_program__fd(p);
}

/* The directory of this executable ($(BUILD)/bench), where the default objects are found. */
static const char *exe_dir(void)
{
	static char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n <= 0)
		return ".";
	buf[n] = 0;
	return dirname(buf);
}

/*
 * BPF_PROG_TEST_RUN puts an XDP program into the XDP dispatcher (a direct call instead of an
 * indirect, here retpolined, one) only for repeat > 1, and takes it out afterwards: two
 * synchronize_rcu() per syscall (tens of ms, untimed), and repeat=1 runs called indirectly. A
 * program attached to a device stays in the dispatcher, and the test run then only takes a
 * reference. So, given three devices of a namespace of our own (--hold-devs), each program is
 * attached to one, through a bpf_link that goes away with this process: every mode then calls
 * the programs the way an attached program is called, and the syscalls are cheap. No traffic
 * crosses these devices.
 */
static void hold(void)
{
	struct bpf_program *progs[3] = { env.empty_prog, env.ts_prog, env.skel->progs.vrrpd_xdp };
	char *save = NULL, *dev = strtok_r(opt.hold_devs, ",", &save);

	for (int i = 0; i < 3; i++, dev = strtok_r(NULL, ",", &save)) {
		unsigned int ifindex = dev ? if_nametoindex(dev) : 0;

		if (!dev)
			die("--hold-devs: three devices, one per program");
		if (!ifindex)
			die("--hold-devs: %s: %s", dev, strerror(errno));
		if (!bpf_program__attach_xdp(progs[i], (int)ifindex))
			die("cannot attach %s to %s: %s", bpf_program__name(progs[i]), dev,
			    strerror(errno));
	}
	env.held = true;
}

static void setup(void)
{
	static char pass_path[PATH_MAX + 32], ts_path[PATH_MAX + 32];
	struct bpf_map *m;
	struct bpf_map *bss;
	int err;

	libbpf_set_print(libbpf_quiet);
	env.pid = (uint32_t)getpid();
	env.ncpus = libbpf_num_possible_cpus();
	if (env.ncpus <= 0)
		die("cannot count the possible CPUs");

	/* Ours, through the skeleton. Nothing pinned: the maps are ours alone, no bpffs needed. */
	env.skel = vrrpd_bpf__open();
	if (!env.skel)
		die("cannot open the skeleton: %s", strerror(errno));
	bpf_object__for_each_map(m, env.skel->obj)
		if (bpf_map__set_pin_path(m, NULL))
			die("cannot unpin map %s", bpf_map__name(m));
	/* As vrrpd loads it: Master_Down_Timers where the kernel has bpf_timer for XDP. */
	env.skel->rodata->down_timer_on =
		!opt.no_down_timer &&
		libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_timer_init, NULL) == 1;
	bpf_program__set_autoload(env.skel->progs.vrrpd_down_init, env.skel->rodata->down_timer_on);
	err = vrrpd_bpf__load(env.skel);
	if (err)
		die("cannot load the XDP program: %s (root?)", strerror(-err));
	bpf_object__for_each_map(m, env.skel->obj)
		if (bpf_map__is_pinned(m))
			die("map %s got pinned", bpf_map__name(m));
	env.ours_fd = bpf_program__fd(env.skel->progs.vrrpd_xdp);
	env.cfg_fd = bpf_map__fd(env.skel->maps.vrrpd_cfg);
	env.rx_fd = bpf_map__fd(env.skel->maps.vrrpd_rx);
	env.vip_fd = bpf_map__fd(env.skel->maps.vrrpd_vip);
	env.stats_fd = bpf_map__fd(env.skel->maps.vrrpd_stats);
	env.events_fd = bpf_map__fd(env.skel->maps.vrrpd_events);

	/* The references, plain libbpf. */
	if (!opt.pass_obj) {
		snprintf(pass_path, sizeof(pass_path), "%s/../xdp_pass.bpf.o", exe_dir());
		opt.pass_obj = pass_path;
	}
	if (!opt.ts_obj) {
		snprintf(ts_path, sizeof(ts_path), "%s/xdp_ts.bpf.o", exe_dir());
		opt.ts_obj = ts_path;
	}
	env.empty_fd = load_ref(opt.pass_obj, &env.pass_obj, &env.empty_prog);
	env.ts_fd = load_ref(opt.ts_obj, &env.ts_obj, &env.ts_prog);
	bss = bpf_object__find_map_by_name(env.ts_obj, ".bss");
	if (!bss || bpf_map__value_size(bss) != sizeof(__u64))
		die("%s: no 8-byte .bss (xdp_ts_last)", opt.ts_obj);
	env.ts_bss_fd = bpf_map__fd(bss);
	if (opt.hold_devs)
		hold();
}

/* ---- the ring buffer: ours, registered under our pid like user/xdp.c xdp_ring_open() ---- */

static struct {
	uint64_t n, bad;
} ev_seen;

static int on_event(void *ctx, void *data, size_t size)
{
	const struct vrrpd_event *ev = data;

	(void)ctx;
	ev_seen.n++;
	if (size != sizeof(*ev) || ev->type != VRRPD_EV_ADVERT || ev->saddr.v4 != MASTER_IP ||
	    ev->key.vrid != VRID || ev->priority != PEER_PRIO)
		ev_seen.bad++;
	return 0;
}

static void ring_open(void)
{
	/*
	 * The program picks the ring by cfg->owner_pid (push_event()), which state_set() makes
	 * our pid. Any size fits the hash of maps (max_entries is not part of the inner map's
	 * type); this one holds EV_CHUNK events, drained between syscalls, so that every run
	 * takes the event path and none is counted lost.
	 */
	env.ring_fd =
		bpf_map_create(BPF_MAP_TYPE_RINGBUF, "xdp_cost_ring", 0, 0, EV_RING_BYTES, NULL);
	if (env.ring_fd < 0)
		die("cannot create a %u-byte ring buffer: %s", EV_RING_BYTES, strerror(errno));
	if (bpf_map_update_elem(env.events_fd, &env.pid, &env.ring_fd, BPF_ANY))
		die("cannot register the ring buffer in vrrpd_events: %s", strerror(errno));
	env.rb = ring_buffer__new(env.ring_fd, on_event, NULL, NULL);
	if (!env.rb)
		die("cannot open the ring buffer: %s", strerror(errno));
}

static void ring_drain(void)
{
	if (ring_buffer__consume(env.rb) < 0)
		die("ring_buffer__consume: %s", strerror(errno));
}

/* ---- map state ---- */

static void map_clear(int fd)
{
	uint8_t key[64];

	while (bpf_map_get_next_key(fd, NULL, &key) == 0)
		if (bpf_map_delete_elem(fd, &key))
			die("cannot empty a map: %s", strerror(errno));
}

static struct vrrpd_key inst_key(uint32_t ifindex)
{
	struct vrrpd_key k = { .ifindex = ifindex, .family = FAMILY_IPV4, .vrid = VRID };

	return k;
}

enum inst_state {
	ST_BACKUP, /* Backup following MASTER_IP at PEER_PRIO, 1 s, C3: the fast path */
	ST_MASTER, /* Master with a lease for another hour: events, and ARP replies */
};

/*
 * One instance, VRID 1 on ifindex, v3, priority 100, VMAC, VIP 192.0.2.100, owned by us (our
 * ring buffer), as vrrpd publishes it; empty stats; vrrpd_rx as the program left it for the
 * state (Backup: it already recorded the master and the controller confirmed it).
 */
static void state_set(enum inst_state st, uint32_t ifindex)
{
	struct vrrpd_key key = inst_key(ifindex);
	struct vrrpd_vip_key vk = { .ifindex = ifindex, .family = FAMILY_IPV4 };
	struct vrrpd_cfg cfg = {};
	struct vrrpd_rx rx = {};
	uint32_t vip = VIP;

	ring_drain();
	map_clear(env.cfg_fd);
	map_clear(env.rx_fd);
	map_clear(env.vip_fd);
	map_clear(env.stats_fd);
	cfg.owner_pid = env.pid;
	cfg.primary_ip.v4 = OUR_IP;
	cfg.version = 3;
	cfg.priority = cfg.cfg_priority = VRRP_PRIO_DFL;
	cfg.adver_int_cs = ADVER_INT_CS;
	cfg.flags = VRRPD_F_VMAC;
	cfg.naddrs = 1;
	memcpy(cfg.vmac, vmac, 6);
	if (st == ST_BACKUP) {
		cfg.state = VRRPD_ST_BACKUP;
		cfg.master_ip.v4 = MASTER_IP;
		cfg.master_priority = PEER_PRIO;
		cfg.master_adver_int_cs = ADVER_INT_CS;
		rx.master_ip.v4 = MASTER_IP;
		rx.priority = PEER_PRIO;
		rx.adver_int_cs = ADVER_INT_CS;
		rx.csum_form = VRRPD_CSUM_RFC9568;
	} else {
		cfg.state = VRRPD_ST_MASTER;
		cfg.master_ip.v4 = OUR_IP;
		cfg.lease_until_ns = mono_ns() + 3600ull * 1000000000ull;
	}
	memcpy(vk.addr, &vip, 4);
	if (bpf_map_update_elem(env.cfg_fd, &key, &cfg, BPF_NOEXIST) ||
	    bpf_map_update_elem(env.rx_fd, &key, &rx, BPF_NOEXIST) ||
	    bpf_map_update_elem(env.vip_fd, &vk, &key, BPF_NOEXIST))
		die("cannot set up the maps: %s", strerror(errno));
	ev_seen.n = ev_seen.bad = 0;
}

/* The counters of every key and CPU, summed: state_set() emptied the map, so these are deltas. */
static void stats_total(uint64_t tot[NSTATS])
{
	struct vrrpd_stats *percpu = calloc((size_t)env.ncpus, sizeof(*percpu));
	struct vrrpd_key key, *prev = NULL;

	if (!percpu)
		die("out of memory");
	memset(tot, 0, sizeof(uint64_t) * NSTATS);
	while (bpf_map_get_next_key(env.stats_fd, prev, &key) == 0) {
		if (bpf_map_lookup_elem(env.stats_fd, &key, percpu))
			die("cannot read vrrpd_stats: %s", strerror(errno));
		for (int cpu = 0; cpu < env.ncpus; cpu++)
			for (size_t f = 0; f < NSTATS; f++)
				tot[f] += ((__u64 *)&percpu[cpu])[f];
		prev = &key;
	}
	free(percpu);
}

/* Exactly the counters in want moved, each by n; nothing else. Copies them into the row. */
static void check_counters(struct row *r, uint32_t want, uint64_t n)
{
	uint64_t tot[NSTATS];
	bool bad = false;

	stats_total(tot);
	for (size_t f = 0; f < NSTATS; f++) {
		uint64_t exp = (want >> f) & 1 ? n : 0;

		r->counters[f] = tot[f];
		if (tot[f] != exp) {
			fprintf(stderr, "  %s/%s: counter %s = %llu, expected %llu\n", r->name,
				r->mode, stat_names[f], (unsigned long long)tot[f],
				(unsigned long long)exp);
			bad = true;
		}
	}
	if (bad)
		die("%s/%s did not take the intended path (counters above)", r->name, r->mode);
	r->events = tot[STAT_IDX(events)];
	r->events_lost = tot[STAT_IDX(events_lost)];
}

static struct vrrpd_rx rx_get(uint32_t ifindex)
{
	struct vrrpd_key key = inst_key(ifindex);
	struct vrrpd_rx rx;

	if (bpf_map_lookup_elem(env.rx_fd, &key, &rx))
		die("cannot read vrrpd_rx: %s", strerror(errno));
	return rx;
}

/* ---- one test run ---- */

struct run {
	uint32_t retval, duration, len;
	uint8_t out[BUF_LEN];
};

static int test_run(int prog_fd, const uint8_t *frame, uint32_t len, uint32_t repeat,
		    struct run *out)
{
	struct xdp_md ctx = { .data = 0, .data_end = len, .ingress_ifindex = LO_IFINDEX };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = len,
		    .data_out = out->out, .data_size_out = sizeof(out->out), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = (int)repeat);

	if (bpf_prog_test_run_opts(prog_fd, &o))
		return -errno;
	out->retval = o.retval;
	out->duration = o.duration;
	out->len = o.data_size_out;
	return 0;
}

/* ---- the cases in repeat and syscall mode ---- */

enum prog_id { P_EMPTY, P_TS, P_OURS };

enum frame_id { F_UDP64, F_ARP_OTHER, F_ARP_VIP, F_ADVERT, F_ADVERT_TTL254, F_ADVERT_BADCSUM };

struct bench_case {
	const char *name;
	enum prog_id prog;
	enum frame_id frame;
	enum inst_state st;
	uint32_t verdict;
	uint32_t counters; /* CNT() set, each must equal the number of runs; all else 0 */
	bool events; /* every run pushes an event: the ring is registered and drained */
	const char *note;
};

static const struct bench_case cases[] = {
	{ "empty", P_EMPTY, F_UDP64, ST_MASTER, XDP_PASS, 0, false,
	  "floor: build/xdp_pass.bpf.o, return XDP_PASS" },
	{ "timestamp", P_TS, F_UDP64, ST_MASTER, XDP_PASS, 0, false,
	  "bare timestamp: one bpf_ktime_get_ns() into a global, XDP_PASS" },
	{ "udp64", P_OURS, F_UDP64, ST_MASTER, XDP_PASS, 0, false,
	  "64-byte UDP/IPv4 to us: not VRRP, passes untouched, no counter" },
	{ "arp_other", P_OURS, F_ARP_OTHER, ST_MASTER, XDP_PASS, 0, false,
	  "ARP request for 192.0.2.77 (not a VIP): vrrpd_vip lookup misses, passes untouched" },
	{ "advert_fast", P_OURS, F_ADVERT, ST_BACKUP, XDP_DROP,
	  CNT(adverts_rcvd) | CNT(fast_path) | CNT(csum_rfc9568), false,
	  "valid v3 advert, Backup already following this master (same priority, interval, C3 "
	  "form): fast path, vrrpd_rx updated, its Master_Down_Timer started again (bpf_timer, "
	  "where the kernel has it), no event; then it ends there (XDP_DROP: nothing in the "
	  "kernel reads it; --pass-adverts makes it XDP_PASS)" },
	{ "advert_event", P_OURS, F_ADVERT, ST_MASTER, XDP_DROP,
	  CNT(adverts_rcvd) | CNT(events) | CNT(csum_rfc9568), true,
	  "valid v3 advert to a Master: one ring-buffer event per run" },
	{ "advert_invalid", P_OURS, F_ADVERT_TTL254, ST_BACKUP, XDP_DROP, CNT(ip_ttl_errors), false,
	  "advert for our VRID with TTL 254 (R1): dropped after the vrrpd_cfg lookup, counted" },
	{ "advert_bad_csum", P_OURS, F_ADVERT_BADCSUM, ST_BACKUP, XDP_DROP, CNT(checksum_errors),
	  false,
	  "advert for our VRID with a bad checksum (R5): copied, both checksum forms tried, "
	  "dropped, counted: the costliest invalid advert" },
	{ "arp_reply", P_OURS, F_ARP_VIP, ST_MASTER, XDP_TX, CNT(arp_replies), false,
	  "ARP request for the VIP of a Master with a fresh lease: reply built in place from the "
	  "VMAC, XDP_TX" },
};

static int prog_fd(enum prog_id p)
{
	return p == P_EMPTY ? env.empty_fd : p == P_TS ? env.ts_fd : env.ours_fd;
}

static int case_frame(const struct bench_case *c, uint8_t *f, const uint8_t *mac)
{
	switch (c->frame) {
	case F_UDP64:
		return build_udp64(f);
	case F_ARP_OTHER:
		return build_arp_request(f, mac, OTHER_TPA);
	case F_ARP_VIP:
		return build_arp_request(f, mac, VIP);
	case F_ADVERT:
		return build_advert(f, ADV_VALID);
	case F_ADVERT_TTL254:
		return build_advert(f, ADV_TTL_254);
	case F_ADVERT_BADCSUM:
		return build_advert(f, ADV_BAD_CSUM);
	}
	return -1;
}

/* The frame the program must hand back (XDP_PASS: untouched; XDP_TX: the reply); its length. */
static int case_expect(const struct bench_case *c, const uint8_t *in, int len, uint8_t *want)
{
	if (c->verdict == XDP_TX)
		return build_arp_reply(want, asker_mac);
	memcpy(want, in, (size_t)len);
	return len;
}

static void check_run(const struct bench_case *c, const char *mode, int err, const struct run *o,
		      const uint8_t *want, int len)
{
	if (err)
		die("%s/%s: BPF_PROG_TEST_RUN: %s", c->name, mode, strerror(-err));
	if (o->retval != c->verdict)
		die("%s/%s: the program returned %s, expected %s", c->name, mode,
		    verdict_name(o->retval), verdict_name(c->verdict));
	if (c->verdict == XDP_DROP)
		return;
	if (o->len != (uint32_t)len || memcmp(o->out, want, (size_t)len))
		die("%s/%s: the output frame is not the expected one%s", c->name, mode,
		    c->verdict == XDP_TX ? " (an ARP reply from the VMAC, sender IP the VIP)" :
					   " (the input, untouched)");
}

/* After the row: what the state must say besides the counters. */
static void check_after(const struct bench_case *c, struct row *r, uint64_t runs, uint64_t t0,
			uint64_t t1)
{
	struct vrrpd_rx rx;
	__u64 ts = 0;
	uint32_t zero = 0;

	if (c->prog == P_TS) {
		if (bpf_map_lookup_elem(env.ts_bss_fd, &zero, &ts))
			die("cannot read xdp_ts_last: %s", strerror(errno));
		if (ts < t0 || ts > t1)
			die("timestamp: xdp_ts_last %llu not within the run [%llu, %llu]",
			    (unsigned long long)ts, (unsigned long long)t0, (unsigned long long)t1);
	}
	if (c->prog != P_OURS)
		return;
	check_counters(r, c->counters, runs);
	r->advert = c->frame == F_ADVERT || c->frame == F_ADVERT_TTL254 ||
		    c->frame == F_ADVERT_BADCSUM;
	ring_drain();
	if (ev_seen.n != (c->events ? runs : 0) || ev_seen.bad)
		die("%s/%s: %llu events read from the ring (%llu malformed), expected %llu",
		    c->name, r->mode, (unsigned long long)ev_seen.n,
		    (unsigned long long)ev_seen.bad, (unsigned long long)(c->events ? runs : 0));
	rx = rx_get(LO_IFINDEX);
	if (c->frame == F_ADVERT) {
		bool fast = !c->events;

		if (rx.adverts != runs || rx.master_ip.v4 != MASTER_IP || rx.last_ns < t0 ||
		    rx.last_ns > t1 || (fast && rx.confirm_ns != rx.last_ns) ||
		    (!fast && rx.confirm_ns != 0))
			die("%s/%s: vrrpd_rx is not what the %s path leaves", c->name, r->mode,
			    fast ? "fast" : "event");
	} else if (rx.adverts || rx.last_ns) {
		die("%s/%s: vrrpd_rx changed", c->name, r->mode);
	}
}

/* advert_event: chunks of EV_CHUNK runs, the ring drained before each; the mean per run. */
static int run_chunked(int fd, const uint8_t *frame, int len, uint32_t repeat, struct run *o,
		       double *ns)
{
	uint64_t done = 0;
	double total = 0;
	int err;

	while (done < repeat) {
		uint32_t n = repeat - done < EV_CHUNK ? (uint32_t)(repeat - done) : EV_CHUNK;

		ring_drain();
		err = test_run(fd, frame, (uint32_t)len, n, o);
		if (err)
			return err;
		total += (double)o->duration * n;
		done += n;
	}
	*ns = total / (double)repeat;
	return 0;
}

static void bench_repeat(const struct bench_case *c)
{
	static uint8_t frame[BUF_LEN], want[BUF_LEN];
	static struct run o;
	struct row *r = row_new(c->name, "repeat");
	uint32_t repeat = (uint32_t)opt.repeat, warm = repeat < 10000 ? repeat : 10000;
	uint64_t runs = 0, t0, t1;
	int len, want_len, err, fd = prog_fd(c->prog);
	double ns;

	if (c->verdict == XDP_TX)
		die("%s: a frame rewritten in place cannot be measured with repeat", c->name);
	state_set(c->st, LO_IFINDEX);
	len = case_frame(c, frame, asker_mac);
	want_len = case_expect(c, frame, len, want);
	t0 = mono_ns();
	/* Warm-up (caches, branch predictors, the stats entry's creation): not reported. */
	err = c->events ? run_chunked(fd, frame, len, warm, &o, &ns) :
			  test_run(fd, frame, (uint32_t)len, warm, &o);
	check_run(c, r->mode, err, &o, want, want_len);
	runs += warm;
	r->warmup_runs = warm;
	for (int t = 0; t < opt.trials; t++) {
		if (c->events) {
			err = run_chunked(fd, frame, len, repeat, &o, &ns);
		} else {
			err = test_run(fd, frame, (uint32_t)len, repeat, &o);
			ns = o.duration;
		}
		check_run(c, r->mode, err, &o, want, want_len);
		runs += repeat;
		r->trials[t] = ns;
	}
	t1 = mono_ns();
	r->ntrials = (int)opt.trials;
	r->ns = median(r->trials, r->ntrials);
	r->runs_per_trial = repeat;
	r->verdict = c->verdict;
	r->stat = c->events ?
			  "kernel average per run over the trial's syscalls of up to 65536 runs "
			  "(ring drained between them)" :
			  "kernel average per run over one syscall of `repeat` runs";
	snprintf(r->note, sizeof(r->note), "%s", c->note);
	check_after(c, r, runs, t0, t1);
	if (c->events)
		snprintf(r->note + strlen(r->note), sizeof(r->note) - strlen(r->note),
			 "; ring of %u MiB drained every %u runs: %llu events, %llu lost",
			 EV_RING_BYTES >> 20, EV_CHUNK, (unsigned long long)r->events,
			 (unsigned long long)r->events_lost);
}

/*
 * calls syscalls of repeat=1, each with a fresh copy of the frame. Event rows drain the ring
 * before every drain_every-th call (1: every event lands in an empty ring).
 */
static void bench_syscall(const struct bench_case *c, const char *name, uint32_t drain_every,
			  const char *extra_note)
{
	static uint8_t frame[BUF_LEN], want[BUF_LEN];
	static struct run o;
	struct row *r = row_new(name, "syscall");
	uint32_t calls = (uint32_t)opt.calls, warm = calls < 1000 ? calls : 1000;
	uint32_t *d = calloc(calls, sizeof(*d));
	uint64_t runs = 0, t0, t1;
	int len, want_len, err, fd = prog_fd(c->prog);

	if (!d)
		die("out of memory");
	state_set(c->st, LO_IFINDEX);
	len = case_frame(c, frame, asker_mac);
	want_len = case_expect(c, frame, len, want);
	t0 = mono_ns();
	for (uint32_t i = 0; i < warm; i++) {
		if (c->events && i % drain_every == 0)
			ring_drain();
		err = test_run(fd, frame, (uint32_t)len, 1, &o);
		check_run(c, r->mode, err, &o, want, want_len);
		runs++;
	}
	r->warmup_runs = warm;
	for (int t = 0; t < opt.trials; t++) {
		double sum = 0;

		for (uint32_t i = 0; i < calls; i++) {
			if (c->events && i % drain_every == 0)
				ring_drain();
			err = test_run(fd, frame, (uint32_t)len, 1, &o);
			check_run(c, r->mode, err, &o, want, want_len);
			d[i] = o.duration;
			sum += o.duration;
			runs++;
		}
		qsort(d, calls, sizeof(*d), cmp_u32);
		r->trials[t] = calls % 2 ? d[calls / 2] : (d[calls / 2 - 1] + d[calls / 2]) / 2.0;
		r->means[t] = sum / calls;
	}
	t1 = mono_ns();
	free(d);
	r->ntrials = (int)opt.trials;
	r->ns = median(r->trials, r->ntrials);
	r->runs_per_trial = calls;
	r->verdict = c->verdict;
	r->stat = "median of the kernel durations of `calls` syscalls of repeat=1";
	snprintf(r->note, sizeof(r->note), "%s%s", c->note, extra_note);
	check_after(c, r, runs, t0, t1);
	if (c->events)
		snprintf(r->note + strlen(r->note), sizeof(r->note) - strlen(r->note),
			 "; %llu events, %llu lost", (unsigned long long)r->events,
			 (unsigned long long)r->events_lost);
}

/* ---- live frames ---- */

/* The interface's MAC, and whether it has the VIP (netlink: once, RTNL may be busy). */
static int link_info(const char *name, uint8_t mac[6], bool *has_vip)
{
	struct ifaddrs *ifa, *i;
	int found = -ENODEV;

	if (getifaddrs(&ifa))
		return -errno;
	if (has_vip)
		*has_vip = false;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || strcmp(i->ifa_name, name))
			continue;
		if (i->ifa_addr->sa_family == AF_PACKET) {
			const struct sockaddr_ll *ll = (const struct sockaddr_ll *)i->ifa_addr;

			if (mac)
				memcpy(mac, ll->sll_addr, 6);
			found = 0;
		} else if (i->ifa_addr->sa_family == AF_INET && has_vip) {
			const struct sockaddr_in *sin = (const struct sockaddr_in *)i->ifa_addr;

			if (sin->sin_addr.s_addr == VIP)
				*has_vip = true;
		}
	}
	freeifaddrs(ifa);
	return found;
}

/* The peer's received packets: /proc/net/dev is our network namespace's, and takes no RTNL. */
static uint64_t peer_rx(void)
{
	unsigned long long bytes, packets;
	size_t n = strlen(opt.live_peer);
	char line[512], *p;
	FILE *f = fopen("/proc/net/dev", "r");

	if (!f)
		die("cannot read /proc/net/dev: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		p = line + strspn(line, " ");
		if (strncmp(p, opt.live_peer, n) || p[n] != ':')
			continue;
		fclose(f);
		if (sscanf(p + n + 1, "%llu %llu", &bytes, &packets) != 2)
			die("cannot parse /proc/net/dev for %s", opt.live_peer);
		return packets;
	}
	fclose(f);
	die("%s is not in /proc/net/dev", opt.live_peer);
}

/*
 * The peer's receive runs in softirq when the test run re-enables bottom halves, so it is
 * normally done when the syscall returns; a NAPI poll over budget may finish in ksoftirqd.
 * Waits (up to 2 s) until the peer has received want packets since rx0 and stopped counting.
 */
static uint64_t peer_rx_settle(uint64_t rx0, uint64_t want)
{
	uint64_t prev = UINT64_MAX, cur = 0;

	for (int i = 0; i < 200; i++) {
		cur = peer_rx() - rx0;
		if (cur >= want && cur == prev)
			break;
		prev = cur;
		usleep(10000);
	}
	return cur;
}

static int live_run(int fd, const uint8_t *frame, int len, uint32_t ifindex, uint32_t repeat,
		    uint32_t *duration)
{
	struct xdp_md ctx = { .data = 0, .data_end = (uint32_t)len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = (uint32_t)len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = (int)repeat,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES | (uint32_t)opt.live_extra_flags,
		    .batch_size = (uint32_t)opt.batch);

	if (bpf_prog_test_run_opts(fd, &o))
		return -errno;
	*duration = o.duration;
	return 0;
}

/*
 * Names the BPF LSM programs loaded on this machine (type BPF_PROG_TYPE_LSM), up to len bytes:
 * one of them is what refuses a bpf() command with EPERM when the kernel's own code has no
 * reason to. Returns how many there are, or -errno if the programs cannot be listed.
 */
static int lsm_programs(char *buf, size_t len)
{
	uint32_t id = 0;
	size_t off = 0;
	int n = 0;

	buf[0] = 0;
	while (!bpf_prog_get_next_id(id, &id)) {
		struct bpf_prog_info info = { 0 };
		uint32_t ilen = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &ilen) && info.type == BPF_PROG_TYPE_LSM) {
			if (off < len)
				off += (size_t)snprintf(buf + off, len - off, "%s%s (id %u)",
							n ? ", " : "", info.name, id);
			n++;
		}
		close(fd);
	}
	return errno == ENOENT ? n : -errno;
}

/*
 * Why the kernel refused live frames (err: -errno of the probe), in words for the report. The
 * kernel's live-frame code (net/bpf/test_run.c, Linux 5.18 to 6.18) refuses with EINVAL (no
 * such mode, before 5.18, or flags it does not know), E2BIG (a batch over 256) or ENOMEM; it has
 * no permission check of its own, and this program already ran the same program without the
 * flag (the syscall rows). So EPERM or EACCES can only come from the bpf() security hook
 * (security_bpf): a security module refuses live frames, which can send any frame out of an
 * interface, on this machine. The active modules and any BPF LSM program are named.
 */
static void live_refusal(int err, char *why, size_t len)
{
	char lsm[128] = "", progs[200];
	struct utsname u;
	const char *kernel = uname(&u) ? "?" : u.release;
	size_t off;
	FILE *f;
	int n;

	off = (size_t)snprintf(why, len,
			       "the kernel (%s) refused BPF_PROG_TEST_RUN with flags 0x%x "
			       "(BPF_F_TEST_XDP_LIVE_FRAMES%s): %s (%s); ",
			       kernel, BPF_F_TEST_XDP_LIVE_FRAMES | (uint32_t)opt.live_extra_flags,
			       opt.live_extra_flags ? " and --live-extra-flags" : "",
			       strerror(-err), strerrorname_np(-err) ? strerrorname_np(-err) : "?");
	if (off >= len)
		return;
	switch (-err) {
	case EINVAL:
	case EOPNOTSUPP:
		snprintf(
			why + off, len - off,
			"what a kernel without live-frame mode (before Linux 5.18), or one that does "
			"not know one of these flags, answers");
		return;
	case EPERM:
	case EACCES:
		break;
	default:
		snprintf(why + off, len - off, "the same program runs without the flag");
		return;
	}
	f = fopen("/sys/kernel/security/lsm", "r");
	if (f) {
		if (!fgets(lsm, sizeof(lsm), f))
			lsm[0] = 0;
		lsm[strcspn(lsm, "\n")] = 0;
		fclose(f);
	}
	n = lsm_programs(progs, sizeof(progs));
	snprintf(why + off, len - off,
		 "the kernel's live-frame code has no permission check of its own and the same "
		 "program runs without the flag, so a policy of this kernel refused it: a security "
		 "module's bpf() hook, or a restriction built into this kernel (security modules: "
		 "%s; BPF LSM programs: %s%s)",
		 lsm[0] ? lsm : "unknown, securityfs is not mounted",
		 n < 0 ? "cannot list them: " :
		 n     ? progs :
			 "none loaded",
		 n < 0 ? strerror(-n) : "");
}

static void live_skip_rows(const char *reason)
{
	static const char *const names[] = { "empty", "arp_reply" };

	live.ok = false;
	snprintf(live.reason, sizeof(live.reason), "%s", reason);
	for (size_t i = 0; i < 2; i++) {
		struct row *r = row_new(names[i], "live");

		r->skipped = true;
		snprintf(r->skip_reason, sizeof(r->skip_reason), "%s", reason);
		r->verdict = i ? XDP_TX : XDP_PASS;
		r->stat = "";
		snprintf(r->note, sizeof(r->note), "skipped: %s", reason);
	}
}

/*
 * Live mode does not re-initialise the frame for every repetition
 * (Documentation/bpf/bpf_prog_run.rst, "live frame mode"): each syscall sets up a page pool
 * whose pages are filled with data_in when first allocated, and a page that comes back (after
 * XDP_DROP at once; after XDP_TX once the peer is done with it, through the pool's ring) is
 * handed to the program again with only data/data_end reset, its content as the last run left
 * it. For arp_reply that content is the reply, which the program passes (op 2): the wrong
 * path. So every syscall here runs exactly one batch (repeat = batch_size): within a batch
 * bottom halves stay disabled, nothing sent comes back, and every page is a fresh copy of the
 * request. Both rows run that way, so both pay the same fresh-page allocation. The reuse
 * probe (one syscall of 8 batches) shows what happens otherwise; the counters prove the path
 * either way (arp_replies == frames, peer rx == frames).
 */
static void live_measure(const char *name, int fd, bool ours, uint32_t ifindex,
			 const uint8_t *frame, int len)
{
	struct row *r = row_new(name, "live");
	uint32_t batch = (uint32_t)live.batch, calls = (uint32_t)live.calls, d, warm = 16;
	uint64_t frames = 0, rx0, rx;
	int err;

	if (ours)
		state_set(ST_MASTER, ifindex);
	for (uint32_t i = 0; i < warm; i++) {
		err = live_run(fd, frame, len, ifindex, batch, &d);
		if (err)
			die("%s/live: BPF_PROG_TEST_RUN: %s", name, strerror(-err));
		frames += batch;
	}
	r->warmup_runs = frames;
	rx0 = peer_rx();
	if (peer_rx_settle(rx0, 0) > 0) /* the warm-up's replies still arriving */
		rx0 = peer_rx();
	for (int t = 0; t < opt.trials; t++) {
		double sum = 0;

		for (uint32_t i = 0; i < calls; i++) {
			err = live_run(fd, frame, len, ifindex, batch, &d);
			if (err)
				die("%s/live: BPF_PROG_TEST_RUN: %s", name, strerror(-err));
			sum += d;
		}
		frames += (uint64_t)batch * calls;
		r->trials[t] = sum / calls;
	}
	rx = peer_rx_settle(rx0, (uint64_t)batch * calls * (uint64_t)opt.trials);
	r->ntrials = (int)opt.trials;
	r->ns = median(r->trials, r->ntrials);
	r->runs_per_trial = (uint64_t)batch * calls;
	r->stat = "mean over the trial's syscalls of the kernel's per-frame average of one batch";
	r->replies = (long long)rx;
	if (rx < r->runs_per_trial * (uint64_t)opt.trials)
		die("%s/live: the peer %s received %llu frames, expected %llu replies: %s", name,
		    opt.live_peer, (unsigned long long)rx,
		    (unsigned long long)(r->runs_per_trial * (uint64_t)opt.trials),
		    ours ? "XDP_TX did not reach it" : "the kernel did not answer every request");
	if (ours) {
		r->verdict = XDP_TX;
		check_counters(r, CNT(arp_replies), frames);
		snprintf(r->note, sizeof(r->note),
			 "our program answers with XDP_TX (redirect to %s, out to %s); %llu "
			 "replies counted by the program, %lld received by the peer",
			 opt.live_dev, opt.live_peer,
			 (unsigned long long)r->counters[STAT_IDX(arp_replies)], r->replies);
	} else {
		r->verdict = XDP_PASS;
		snprintf(r->note, sizeof(r->note),
			 "empty program: XDP_PASS, the request goes up the stack and arp_rcv() "
			 "answers (192.0.2.100 on %s); %lld replies received by the peer",
			 opt.live_dev, r->replies);
	}
}

static void live_section(void)
{
	static uint8_t frame[BUF_LEN];
	uint64_t rx0, tot[NSTATS];
	uint8_t peer_mac[6];
	uint32_t ifindex, d, probe;
	bool has_vip;
	int len, err;
	char why[sizeof(live.reason)];

	if (opt.live_skip) {
		live_skip_rows(opt.live_skip);
		return;
	}
	if (!opt.live_dev || !opt.live_peer) {
		live_skip_rows("no --live-dev/--live-peer (tools/bench/xdp_cost.sh sets them up)");
		return;
	}
	ifindex = if_nametoindex(opt.live_dev);
	if (!ifindex)
		die("--live-dev %s: %s", opt.live_dev, strerror(errno));
	if (link_info(opt.live_dev, NULL, &has_vip) || !has_vip)
		die("--live-dev %s must have 192.0.2.100/24 (the kernel answers for it)",
		    opt.live_dev);
	if (link_info(opt.live_peer, peer_mac, NULL))
		die("--live-peer %s: no such interface", opt.live_peer);
	live.batch = opt.batch ? (int)opt.batch : LIVE_DFL_BATCH;
	live.calls = (int)((opt.live_frames + live.batch - 1) / live.batch);
	/* The asker is the peer: the replies are addressed to it. */
	len = build_arp_request(frame, peer_mac, VIP);

	/*
	 * Does this kernel run live frames? One frame of the empty program. A refusal here makes
	 * the live rows "not measurable here", with the kernel's reason; a failure after a
	 * successful probe is a failure of the benchmark.
	 */
	err = live_run(env.empty_fd, frame, len, ifindex, 1, &d);
	if (err) {
		live_refusal(err, why, sizeof(why));
		live_skip_rows(why);
		return;
	}

	/* The reuse probe: 8 batches in one syscall; how many got a fresh request? */
	state_set(ST_MASTER, ifindex);
	probe = 8 * (uint32_t)live.batch;
	rx0 = peer_rx();
	err = live_run(env.ours_fd, frame, len, ifindex, probe, &d);
	if (err)
		die("live reuse probe: BPF_PROG_TEST_RUN: %s", strerror(-err));
	peer_rx_settle(rx0, 0);
	stats_total(tot);
	live.probe_frames = probe;
	live.probe_answered = (long long)tot[STAT_IDX(arp_replies)];

	live_measure("empty", env.empty_fd, false, ifindex, frame, len);
	live_measure("arp_reply", env.ours_fd, true, ifindex, frame, len);
	live.ok = true;
}

/* ---- output ---- */

static void ratios(void)
{
	for (int i = 0; i < nrows; i++) {
		struct row *r = &rows[i];

		r->ratio = -1;
		if (r->skipped)
			continue;
		for (int j = 0; j < nrows; j++)
			if (!strcmp(rows[j].name, "empty") && !strcmp(rows[j].mode, r->mode) &&
			    !rows[j].skipped && rows[j].ns > 0)
				r->ratio = r->ns / rows[j].ns;
	}
}

static void machine(char *cpu, size_t cpulen, char *kernel, size_t klen)
{
	struct utsname u;
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(cpu, cpulen, "unknown");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			char *p = strchr(line, ':');

			if (!strncmp(line, "model name", 10) && p) {
				p += strspn(p + 1, " \t") + 1;
				p[strcspn(p, "\n")] = 0;
				snprintf(cpu, cpulen, "%s", p);
				break;
			}
		}
		fclose(f);
	}
	snprintf(kernel, klen, "%s", uname(&u) ? "unknown" : u.release);
}

static void print_table(const char *cpu, const char *kernel)
{
	printf("xdp_cost: cost per packet of bpf/vrrpd.bpf.c under BPF_PROG_TEST_RUN\n");
	printf("machine: %s, %d cpus, kernel %s\n", cpu, env.ncpus, kernel);
	printf("repeat mode: %ld runs x %ld trials; syscall mode: %ld calls of repeat=1 x %ld "
	       "trials",
	       opt.repeat, opt.trials, opt.calls, opt.trials);
	if (live.ok)
		printf("; live: %d calls x %d frames x %ld trials", live.calls, live.batch,
		       opt.trials);
	printf("\nprograms %s\n",
	       env.held ?
		       "held in the XDP dispatcher (attached to --hold-devs): direct calls in "
		       "every mode" :
		       "not attached: direct calls for repeat > 1, indirect for repeat=1 (syscall "
		       "rows)");
	printf("\n%-16s %-8s %9s %8s  %-9s  %s\n", "name", "mode", "ns", "x floor", "verdict",
	       "trials (ns)");
	for (int i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];

		if (r->skipped) {
			printf("%-16s %-8s %9s %8s  %-9s  skipped: %s\n", r->name, r->mode, "-",
			       "-", verdict_name(r->verdict), r->skip_reason);
			continue;
		}
		printf("%-16s %-8s %9.1f %8.2f  %-9s ", r->name, r->mode, r->ns, r->ratio,
		       verdict_name(r->verdict));
		for (int t = 0; t < r->ntrials && t < 10; t++)
			printf(" %.1f", r->trials[t]);
		if (r->ntrials > 10)
			printf(" ...");
		printf("\n");
	}
	printf("\nnotes:\n");
	for (int i = 0; i < nrows; i++)
		printf("  %s/%s: %s\n", rows[i].name, rows[i].mode, rows[i].note);
	if (live.probe_frames >= 0)
		printf("  live reuse probe: one syscall of %lld frames (batches of %d): %lld "
		       "answered by the program, %lld saw a recycled page holding the previous "
		       "reply and passed it\n",
		       live.probe_frames, live.batch, live.probe_answered,
		       live.probe_frames - live.probe_answered);
	for (int i = 0; i < nrows; i++)
		if (!strcmp(rows[i].name, "empty") && !strcmp(rows[i].mode, "syscall"))
			for (int j = 0; j < nrows; j++)
				if (!strcmp(rows[j].name, "empty") &&
				    !strcmp(rows[j].mode, "repeat"))
					printf("  repeat=1 overhead (empty/syscall - empty/repeat): "
					       "%.1f ns\n",
					       rows[i].ns - rows[j].ns);
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void json_num(FILE *f, double v)
{
	if (v < 0)
		fputs("null", f);
	else
		fprintf(f, "%.2f", v);
}

static void write_json(const char *path, const char *cpu, const char *kernel)
{
	FILE *f = fopen(path, "w");

	if (!f)
		die("cannot write %s: %s", path, strerror(errno));
	fprintf(f, "{\n  \"benchmark\": \"xdp_cost\",\n  \"machine\": {\"cpu\": ");
	json_str(f, cpu);
	fprintf(f, ", \"kernel\": ");
	json_str(f, kernel);
	fprintf(f, ", \"ncpus\": %d},\n", env.ncpus);
	fprintf(f,
		"  \"repeat\": %ld, \"trials\": %ld, \"calls\": %ld, \"dispatcher\": %s,\n"
		"  \"rows\": [\n",
		opt.repeat, opt.trials, opt.calls, env.held ? "true" : "false");
	for (int i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];
		bool first = true;

		fprintf(f, "    {\"name\": \"%s\", \"mode\": \"%s\", \"ns\": ", r->name, r->mode);
		json_num(f, r->skipped ? -1 : r->ns);
		fprintf(f, ", \"trials_ns\": [");
		for (int t = 0; t < r->ntrials; t++)
			fprintf(f, "%s%.2f", t ? ", " : "", r->trials[t]);
		fprintf(f, "]");
		if (!strcmp(r->mode, "syscall")) {
			fprintf(f, ", \"trials_mean_ns\": [");
			for (int t = 0; t < r->ntrials; t++)
				fprintf(f, "%s%.2f", t ? ", " : "", r->means[t]);
			fprintf(f, "]");
		}
		fprintf(f, ", \"stat\": ");
		json_str(f, r->stat ? r->stat : "");
		fprintf(f,
			", \"runs_per_trial\": %llu, \"warmup_runs\": %llu, \"ratio_to_floor\": ",
			(unsigned long long)r->runs_per_trial, (unsigned long long)r->warmup_runs);
		json_num(f, r->skipped ? -1 : r->ratio);
		fprintf(f, ", \"verdict\": \"%s\", \"counters\": {", verdict_name(r->verdict));
		for (size_t k = 0; k < NSTATS; k++)
			if (r->counters[k]) {
				fprintf(f, "%s\"%s\": %llu", first ? "" : ", ", stat_names[k],
					(unsigned long long)r->counters[k]);
				first = false;
			}
		fprintf(f, "}");
		if (r->advert)
			fprintf(f, ", \"events\": %llu, \"events_lost\": %llu",
				(unsigned long long)r->events, (unsigned long long)r->events_lost);
		if (r->replies >= 0)
			fprintf(f, ", \"replies\": %lld", r->replies);
		if (r->skipped) {
			fprintf(f, ", \"skipped\": ");
			json_str(f, r->skip_reason);
		}
		fprintf(f, ", \"note\": ");
		json_str(f, r->note);
		fprintf(f, "}%s\n", i + 1 < nrows ? "," : "");
	}
	fprintf(f,
		"  ],\n  \"live\": {\"status\": \"%s\", \"reason\": ", live.ok ? "ok" : "skipped");
	json_str(f, live.reason);
	fprintf(f, ", \"dev\": ");
	json_str(f, opt.live_dev ? opt.live_dev : "");
	fprintf(f, ", \"peer\": ");
	json_str(f, opt.live_peer ? opt.live_peer : "");
	fprintf(f, ", \"batch_size\": %d, \"calls_per_trial\": %d, \"frames_per_trial\": %lld",
		live.batch, live.calls, (long long)live.batch * live.calls);
	if (live.probe_frames >= 0)
		fprintf(f, ", \"reuse_probe\": {\"frames\": %lld, \"answered\": %lld}",
			live.probe_frames, live.probe_answered);
	fprintf(f, "}\n}\n");
	if (fclose(f))
		die("cannot write %s: %s", path, strerror(errno));
}

/* ---- main ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xdp_cost [--quick] [--repeat N] [--trials N] [--calls N] [--json FILE]\n"
		"                [--live-dev DEV --live-peer PEER | --live-skip REASON]\n"
		"                [--live-frames N] [--batch N] [--hold-devs DEV,DEV,DEV]\n"
		"                [--xdp-pass OBJ] [--xdp-ts OBJ] [--live-extra-flags N]\n"
		"                [--no-down-timer]\n"
		"  --repeat N       runs per trial in repeat mode (1000000; --quick: 10000)\n"
		"  --trials N       trials per row (5; --quick: 1)\n"
		"  --calls N        syscalls per trial in syscall mode (min(repeat, 100000))\n"
		"  --live-frames N  frames per trial in live mode (min(repeat, 65536))\n"
		"  --batch N        live batch_size (kernel default 64), one batch per syscall\n"
		"  --hold-devs L    three devices to keep the programs attached to (see hold())\n"
		"  --live-extra-flags N  BPF_PROG_TEST_RUN flags added to the live runs' (a test of\n"
		"                   the refusal path: the kernel refuses flags it does not know)\n"
		"  --no-down-timer  the program as vrrpd --no-kernel-timer loads it: the fast path\n"
		"                   starts no Master_Down_Timer (its cost is the difference)\n");
}

static long num_arg(const char *name, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		die("%s: a number from %ld to %ld, not '%s'", name, min, max, s);
	return v;
}

static void parse_args(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "quick", no_argument, NULL, 'q' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "trials", required_argument, NULL, 't' },
		{ "calls", required_argument, NULL, 'c' },
		{ "json", required_argument, NULL, 'j' },
		{ "live-dev", required_argument, NULL, 'd' },
		{ "live-peer", required_argument, NULL, 'p' },
		{ "live-skip", required_argument, NULL, 's' },
		{ "live-frames", required_argument, NULL, 'f' },
		{ "batch", required_argument, NULL, 'b' },
		{ "xdp-pass", required_argument, NULL, 'P' },
		{ "xdp-ts", required_argument, NULL, 'T' },
		{ "hold-devs", required_argument, NULL, 'H' },
		{ "live-extra-flags", required_argument, NULL, 'X' },
		{ "no-down-timer", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'q':
			opt.quick = true;
			break;
		case 'N':
			opt.no_down_timer = true;
			break;
		case 'X':
			opt.live_extra_flags = num_arg("--live-extra-flags", optarg, 0, UINT32_MAX);
			break;
		case 'r':
			opt.repeat = num_arg("--repeat", optarg, 1, INT_MAX);
			break;
		case 't':
			opt.trials = num_arg("--trials", optarg, 1, MAX_TRIALS);
			break;
		case 'c':
			opt.calls = num_arg("--calls", optarg, 1, 100000000);
			break;
		case 'j':
			opt.json = optarg;
			break;
		case 'd':
			opt.live_dev = optarg;
			break;
		case 'p':
			opt.live_peer = optarg;
			break;
		case 's':
			opt.live_skip = optarg;
			break;
		case 'f':
			opt.live_frames = num_arg("--live-frames", optarg, 1, 100000000);
			break;
		case 'b':
			opt.batch = num_arg("--batch", optarg, 1, 256);
			break;
		case 'P':
			opt.pass_obj = optarg;
			break;
		case 'T':
			opt.ts_obj = optarg;
			break;
		case 'H':
			opt.hold_devs = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (optind < argc) {
		usage(stderr);
		exit(2);
	}
	if (opt.repeat < 0)
		opt.repeat = opt.quick ? 10000 : 1000000;
	if (opt.trials < 0)
		opt.trials = opt.quick ? 1 : 5;
	if (opt.calls < 0)
		opt.calls = opt.repeat < 100000 ? opt.repeat : 100000;
	if (opt.live_frames < 0)
		opt.live_frames = opt.repeat < 65536 ? opt.repeat : 65536;
}

static const struct bench_case *find_case(const char *name)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (!strcmp(cases[i].name, name))
			return &cases[i];
	die("no case %s", name);
}

int main(int argc, char **argv)
{
	char cpu[128], kernel[128];

	parse_args(argc, argv);
	setbuf(stdout, NULL);
	if (geteuid())
		die("needs root (BPF)");
	setup();
	ring_open();
	machine(cpu, sizeof(cpu), kernel, sizeof(kernel));

	/* repeat mode: every case that leaves the frame as it was. */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (cases[i].verdict != XDP_TX)
			bench_repeat(&cases[i]);
	/* syscall mode: the ARP reply, and the floor and two of ours to compare it with. */
	bench_syscall(find_case("empty"), "empty", 1, "");
	bench_syscall(find_case("udp64"), "udp64", 1, "");
	bench_syscall(find_case("advert_event"), "advert_event", EV_CHUNK,
		      "; ring drained every 65536 calls: the ring is not empty when the program "
		      "submits, so no wake-up is queued (as in repeat mode)");
	bench_syscall(
		find_case("advert_event"), "advert_wakeup", 1,
		"; ring drained before every call: every event is the first in an empty ring, "
		"so the kernel also queues the ring's wake-up (irq_work) each time, as for a "
		"daemon that keeps up");
	bench_syscall(find_case("arp_reply"), "arp_reply", 1,
		      "; the frame is restored by every syscall (data_in copied afresh)");

	live_section();
	ratios();
	print_table(cpu, kernel);
	if (opt.json)
		write_json(opt.json, cpu, kernel);
	return 0;
}
