// SPDX-License-Identifier: GPL-2.0
/* atropos: what the maps hold, as text, JSON or Prometheus samples (atropos.h). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "atropos.h"
#include "clock.h"
#include "fsm.h"

/* Counter names as in CONFORMANCE.md (RFC 6527) and struct vrrpd_stats, in its order. */
#define STAT(f) { #f, __builtin_offsetof(struct vrrpd_stats, f) },
static const struct {
	const char *name;
	size_t off;
} stat_fields[] = { VRRPD_STATS_FIELDS(STAT) };
_Static_assert(sizeof(stat_fields) / sizeof(stat_fields[0]) == VRRPD_STATS_COUNT,
	       "every counter has a name");

const char *show_state_name(__u8 s)
{
	return fsm_state_name((enum fsm_state)s);
}

static double ago_s(__u64 then_ns)
{
	__u64 now = clock_now_ns();

	return then_ns && now > then_ns ? (double)(now - then_ns) / 1e9 : 0.0;
}

static void mac_str(const __u8 *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static const char *const track_kinds[VRRPD_TK_MAX] = {
	[VRRPD_TK_INTERFACE] = "interface",
	[VRRPD_TK_SCRIPT] = "script",
	[VRRPD_TK_FILE] = "file",
	[VRRPD_TK_PROCESS] = "process",
};

static const char *track_kind(__u8 k)
{
	return k < VRRPD_TK_MAX && track_kinds[k] ? track_kinds[k] : "unknown";
}

void show_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < ' ')
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

/* What the instance tracks, a line each: kind, name, state since when, weight, detail. */
static void print_tracks(const struct pinned_inst *in)
{
	for (int i = 0; i < in->ntracks; i++) {
		const struct vrrpd_track *t = &in->tracks[i];

		printf("  tracked %s %s: %s for %.1fs", track_kind(t->kind), t->name, t->state,
		       ago_s(t->since_ns));
		if (t->kind == VRRPD_TK_FILE)
			printf(" (adds %+d)", t->weight);
		else if (t->fault)
			printf(" (FAULT while down)");
		else
			printf(" (weight %+d while down)", t->weight);
		printf("%s%s\n", t->detail[0] ? ": " : "", t->detail);
	}
}

