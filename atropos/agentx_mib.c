// SPDX-License-Identifier: GPL-2.0
/*
 * The VRRPv3-MIB (RFC 6527) over the pinned maps (agentx.h): the objects served, one reading of
 * the maps, and the lookups of a request.
 *
 * What a reading does not show, the subagent works out from one reading to the next:
 * - the router-wide counters sum every key of vrrpd_stats (instances, and VRID 0 of each
 *   interface, where the drops no instance can take are counted); the XDP program's counters
 *   are per CPU, summed too. A key that goes (an instance stopped) keeps what it counted in the
 *   sum, and one made again counts from 0 on top: the sums never go back, so
 *   vrrpv3GlobalStatisticsDiscontinuityTime is 0;
 * - vrrpv3OperationsUpTime (TimeTicks: how long since the virtual router left Initialize) is
 *   exact when its last change left Initialize (startup, address owner, link up: vrrpd_cfg's
 *   since_ns is then that moment), or when a reading saw it in Initialize or FAULT and a later
 *   one out of it (since_ns then, within one reading's period); a subagent started after a
 *   later change (backup to master) cannot know it, and does not serve it for that row;
 * - vrrpv3StatisticsNewMasterReason is the reason of the change to master (vrrpd_cfg.reason)
 *   while it is master, kept after; notMaster(0) before any transition; unknown (not served)
 *   for a row that was master before the subagent started and is not now;
 * - vrrpv3StatisticsProtoErrReason is the last of ipTtlError, versionError, checksumError whose
 *   counter moved between two readings (noError until one does). vrIdError is never a row's:
 *   an advert with a VRID of no instance is counted on the interface (VRID 0), not on one;
 * - vrrpv3StatisticsRowDiscontinuityTime: 0 for the rows there at the first reading, else
 *   sysUpTime when the row came, or when its counters went back (a new vrrpd for it).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "agentx.h"
#include "mapdump.h"
#include "own.h"

/* RowStatus, TruthValue, vrrpv3OperationsStatus, InetAddressType (RFC 2579, RFC 4001) */
enum { ROW_ACTIVE = 1, ROW_NOT_IN_SERVICE = 2 };
enum { TRUTH_TRUE = 1, TRUTH_FALSE = 2 };
enum { ST_INITIALIZE = 1, ST_BACKUP = 2, ST_MASTER = 3 };
enum { INET_IPV4 = 1, INET_IPV6 = 2 };

enum vmib_table { T_SCALAR, T_OPS, T_ADDR, T_STATS };

enum vmib_id {
	O_MASTER_IP,
	O_PRIMARY_IP,
	O_VMAC,
	O_STATUS,
	O_PRIORITY,
	O_ADDR_COUNT,
	O_ADV_INTERVAL,
	O_PREEMPT,
	O_ACCEPT,
	O_UP_TIME,
	O_ROW_STATUS,
	O_ADDR_ROW_STATUS,
	O_CHECKSUM_ERRORS,
	O_VERSION_ERRORS,
	O_VRID_ERRORS,
	O_GLOBAL_DISCONTINUITY,
	O_MASTER_TRANSITIONS,
	O_NEW_MASTER_REASON,
	O_RCVD_ADVERTS,
	O_ADV_INTERVAL_ERRORS,
	O_IP_TTL_ERRORS,
	O_PROTO_ERR_REASON,
	O_RCVD_PRI_ZERO,
	O_SENT_PRI_ZERO,
	O_RCVD_INVALID_TYPE,
	O_PACKET_LENGTH_ERRORS,
	O_ROW_DISCONTINUITY,
	O_REFRESH_RATE,
};

/*
 * RFC 6527, section "Definitions" (the VRRPV3-MIB module): every object served, in OID order,
 * with its OID under vrrpv3MIB (a scalar's without its .0) and the type its SYNTAX has on the
 * wire. Read-create objects are served read-only (RFC 6527's vrrpv3ReadOnlyCompliance: vrrpd is
 * configured by its command line or -c file). Not served: the indexes (not-accessible), and
 * vrrpv3StatisticsAddressListErrors (1.2.5.1.10): vrrpd counts address lists it drops as
 * malformed (R8), not adverts whose list differs from its own, which it takes and logs (R11).
 */
