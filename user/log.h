/* SPDX-License-Identifier: GPL-2.0 */
/* Logging: syslog (facility LOCAL1, as the original) or stderr with --foreground. */
#ifndef VRRPD_LOG_H
#define VRRPD_LOG_H

#include <stdbool.h>

void log_init(const char *ident, bool to_stderr);
void log_to_syslog(void);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Information a received packet causes (a new master, a transition for an advert): limited as
 * warnings are, per instance and format, since any host on the link can send adverts.
 */
void log_info_net(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Like log_warnx, with ": strerror(errno)" appended. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Every line about one instance starts "VRRP ID 51 on eth0: " (the original's words; scripts
 * and tests grep for them): log_warnx(LOG_INST_FMT "went %s", LOG_INST_ARGS(o), what), where o
 * points to the instance's struct opts.
 */
#define LOG_INST_FMT "VRRP ID %d on %s: "
#define LOG_INST_ARGS(o) (o)->vrid, (o)->ifname

#endif /* VRRPD_LOG_H */