static void print_text(const struct maps *m, const struct pinned_inst *in)
{
	const struct vrrpd_cfg *cfg = &in->cfg;
	char ip[INET6_ADDRSTRLEN], mip[INET6_ADDRSTRLEN], mac[18];
	struct vrrpd_stats st;
	int i;

	addr_str(in->key.family, &cfg->primary_ip, ip);
	addr_str(in->key.family, &cfg->master_ip, mip);
	printf("%s vrid %u: %s for %.1fs (%s)", in->ifname, in->key.vrid,
	       show_state_name(cfg->state), ago_s(cfg->since_ns),
	       fsm_reason_name((enum vrrpd_reason)cfg->reason));
	if (in->stale)
		printf(" [stale: vrrpd pid %u is gone]", cfg->owner_pid);
	if (maps_lease_expired(in))
		printf(" [lease expired: the kernel no longer answers ARP for the VIPs]");
	printf("\n");
	printf("  VRRPv%u%s, priority %u (configured %u), interval %u cs, preempt %s, accept %s, "
	       "pid %u\n",
	       cfg->version, in->key.family == AF_INET6 ? " IPv6" : "", cfg->priority,
	       cfg->cfg_priority, cfg->adver_int_cs, cfg->flags & VRRPD_F_PREEMPT ? "on" : "off",
	       cfg->flags & VRRPD_F_NO_ACCEPT ? "off" : "on", cfg->owner_pid);
	printf("  VIPs:");
	for (i = 0; i < in->nvips; i++) {
		addr_str(in->key.family, &in->vips[i], mip);
		printf(" %s", mip);
	}
	printf("\n");
	if (in->npeers) {
		printf("  adverts unicast to, and heard only from, the peers:");
		for (i = 0; i < in->npeers; i++) {
			inet_ntop(AF_INET, &in->peers[i], mip, sizeof(mip));
			printf(" %s", mip);
		}
		printf("\n");
	}
	if (in->group[0])
		printf("  group %s of %d (-M)\n", in->group, in->group_size);
	print_tracks(in);
	printf("  XDP: %s on %s\n", maps_xdp_mode(in->key.ifindex), in->ifname);
	mac_str(cfg->vmac, mac, sizeof(mac));
	if (cfg->flags & VRRPD_F_VMAC)
		printf("  VMAC %s\n", mac);
	else
		printf("  VMAC off (-n): %s answered with %s\n",
		       in->key.family == AF_INET6 ? "Neighbor Solicitations" : "ARP", mac);
	addr_str(in->key.family, &cfg->master_ip, mip);
	if (cfg->state == VRRPD_ST_MASTER)
		printf("  master: this router (%s), %llu adverts sent\n", ip,
		       (unsigned long long)cfg->adverts_sent);
	else if (!addr_is_zero(&cfg->master_ip))
		printf("  master: %s, priority %u, interval %u cs\n", mip, cfg->master_priority,
		       cfg->master_adver_int_cs);
	if (m->stats < 0)
		return;
	maps_sum_stats(m->stats, &in->key, &st);
	printf("  received %llu adverts (%llu fast path, %llu held back from vrrpd), dropped: "
	       "ttl %llu, version %llu, type %llu, length %llu, checksum %llu, auth %llu, "
	       "interval %llu\n",
	       (unsigned long long)st.adverts_rcvd, (unsigned long long)st.fast_path,
	       (unsigned long long)st.events_held, (unsigned long long)st.ip_ttl_errors,
	       (unsigned long long)st.version_errors, (unsigned long long)st.invalid_type,
	       (unsigned long long)st.length_errors, (unsigned long long)st.checksum_errors,
	       (unsigned long long)st.auth_errors, (unsigned long long)st.adver_interval_errors);
	if (in->key.family == AF_INET6)
		printf("  Neighbor Solicitations for the VIPs: %llu answered in XDP, %llu dropped; ",
		       (unsigned long long)st.nd_replies, (unsigned long long)st.nd_dropped);
	else
		printf("  ARP requests for the VIPs: %llu answered in XDP, %llu dropped, %llu refused "
		       "(sender not the frame's source); ",
		       (unsigned long long)st.arp_replies, (unsigned long long)st.arp_dropped,
		       (unsigned long long)st.arp_invalid);
	printf("frames to the VMAC dropped while not master: %llu\n",
	       (unsigned long long)st.vmac_dropped);
	if (cfg->flags & VRRPD_F_NO_ACCEPT)
		printf("  packets to the VIPs dropped as master (accept off): %llu\n",
		       (unsigned long long)st.accept_mode_dropped);
}