static const struct vmib_obj {
	enum vmib_id id;
	enum vmib_table table;
	oid arcs[5];
	size_t narcs;
	u_char type;
} objs[] = {
	/* vrrpv3OperationsEntry, 1.1.1.1: INDEX { ifIndex, VrId, InetAddrType } */
	{ O_MASTER_IP, T_OPS, { 1, 1, 1, 1, 3 }, 5, ASN_OCTET_STR }, /* InetAddress */
	{ O_PRIMARY_IP, T_OPS, { 1, 1, 1, 1, 4 }, 5, ASN_OCTET_STR }, /* InetAddress */
	{ O_VMAC, T_OPS, { 1, 1, 1, 1, 5 }, 5, ASN_OCTET_STR }, /* MacAddress */
	{ O_STATUS, T_OPS, { 1, 1, 1, 1, 6 }, 5, ASN_INTEGER }, /* INTEGER {initialize(1), ...} */
	{ O_PRIORITY, T_OPS, { 1, 1, 1, 1, 7 }, 5, ASN_UNSIGNED }, /* Unsigned32 (0..255) */
	{ O_ADDR_COUNT, T_OPS, { 1, 1, 1, 1, 8 }, 5, ASN_INTEGER }, /* Integer32 (0..255) */
	{ O_ADV_INTERVAL, T_OPS, { 1, 1, 1, 1, 9 }, 5, ASN_INTEGER }, /* TimeInterval, cs */
	{ O_PREEMPT, T_OPS, { 1, 1, 1, 1, 10 }, 5, ASN_INTEGER }, /* TruthValue */
	{ O_ACCEPT, T_OPS, { 1, 1, 1, 1, 11 }, 5, ASN_INTEGER }, /* TruthValue */
	{ O_UP_TIME, T_OPS, { 1, 1, 1, 1, 12 }, 5, ASN_TIMETICKS }, /* TimeTicks */
	{ O_ROW_STATUS, T_OPS, { 1, 1, 1, 1, 13 }, 5, ASN_INTEGER }, /* RowStatus */
	/* vrrpv3AssociatedIpAddrEntry, 1.1.2.1: INDEX { ifIndex, VrId, InetAddrType, Address } */
	{ O_ADDR_ROW_STATUS, T_ADDR, { 1, 1, 2, 1, 2 }, 5, ASN_INTEGER }, /* RowStatus */
	/* vrrpv3Statistics, 1.2: the router's */
	{ O_CHECKSUM_ERRORS, T_SCALAR, { 1, 2, 1 }, 3, ASN_COUNTER64 },
	{ O_VERSION_ERRORS, T_SCALAR, { 1, 2, 2 }, 3, ASN_COUNTER64 },
	{ O_VRID_ERRORS, T_SCALAR, { 1, 2, 3 }, 3, ASN_COUNTER64 },
	{ O_GLOBAL_DISCONTINUITY, T_SCALAR, { 1, 2, 4 }, 3, ASN_TIMETICKS }, /* TimeStamp */
	/* vrrpv3StatisticsEntry, 1.2.5.1: AUGMENTS { vrrpv3OperationsEntry } */
	{ O_MASTER_TRANSITIONS, T_STATS, { 1, 2, 5, 1, 1 }, 5, ASN_COUNTER }, /* Counter32 */
	{ O_NEW_MASTER_REASON, T_STATS, { 1, 2, 5, 1, 2 }, 5, ASN_INTEGER },
	{ O_RCVD_ADVERTS, T_STATS, { 1, 2, 5, 1, 3 }, 5, ASN_COUNTER64 },
	{ O_ADV_INTERVAL_ERRORS, T_STATS, { 1, 2, 5, 1, 4 }, 5, ASN_COUNTER64 },
	{ O_IP_TTL_ERRORS, T_STATS, { 1, 2, 5, 1, 5 }, 5, ASN_COUNTER64 },
	{ O_PROTO_ERR_REASON, T_STATS, { 1, 2, 5, 1, 6 }, 5, ASN_INTEGER },
	{ O_RCVD_PRI_ZERO, T_STATS, { 1, 2, 5, 1, 7 }, 5, ASN_COUNTER64 },
	{ O_SENT_PRI_ZERO, T_STATS, { 1, 2, 5, 1, 8 }, 5, ASN_COUNTER64 },
	{ O_RCVD_INVALID_TYPE, T_STATS, { 1, 2, 5, 1, 9 }, 5, ASN_COUNTER64 },
	{ O_PACKET_LENGTH_ERRORS, T_STATS, { 1, 2, 5, 1, 11 }, 5, ASN_COUNTER64 },
	{ O_ROW_DISCONTINUITY, T_STATS, { 1, 2, 5, 1, 12 }, 5, ASN_TIMETICKS }, /* TimeStamp */
	{ O_REFRESH_RATE, T_STATS, { 1, 2, 5, 1, 13 }, 5, ASN_UNSIGNED }, /* Unsigned32, ms */
};
#define NOBJS (sizeof(objs) / sizeof(objs[0]))

