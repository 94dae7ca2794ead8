// SPDX-License-Identifier: GPL-2.0
/* Logging to stderr (foreground, start-up errors) or syslog LOCAL1 (daemon). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

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

static void log_vmsg(int prio, const char *fmt, va_list ap, const char *suffix)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_stderr) {
		struct timespec ts;
		char when[32];
		struct tm tm;

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld %s[%d]: %s%s%s\n", when, ts.tv_nsec / 1000000, log_ident,
			(int)getpid(), msg, suffix ? ": " : "", suffix ? suffix : "");
		fflush(stderr);
	} else {
		syslog(prio, "%s%s%s", msg, suffix ? ": " : "", suffix ? suffix : "");
	}
}

#define LOG_FN(name, prio)                     \
	void name(const char *fmt, ...)        \
	{                                      \
		va_list ap;                    \
		va_start(ap, fmt);             \
		log_vmsg(prio, fmt, ap, NULL); \
		va_end(ap);                    \
	}

LOG_FN(log_info, LOG_INFO)
LOG_FN(log_warnx, LOG_WARNING)

void log_warn(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_WARNING, fmt, ap, strerror(saved));
	va_end(ap);
}