/* One instance as a JSON object (the schema is in atropos(8)). */
void show_json(const struct maps *m, const struct pinned_inst *in)
{
	const struct vrrpd_cfg *cfg = &in->cfg;
	char ip[INET6_ADDRSTRLEN], mac[18];
	struct vrrpd_stats st;
	size_t i;

	printf("{\"ifname\":\"%s\",\"ifindex\":%u,\"vlan\":%u,\"vrid\":%u,\"state\":\"%s\","
	       "\"since\":%.3f,\"reason\":\"%s\",",
	       in->ifname, in->key.ifindex, in->key.vlan, in->key.vrid, show_state_name(cfg->state),
	       ago_s(cfg->since_ns), fsm_reason_name((enum vrrpd_reason)cfg->reason));
	printf("\"priority\":%u,\"effective_priority\":%u,", cfg->cfg_priority, cfg->priority);
	if (cfg->state == VRRPD_ST_MASTER)
		addr_str(in->key.family, &cfg->primary_ip, ip);
	else if (!addr_is_zero(&cfg->master_ip))
		addr_str(in->key.family, &cfg->master_ip, ip);
	if (cfg->state == VRRPD_ST_MASTER || !addr_is_zero(&cfg->master_ip))
		printf("\"master_ip\":\"%s\",\"master_priority\":%u,", ip,
		       cfg->state == VRRPD_ST_MASTER ? cfg->priority : cfg->master_priority);
	else
		printf("\"master_ip\":null,\"master_priority\":null,");
	printf("\"adver_int_ms\":%u,\"master_adver_int_ms\":%u,\"vips\":[", cfg->adver_int_cs * 10,
	       cfg->master_adver_int_cs * 10);
	for (i = 0; i < (size_t)in->nvips; i++) {
		addr_str(in->key.family, &in->vips[i], ip);
		printf("%s\"%s\"", i ? "," : "", ip);
	}
	printf("],\"peers\":[");
	for (i = 0; i < (size_t)in->npeers; i++) {
		inet_ntop(AF_INET, &in->peers[i], ip, sizeof(ip));
		printf("%s\"%s\"", i ? "," : "", ip);
	}
	mac_str(cfg->vmac, mac, sizeof(mac));
	printf("],\"vmac\":\"%s\",\"arp_mac\":\"%s\",\"preempt\":%s,\"accept_mode\":%s,"
	       "\"family\":\"%s\",\"version\":%u,",
	       cfg->flags & VRRPD_F_VMAC ? mac : "off", mac,
	       cfg->flags & VRRPD_F_PREEMPT ? "true" : "false",
	       cfg->flags & VRRPD_F_NO_ACCEPT ? "false" : "true",
	       in->key.family == AF_INET6 ? "ipv6" : "ipv4", cfg->version);
	if (in->group[0])
		printf("\"group\":\"%s\",\"group_size\":%d,", in->group, in->group_size);
	else
		printf("\"group\":null,\"group_size\":0,");
	printf("\"tracked\":[");
	for (i = 0; i < (size_t)in->ntracks; i++) {
		const struct vrrpd_track *t = &in->tracks[i];

		printf("%s{\"kind\":\"%s\",\"name\":", i ? "," : "", track_kind(t->kind));
		show_json_string(t->name);
		printf(",\"state\":");
		show_json_string(t->state);
		printf(",\"down\":%s,\"fault\":%s,\"weight\":%d,\"since\":%.3f,\"detail\":",
		       t->down ? "true" : "false", t->fault ? "true" : "false", t->weight,
		       ago_s(t->since_ns));
		show_json_string(t->detail);
		printf("}");
	}
	printf("],");
	printf("\"xdp_mode\":\"%s\",\"pid\":%u,\"stale\":%s,\"lease_expired\":%s,"
	       "\"master_transitions\":%llu,\"adverts_sent\":%llu,\"pri_zero_sent\":%llu,"
	       "\"counters\":{",
	       maps_xdp_mode(in->key.ifindex), cfg->owner_pid, in->stale ? "true" : "false",
	       maps_lease_expired(in) ? "true" : "false",
	       (unsigned long long)cfg->master_transitions, (unsigned long long)cfg->adverts_sent,
	       (unsigned long long)cfg->pri_zero_sent);
	maps_sum_stats(m->stats, &in->key, &st);
	for (i = 0; i < sizeof(stat_fields) / sizeof(stat_fields[0]); i++)
		printf("%s\"%s\":%llu", i ? "," : "", stat_fields[i].name,
		       (unsigned long long)*(__u64 *)((char *)&st + stat_fields[i].off));
	printf("}}");
}

/* An interface name as a label value: backslash and double quote escaped (no newline fits). */
static const char *prom_label(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 3 < len; s++) {
		if (*s == '\\' || *s == '"')
			buf[o++] = '\\';
		buf[o++] = *s;
	}
	buf[o] = '\0';
	return buf;
}