static const oid root[] = { VMIB_ROOT };

static const struct vmib_obj *obj_by_id(enum vmib_id id)
{
	for (size_t i = 0; i < NOBJS; i++)
		if (objs[i].id == id)
			return &objs[i];
	return NULL;
}

/* ---- Indexes ---------------------------------------------------------------------------- */

static long inet_type(const struct vrrpd_key *k)
{
	return k->family == AF_INET6 ? INET_IPV6 : INET_IPV4;
}

static size_t addr_len(const struct vrrpd_key *k)
{
	return k->family == AF_INET6 ? 16 : 4;
}

/* The order of the index (ifIndex, VRID, address type): the rows' and the OIDs' order. */
static int index_cmp(const struct vrrpd_key *a, const struct vrrpd_key *b)
{
	if (a->ifindex != b->ifindex)
		return a->ifindex < b->ifindex ? -1 : 1;
	if (a->vrid != b->vrid)
		return a->vrid < b->vrid ? -1 : 1;
	return (int)inet_type(a) - (int)inet_type(b);
}

static int row_cmp(const void *a, const void *b)
{
	return index_cmp(&((const struct vmib_row *)a)->key, &((const struct vmib_row *)b)->key);
}

static int addr_cmp_idx(const void *a, const void *b)
{
	const struct vmib_addr *x = a, *y = b;
	int c = index_cmp(&x->key, &y->key);

	return c ? c : memcmp(&x->addr, &y->addr, addr_len(&x->key));
}

static int keysum_cmp(const void *a, const void *b)
{
	return memcmp(&((const struct vmib_keysum *)a)->key, &((const struct vmib_keysum *)b)->key,
		      sizeof(struct vrrpd_key));
}

/* The row of key's index (whatever its VLAN), or NULL. */
static struct vmib_row *row_find(struct vmib_row *rows, size_t n, const struct vrrpd_key *key)
{
	struct vmib_row probe = { .key = *key };

	return n ? bsearch(&probe, rows, n, sizeof(*rows), row_cmp) : NULL;
}

static size_t obj_count(const struct vmib *m, const struct vmib_obj *o)
{
	return o->table == T_SCALAR ? 1 : o->table == T_ADDR ? m->naddrs : m->nrows;
}

/* Instance i of o: its OID into out; the length. */
static size_t inst_oid(const struct vmib *m, const struct vmib_obj *o, size_t i, oid *out)
{
	const struct vrrpd_key *k;
	size_t n = 0, j;

	memcpy(out, root, sizeof(root));
	n = VMIB_ROOT_LEN;
	memcpy(out + n, o->arcs, o->narcs * sizeof(oid));
	n += o->narcs;
	if (o->table == T_SCALAR) {
		out[n++] = 0;
		return n;
	}
	k = o->table == T_ADDR ? &m->addrs[i].key : &m->rows[i].key;
	out[n++] = k->ifindex;
	out[n++] = k->vrid;
	out[n++] = (oid)inet_type(k);
	if (o->table == T_ADDR) {
		const uint8_t *b = (const uint8_t *)&m->addrs[i].addr;

		out[n++] = addr_len(k);
		for (j = 0; j < addr_len(k); j++)
			out[n++] = b[j];
	}
	return n;
}

