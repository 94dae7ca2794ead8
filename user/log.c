// SPDX-License-Identifier: GPL-2.0
/* Logging to stderr (foreground, start-up errors) or syslog LOCAL1 (daemon). */
#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"

static bool log_stderr = true;
static const char *log_ident = "vrrpd";

void log_init(const char *ident, bool to_stderr)
{
	log_ident = ident;
	log_stderr = to_stderr;
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_LOCAL1);
}

void log_to_syslog(void)
{
	if (log_stderr) {
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_LOCAL1);
		log_stderr = false;
	}
}

/*
 * Warnings are limited per reason: the same format for the same instance (the message's first
 * words, "VRRP ID 51 on eth0:") at most LOG_RATE_BURST times per LOG_RATE_WINDOW_S seconds; the
 * next one after a quiet spell says how many were left out. A failure that repeats every
 * advertisement interval (a send refused 100 times a second) cannot flood the log, and an
 * instance in trouble does not hide another's. So is information a packet causes (log_info_net):
 * adverts spoofed from the master's address with priorities that alternate would otherwise write
 * "master is ..." once per packet. The rest (operators' requests, links, start and stop) is not.
 */
#define LOG_RATE_BURST 5
#define LOG_RATE_WINDOW_S 10
#define LOG_RATE_SLOTS 64

static struct log_rate {
	uint64_t key;
	time_t window; /* start of the current window, CLOCK_MONOTONIC seconds */
	int count; /* logged in this window */
	int suppressed; /* left out since the last one logged */
} log_rates[LOG_RATE_SLOTS];

static uint64_t log_rate_key(const char *fmt, const char *msg)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)(uintptr_t)fmt;
	const char *end = strchr(msg, ':');
	size_t n = end ? (size_t)(end - msg) : strlen(msg);

	for (size_t i = 0; i < n && i < 64; i++)
		h = (h ^ (unsigned char)msg[i]) * 1099511628211ull;
	return h;
}

/* Whether to log; *suppressed gets how many were left out before this one. */
static bool log_rate_ok(const char *fmt, const char *msg, int *suppressed)
{
	uint64_t key = log_rate_key(fmt, msg);
	struct log_rate *r = NULL, *oldest = &log_rates[0];
	time_t now_s = (time_t)(clock_now_ns() / CLOCK_NS_PER_S);
	int i;

	for (i = 0; i < LOG_RATE_SLOTS; i++) {
		if (log_rates[i].key == key) {
			r = &log_rates[i];
			break;
		}
		if (log_rates[i].window < oldest->window)
			oldest = &log_rates[i];
	}
	if (!r) {
		r = oldest;
		memset(r, 0, sizeof(*r));
		r->key = key;
		r->window = now_s;
	}
	if (now_s - r->window >= LOG_RATE_WINDOW_S) {
		r->window = now_s;
		r->count = 0;
	}
	*suppressed = 0;
	if (r->count >= LOG_RATE_BURST) {
		r->suppressed++;
		return false;
	}
	r->count++;
	*suppressed = r->suppressed;
	r->suppressed = 0;
	return true;
}

__attribute__((format(printf, 2, 0))) static void log_vmsg(int prio, const char *fmt, va_list ap,
							   const char *suffix, bool limited)
{
	char msg[1024], left[80] = "";
	int suppressed;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (limited) {
		if (!log_rate_ok(fmt, msg, &suppressed))
			return;
		if (suppressed)
			snprintf(left, sizeof(left), " (and %d more like it not logged)",
				 suppressed);
	}
	if (log_stderr) {
		struct timespec ts;
		char when[32];
		struct tm tm;

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld %s[%d]: %s%s%s%s\n", when, ts.tv_nsec / 1000000,
			log_ident, (int)getpid(), msg, suffix ? ": " : "", suffix ? suffix : "",
			left);
		fflush(stderr);
	} else {
		syslog(prio, "%s%s%s%s", msg, suffix ? ": " : "", suffix ? suffix : "", left);
	}
}

#define LOG_FN(name, prio, limited)                     \
	void name(const char *fmt, ...)                 \
	{                                               \
		va_list ap;                             \
		va_start(ap, fmt);                      \
		log_vmsg(prio, fmt, ap, NULL, limited); \
		va_end(ap);                             \
	}

LOG_FN(log_info, LOG_INFO, false)
LOG_FN(log_info_net, LOG_INFO, true)
LOG_FN(log_warnx, LOG_WARNING, true)

void log_warn(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_WARNING, fmt, ap, strerror(saved), true);
	va_end(ap);
}