/* One sample of an instance: a whole number, or seconds with a fraction when secs. */
static void prom_sample(const char *name, const struct pinned_inst *in, unsigned long long v,
			double secs, bool is_secs)
{
	char lbl[2 * IF_NAMESIZE];

	printf("%s{interface=\"%s\",vrid=\"%u\"} ", name, prom_label(in->ifname, lbl, sizeof(lbl)),
	       in->key.vrid);
	if (is_secs)
		printf("%.3f\n", secs);
	else
		printf("%llu\n", v);
}

/* The tracked objects: down (0/1), the weight, since when; labelled kind and name too. */
static void prom_tracks(const struct pinned_inst *in, int n)
{
	static const char *const names[3] = { "vrrpd_track_down", "vrrpd_track_weight",
					      "vrrpd_track_state_since_seconds" };
	static const char *const help[3] = {
		"1 while the tracked object is down (failing, missing, not a number)",
		"what it adds to the priority while down (a file: now); 0 with fault",
		"how long it has been in its state",
	};
	char lbl[2 * IF_NAMESIZE], obj[2 * sizeof(in->tracks[0].name)];

	for (int f = 0; f < 3; f++) {
		printf("# HELP %s %s\n# TYPE %s gauge\n", names[f], help[f], names[f]);
		for (int i = 0; i < n; i++)
			for (int j = 0; j < in[i].ntracks; j++) {
				const struct vrrpd_track *t = &in[i].tracks[j];

				printf("%s{interface=\"%s\",vrid=\"%u\",kind=\"%s\",name=\"%s\"} ",
				       names[f], prom_label(in[i].ifname, lbl, sizeof(lbl)),
				       in[i].key.vrid, track_kind(t->kind),
				       prom_label(t->name, obj, sizeof(obj)));
				if (f == 0)
					printf("%d\n", t->down);
				else if (f == 1)
					printf("%d\n", t->weight);
				else
					printf("%.3f\n", ago_s(t->since_ns));
			}
	}
}

int cmd_prometheus(const struct args *a, const struct maps *m)
{
	static struct pinned_inst in[MAX_INST];
	static struct vrrpd_stats st[MAX_INST];
	enum { UP, STATE, PRIO, CFG_PRIO, INTERVAL, SINCE, TRANSITIONS, SENT, ZERO_SENT, NFAM };
	static const struct {
		const char *name, *type, *help;
	} fam[NFAM] = {
		[UP] = { "vrrpd_up", "gauge",
			 "1 if the instance's vrrpd is running, 0 if it is gone" },
		[STATE] = { "vrrpd_state", "gauge", "0 init, 1 backup, 2 master, 3 fault" },
		[PRIO] = { "vrrpd_priority", "gauge", "the effective priority" },
		[CFG_PRIO] = { "vrrpd_configured_priority", "gauge",
			       "the priority it was started with" },
		[INTERVAL] = { "vrrpd_advert_interval_seconds", "gauge",
			       "the advertisement interval" },
		[SINCE] = { "vrrpd_state_since_seconds", "gauge",
			    "how long it has been in its state" },
		[TRANSITIONS] = { "vrrpd_master_transitions_total", "counter",
				  "transitions to master" },
		[SENT] = { "vrrpd_adverts_sent_total", "counter", "advertisements sent" },
		[ZERO_SENT] = { "vrrpd_priority_zero_sent_total", "counter",
				"priority 0 advertisements sent" },
	};
	int n = maps_load(a, m, in, MAX_INST), i, f;
	char name[64];

	for (i = 0; i < n; i++)
		maps_sum_stats(m->stats, &in[i].key, &st[i]);
	for (f = 0; f < NFAM; f++) {
		printf("# HELP %s %s\n# TYPE %s %s\n", fam[f].name, fam[f].help, fam[f].name,
		       fam[f].type);
		for (i = 0; i < n; i++) {
			const struct vrrpd_cfg *c = &in[i].cfg;
			const unsigned long long v[NFAM] = {
				[UP] = !in[i].stale,
				[STATE] = c->state,
				[PRIO] = c->priority,
				[CFG_PRIO] = c->cfg_priority,
				[TRANSITIONS] = c->master_transitions,
				[SENT] = c->adverts_sent,
				[ZERO_SENT] = c->pri_zero_sent,
			};

			if (f == INTERVAL)
				prom_sample(fam[f].name, &in[i], 0, c->adver_int_cs / 100.0, true);
			else if (f == SINCE)
				prom_sample(fam[f].name, &in[i], 0, ago_s(c->since_ns), true);
			else
				prom_sample(fam[f].name, &in[i], v[f], 0, false);
		}
	}
	prom_tracks(in, n);
	/* The XDP program's counters, named as in RFC 6527 and vrrpd_stats. */
	for (f = 0; f < (int)(sizeof(stat_fields) / sizeof(stat_fields[0])); f++) {
		printf("# HELP vrrpd_%s_total XDP counter %s (vrrpd_stats)\n"
		       "# TYPE vrrpd_%s_total counter\n",
		       stat_fields[f].name, stat_fields[f].name, stat_fields[f].name);
		snprintf(name, sizeof(name), "vrrpd_%s_total", stat_fields[f].name);
		for (i = 0; i < n; i++)
			prom_sample(name, &in[i], *(__u64 *)((char *)&st[i] + stat_fields[f].off),
				    0, false);
	}
	return 0;
}