/* ---- Values ----------------------------------------------------------------------------- */

static void set_c64(struct vmib_var *v, uint64_t x)
{
	v->v.c64.high = (u_long)(x >> 32);
	v->v.c64.low = (u_long)(x & 0xffffffffu);
	v->vlen = sizeof(v->v.c64);
}

static void set_long(struct vmib_var *v, long x)
{
	v->v.l = x;
	v->vlen = sizeof(v->v.l);
}

static void set_ulong(struct vmib_var *v, u_long x)
{
	v->v.ul = x;
	v->vlen = sizeof(v->v.ul);
}

static void set_bytes(struct vmib_var *v, const void *b, size_t n)
{
	memcpy(v->v.s, b, n);
	v->vlen = n;
}

static long row_status(const struct vmib_row *r)
{
	if (r->stale)
		return ST_INITIALIZE;
	switch (r->cfg.state) {
	case VRRPD_ST_BACKUP:
		return ST_BACKUP;
	case VRRPD_ST_MASTER:
		return ST_MASTER;
	default: /* INIT; FAULT, where vrrpd takes no part (RFC 9568's Initialize after Shutdown) */
		return ST_INITIALIZE;
	}
}

/* The operations table's objects of row r; false when not served for it. */
static bool ops_value(const struct vmib *m, const struct vmib_row *r, enum vmib_id id,
		      struct vmib_var *v)
{
	const struct vrrpd_cfg *c = &r->cfg;

	switch (id) {
	case O_MASTER_IP: /* the master followed; this router's own address when master */
		set_bytes(v, c->state == VRRPD_ST_MASTER ? &c->primary_ip : &c->master_ip,
			  addr_len(&r->key));
		return true;
	case O_PRIMARY_IP:
		set_bytes(v, &c->primary_ip, addr_len(&r->key));
		return true;
	case O_VMAC: /* the MAC answering for the VIPs: the VMAC, or the interface's with -n */
		set_bytes(v, c->vmac, 6);
		return true;
	case O_STATUS:
		set_long(v, row_status(r));
		return true;
	case O_PRIORITY: /* the effective one, the election's */
		set_ulong(v, c->priority);
		return true;
	case O_ADDR_COUNT:
		set_long(v, r->naddrs);
		return true;
	case O_ADV_INTERVAL:
		set_long(v, c->adver_int_cs);
		return true;
	case O_PREEMPT:
		set_long(v, c->flags & VRRPD_F_PREEMPT ? TRUTH_TRUE : TRUTH_FALSE);
		return true;
	case O_ACCEPT: /* vrrpd applies Accept_Mode to IPv4 too (RFC 9568 6.1) */
		set_long(v, c->flags & VRRPD_F_NO_ACCEPT ? TRUTH_FALSE : TRUTH_TRUE);
		return true;
	case O_UP_TIME:
		if (!r->up_known)
			return false;
		set_ulong(v, r->up_ns && m->read_ns > r->up_ns ?
				     (u_long)((m->read_ns - r->up_ns) / 10000000ull) :
				     0);
		return true;
	case O_ROW_STATUS:
		set_long(v, r->stale ? ROW_NOT_IN_SERVICE : ROW_ACTIVE);
		return true;
	default:
		return false;
	}
}