int cmd_state(const struct args *a, const struct maps *m)
{
	static struct pinned_inst in[MAX_INST];
	int n = maps_load(a, m, in, MAX_INST), i;

	if (a->json) {
		printf("{\"instances\":[");
		for (i = 0; i < n; i++) {
			printf(i ? "," : "");
			show_json(m, &in[i]);
		}
		printf("]}\n");
		return 0;
	}
	for (i = 0; i < n; i++)
		print_text(m, &in[i]);
	if (!n)
		printf("no vrrpd instance%s\n", a->ifname || a->vrid ? " matches" : "");
	return 0;
}

/* Nagios-style: 0 all master, 1 some backup, 2 some fault or not running (or none). */
int cmd_check(const struct args *a, const struct maps *m)
{
	static struct pinned_inst in[MAX_INST];
	int n = maps_load(a, m, in, MAX_INST), i, worst = 0, masters = 0;
	char what[256] = "", line[400];

	for (i = 0; i < n; i++) {
		int level = 0;

		if (in[i].stale || in[i].cfg.state == VRRPD_ST_FAULT ||
		    in[i].cfg.state == VRRPD_ST_INIT)
			level = 2;
		else if (in[i].cfg.state != VRRPD_ST_MASTER)
			level = 1;
		else
			masters++;
		if (level > worst || (level == worst && level && !what[0])) {
			worst = level;
			snprintf(what, sizeof(what), "%s vrid %u is %s%s", in[i].ifname,
				 in[i].key.vrid, in[i].stale ? "not running (stale)" : "",
				 in[i].stale ? "" : show_state_name(in[i].cfg.state));
		}
	}
	if (!n) {
		worst = 2;
		snprintf(line, sizeof(line), "VRRP CRITICAL: no vrrpd instance%s",
			 a->ifname || a->vrid ? " matches" : "");
	} else if (worst == 0) {
		snprintf(line, sizeof(line), "VRRP OK: %d of %d instances master", masters, n);
	} else {
		snprintf(line, sizeof(line), "VRRP %s: %s (%d of %d master)",
			 worst == 2 ? "CRITICAL" : "WARNING", what, masters, n);
	}
	if (a->json)
		printf("{\"status\":%d,\"masters\":%d,\"instances\":%d,\"summary\":\"%s\"}\n",
		       worst, masters, n, line);
	else
		printf("%s\n", line);
	return worst;
}