/* The statistics table's objects of row r; false when not served for it. */
static bool stats_value(const struct vmib_row *r, enum vmib_id id, struct vmib_var *v)
{
	const struct vrrpd_stats *s = &r->st;

	switch (id) {
	case O_MASTER_TRANSITIONS: /* Counter32: wraps as one */
		set_ulong(v, (u_long)(uint32_t)r->cfg.master_transitions);
		return true;
	case O_NEW_MASTER_REASON:
		if (r->master_reason < 0)
			return false;
		set_long(v, r->master_reason);
		return true;
	case O_RCVD_ADVERTS:
		set_c64(v, s->adverts_rcvd);
		return true;
	case O_ADV_INTERVAL_ERRORS: /* v2: dropped (R9); v3: taken, but unlike ours (R11) */
		set_c64(v, s->adver_interval_errors + s->interval_differs);
		return true;
	case O_IP_TTL_ERRORS:
		set_c64(v, s->ip_ttl_errors);
		return true;
	case O_PROTO_ERR_REASON:
		set_long(v, r->proto_err);
		return true;
	case O_RCVD_PRI_ZERO:
		set_c64(v, s->pri_zero_rcvd);
		return true;
	case O_SENT_PRI_ZERO:
		set_c64(v, r->cfg.pri_zero_sent);
		return true;
	case O_RCVD_INVALID_TYPE:
		set_c64(v, s->invalid_type);
		return true;
	case O_PACKET_LENGTH_ERRORS: /* R4: shorter than its header and addresses, or beyond */
		set_c64(v, s->length_errors);
		return true;
	case O_ROW_DISCONTINUITY:
		set_ulong(v, r->discontinuity);
		return true;
	case O_REFRESH_RATE:
		set_ulong(v, VMIB_FRESH_MS);
		return true;
	default:
		return false;
	}
}

static bool scalar_value(const struct vmib *m, enum vmib_id id, struct vmib_var *v)
{
	switch (id) {
	case O_CHECKSUM_ERRORS:
		set_c64(v, m->router[VMIB_R_CHECKSUM]);
		return true;
	case O_VERSION_ERRORS:
		set_c64(v, m->router[VMIB_R_VERSION]);
		return true;
	case O_VRID_ERRORS:
		set_c64(v, m->router[VMIB_R_VRID]);
		return true;
	case O_GLOBAL_DISCONTINUITY: /* the sums never go back (above) */
		set_ulong(v, 0);
		return true;
	default:
		return false;
	}
}

/* Instance i of o, name and value, into v; false when o is not served for that row. */
static bool inst_value(const struct vmib *m, const struct vmib_obj *o, size_t i, struct vmib_var *v)
{
	bool ok;

	switch (o->table) {
	case T_SCALAR:
		ok = scalar_value(m, o->id, v);
		break;
	case T_ADDR:
		set_long(v, m->addrs[i].stale ? ROW_NOT_IN_SERVICE : ROW_ACTIVE);
		ok = true;
		break;
	case T_OPS:
		ok = ops_value(m, &m->rows[i], o->id, v);
		break;
	default:
		ok = stats_value(&m->rows[i], o->id, v);
		break;
	}
	if (!ok)
		return false;
	v->type = o->type;
	v->len = inst_oid(m, o, i, v->name);
	return true;
}

/* ---- Lookups ---------------------------------------------------------------------------- */

/* The object whose subtree holds name, or NULL. */
static const struct vmib_obj *obj_of(const oid *name, size_t len)
{
	oid prefix[VMIB_OID_MAX];
	size_t plen;

	for (size_t i = 0; i < NOBJS; i++) {
		memcpy(prefix, root, sizeof(root));
		memcpy(prefix + VMIB_ROOT_LEN, objs[i].arcs, objs[i].narcs * sizeof(oid));
		plen = VMIB_ROOT_LEN + objs[i].narcs;
		if (len > plen && !snmp_oid_compare(prefix, plen, name, plen))
			return &objs[i];
	}
	return NULL;
}

/* The first instance of o whose OID is after name (or at it, when inclusive). */
static size_t lower_bound(const struct vmib *m, const struct vmib_obj *o, const oid *name,
			  size_t len, bool inclusive)
{
	size_t lo = 0, hi = obj_count(m, o), mid, n;
	oid buf[VMIB_OID_MAX];
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		n = inst_oid(m, o, mid, buf);
		c = snmp_oid_compare(buf, n, name, len);
		if (c > 0 || (inclusive && c == 0))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

bool vmib_get(const struct vmib *m, const oid *name, size_t len, struct vmib_var *v, int *err)
{
	const struct vmib_obj *o = obj_of(name, len);
	size_t i;

	*err = SNMP_NOSUCHOBJECT;
	if (!o)
		return false;
	*err = SNMP_NOSUCHINSTANCE;
	i = lower_bound(m, o, name, len, true);
	if (i >= obj_count(m, o) || !inst_value(m, o, i, v))
		return false;
	return !snmp_oid_compare(v->name, v->len, name, len);
}

bool vmib_next(const struct vmib *m, const oid *name, size_t len, bool inclusive,
	       struct vmib_var *v)
{
	oid prefix[VMIB_OID_MAX];
	size_t plen, i, n;

	for (size_t k = 0; k < NOBJS; k++) {
		const struct vmib_obj *o = &objs[k];

		memcpy(prefix, root, sizeof(root));
		memcpy(prefix + VMIB_ROOT_LEN, o->arcs, o->narcs * sizeof(oid));
		plen = VMIB_ROOT_LEN + o->narcs;
		/* A subtree wholly before name is passed over without a look at its instances. */
		if (snmp_oid_compare(prefix, plen, name, len < plen ? len : plen) < 0)
			continue;
		n = obj_count(m, o);
		for (i = lower_bound(m, o, name, len, inclusive); i < n; i++)
			if (inst_value(m, o, i, v))
				return true;
	}
	return false;
}

int vmib_note_vars(const struct vmib *m, const struct vmib_note *nt, struct vmib_var *v)
{
	const struct vmib_row *r = row_find(m->rows, m->nrows, &nt->key);
	const enum vmib_id ids[2] = { nt->new_master ? O_MASTER_IP : O_PROTO_ERR_REASON,
				      O_NEW_MASTER_REASON };
	int n = 0;

	if (!r)
		return 0;
	for (int k = 0; k < (nt->new_master ? 2 : 1); k++) {
		const struct vmib_obj *o = obj_by_id(ids[k]);

		if (!inst_value(m, o, (size_t)(r - m->rows), &v[n]))
			continue;
		/* The reason the note was made for, which a later one may have replaced since. */
		if (ids[k] != O_MASTER_IP)
			set_long(&v[n], nt->reason);
		n++;
	}
	return n;
}

/* ---- Reading ---------------------------------------------------------------------------- */

static void note(struct vmib *m, bool new_master, const struct vrrpd_key *key, int reason)
{
	if (m->nnotes >= VMIB_NOTES_MAX) {
		m->notes_lost++;
		return;
	}
	m->notes[m->nnotes++] =
		(struct vmib_note){ .new_master = new_master, .key = *key, .reason = reason };
}

static int master_reason(__u8 reason)
{
	switch (reason) {
	case VRRPD_R_OWNER:
	case VRRPD_R_STARTUP:
	case VRRPD_R_ADMIN_MASTER: /* atropos --master: by priority 254 */
		return VMIB_PRIORITY;
	case VRRPD_R_PREEMPT:
		return VMIB_PREEMPTED;
	default: /* Master_Down_Timer: the master went silent, resigned, or a group let us */
		return VMIB_MASTER_NO_RESPONSE;
	}
}

/* Whether vrrpd_cfg's since_ns is the moment the row left Initialize. */
static bool left_init(const struct vmib_row *r)
{
	return r->cfg.reason == VRRPD_R_STARTUP || r->cfg.reason == VRRPD_R_OWNER ||
	       r->cfg.reason == VRRPD_R_LINK_UP;
}

static void track_up(const struct vmib *m, const struct vmib_row *old, bool fresh,
		     struct vmib_row *r)
{
	r->up_known = true;
	if (r->stale || r->cfg.state == VRRPD_ST_INIT || r->cfg.state == VRRPD_ST_FAULT)
		r->up_ns = 0;
	else if (left_init(r) || (m->primed && fresh) || (old && old->up_known && !old->up_ns))
		r->up_ns = r->cfg.since_ns;
	else if (old && old->up_known)
		r->up_ns = old->up_ns;
	else
		r->up_known = false;
}

/* The protocol errors of a row that moved since the last reading: its reason, and notes. */
static void track_proto(struct vmib *m, const struct vmib_row *old, bool fresh, struct vmib_row *r)
{
	static const struct {
		size_t off;
		int reason;
	} errs[] = {
		{ offsetof(struct vrrpd_stats, ip_ttl_errors), VMIB_IP_TTL_ERROR },
		{ offsetof(struct vrrpd_stats, version_errors), VMIB_VERSION_ERROR },
		{ offsetof(struct vrrpd_stats, checksum_errors), VMIB_CHECKSUM_ERROR },
	};

	r->proto_err = old ? old->proto_err : VMIB_NO_ERROR;
	if (!m->primed)
		return;
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		uint64_t now = *(const uint64_t *)((const char *)&r->st + errs[i].off);
		uint64_t was = fresh ? 0 :
				       *(const uint64_t *)((const char *)&old->st + errs[i].off);

		if (now > was) {
			r->proto_err = errs[i].reason;
			note(m, false, &r->key, errs[i].reason);
		}
	}
}

/* Whether a counter of the row went back: a new vrrpd or instance, counting from 0. */
static bool went_back(const struct vmib_row *old, const struct vmib_row *r)
{
	const uint64_t *a = (const uint64_t *)&old->st, *b = (const uint64_t *)&r->st;

	if (r->cfg.master_transitions < old->cfg.master_transitions ||
	    r->cfg.pri_zero_sent < old->cfg.pri_zero_sent)
		return true;
	for (size_t i = 0; i < VRRPD_STATS_COUNT; i++)
		if (b[i] < a[i])
			return true;
	return false;
}

/* What a row carries over from the last reading (old, NULL for a new one), and its notes. */
static void row_track(struct vmib *m, const struct vmib_row *old, struct vmib_row *r)
{
	bool fresh = !old || old->cfg.owner_pid != r->cfg.owner_pid || went_back(old, r);
	uint64_t was = fresh ? 0 : old->cfg.master_transitions;

	if (!old)
		r->discontinuity = m->primed ? m->uptime : 0;
	else
		r->discontinuity = fresh ? m->uptime : old->discontinuity;
	track_up(m, old, fresh, r);
	if (!r->cfg.master_transitions)
		r->master_reason = VMIB_NOT_MASTER;
	else if (r->cfg.state == VRRPD_ST_MASTER)
		r->master_reason = master_reason(r->cfg.reason);
	else
		r->master_reason = old && !fresh ? old->master_reason : -1;
	if (m->primed && !r->stale && r->cfg.state == VRRPD_ST_MASTER &&
	    r->cfg.master_transitions > was)
		note(m, true, &r->key, r->master_reason);
	track_proto(m, old, fresh, r);
}

/* vrrpd_cfg into rows, in index order: one row per index (the first of two VLANs). */
static size_t read_rows(const struct maps *maps, struct vmib_row **out)
{
	struct vrrpd_key *keys;
	struct vrrpd_cfg *vals;
	struct vmib_row *rows;
	uint32_t n, i;
	size_t k = 0;

	*out = NULL;
	if (maps->cfg < 0 ||
	    map_dump(maps->cfg, sizeof(*keys), sizeof(*vals), (void **)&keys, (void **)&vals, &n) ||
	    !n)
		return 0;
	rows = calloc(n, sizeof(*rows));
	for (i = 0; rows && i < n; i++) {
		struct vmib_row *r = &rows[k];

		r->key = keys[i];
		r->cfg = vals[i];
		r->stale = maps->owners < 0 || !own_held(maps->owners, &r->key);
		maps_sum_stats(maps->stats, &r->key, &r->st);
		k++;
	}
	free(keys);
	free(vals);
	if (!rows)
		return 0;
	qsort(rows, k, sizeof(*rows), row_cmp);
	for (i = 1, n = k ? 1 : 0; i < k; i++)
		if (row_cmp(&rows[n - 1], &rows[i]))
			rows[n++] = rows[i];
	*out = rows;
	return n;
}

/* vrrpd_vip into the address table: the addresses of each row, in index order. */
static void read_addrs(struct vmib *m, const struct maps *maps)
{
	struct vrrpd_vip_key *keys;
	struct vrrpd_key *owners;
	uint32_t n, i;

	free(m->addrs);
	m->addrs = NULL;
	m->naddrs = 0;
	if (maps->vip < 0 ||
	    map_dump(maps->vip, sizeof(*keys), sizeof(*owners), (void **)&keys, (void **)&owners,
		     &n) ||
	    !n)
		return;
	m->addrs = calloc(n, sizeof(*m->addrs));
	for (i = 0; m->addrs && i < n; i++) {
		struct vmib_row *r = row_find(m->rows, m->nrows, &owners[i]);

		if (!r || memcmp(&r->key, &owners[i], sizeof(r->key)) ||
		    keys[i].family != r->key.family)
			continue;
		m->addrs[m->naddrs].key = r->key;
		memcpy(&m->addrs[m->naddrs].addr, keys[i].addr, sizeof(keys[i].addr));
		m->addrs[m->naddrs].stale = r->stale;
		m->naddrs++;
		r->naddrs++;
	}
	free(keys);
	free(owners);
	if (m->naddrs)
		qsort(m->addrs, m->naddrs, sizeof(*m->addrs), addr_cmp_idx);
}

/*
 * Every key of vrrpd_stats, for the router-wide counters: what each counted since the last
 * reading is added (all it counted, for a key new or made again).
 */
static void read_router(struct vmib *m, const struct maps *maps)
{
	struct vmib_keysum *keys = NULL, *grown, *was;
	struct vrrpd_key k, *prev = NULL;
	struct vrrpd_stats st;
	size_t n = 0, cap = 0, i, j;

	while (maps->stats >= 0 && !bpf_map_get_next_key(maps->stats, prev, &k)) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			grown = realloc(keys, cap * sizeof(*keys));
			if (!grown)
				break;
			keys = grown;
		}
		maps_sum_stats(maps->stats, &k, &st);
		keys[n] = (struct vmib_keysum){
			.key = k, .c = { st.checksum_errors, st.version_errors, st.vrid_errors }
		};
		prev = &keys[n++].key;
	}
	if (n)
		qsort(keys, n, sizeof(*keys), keysum_cmp);
	for (i = 0; i < n; i++) {
		was = m->nkeys ? bsearch(&keys[i], m->keys, m->nkeys, sizeof(*keys), keysum_cmp) :
				 NULL;
		for (j = 0; j < VMIB_R_COUNT; j++)
			m->router[j] += was && keys[i].c[j] >= was->c[j] ?
						keys[i].c[j] - was->c[j] :
						keys[i].c[j];
	}
	free(m->keys);
	m->keys = keys;
	m->nkeys = n;
}

void vmib_read(struct vmib *m, const struct maps *maps, uint64_t now_ns, u_long uptime)
{
	struct vmib_row *rows;
	size_t n, i;

	m->nnotes = 0;
	/* sysUpTime went back (snmpd restarted): every TimeStamp starts again from 0. */
	if (m->primed && uptime < m->uptime)
		for (i = 0; i < m->nrows; i++)
			m->rows[i].discontinuity = 0;
	m->uptime = uptime;
	m->read_ns = now_ns;
	n = read_rows(maps, &rows);
	for (i = 0; i < n; i++)
		row_track(m, row_find(m->rows, m->nrows, &rows[i].key), &rows[i]);
	free(m->rows);
	m->rows = rows;
	m->nrows = n;
	read_addrs(m, maps);
	read_router(m, maps);
	m->primed = true;
}

void vmib_free(struct vmib *m)
{
	free(m->rows);
	free(m->addrs);
	free(m->keys);
	memset(m, 0, sizeof(*m));
}
