// SPDX-License-Identifier: GPL-2.0
/*
 * atropos --agentx [SOCKET]: the VRRPv3-MIB (RFC 6527) of this host's vrrpd instances, served
 * to snmpd ("master agentx") as an AgentX subagent (RFC 2741) through net-snmp's agent library.
 * A process of its own, never on a daemon's path: it reads the pinned maps as every atropos
 * command does, when a request comes (a reading at most VMIB_FRESH_MS old serves it) and once a
 * second, and sends vrrpv3NewMaster and vrrpv3ProtoError when a reading finds a transition to
 * master or a protocol error counted since the last one, at most AX_NOTES_PER_S a second.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "agentx.h"
#include "clock.h"

/* The name net-snmp knows us by: its configuration file would be atropos.conf. */
#define AX_APP "atropos"
/*
 * snmpd is asked every so often whether it is there; once lost, net-snmp connects anew (every 15
 * seconds, its own period).
 */
#define AX_PING_S 5
/* A host on the LAN can make errors as fast as it likes: the notifications are bounded. */
#define AX_NOTES_PER_S 20

/*
 * Under AddressSanitizer (the builds make check's namespace tests run): net-snmp 5.9.3 loses the
 * buffer of the last message it reads from snmpd while it closes the AgentX session
 * (snmp_shutdown, agentx_close_session, snmp_synch_response_cb, netsnmp_transport_recv). Its
 * leak, not ours: LeakSanitizer is told to pass over that one, which it can name only with the
 * slow unwinder (the library has no frame pointers; the fast one stops in it).
 */
#if defined(__SANITIZE_ADDRESS__)
#define AX_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define AX_ASAN 1
#endif
#endif
#ifdef AX_ASAN
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

/* ... and says nothing of it: a file in the tests' sanitizer directory is a failure there. */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:netsnmp_transport_recv\n";
}
#endif

static volatile sig_atomic_t ax_stop;
static struct vmib ax_mib;
static const struct args *ax_args;
static struct maps *ax_maps;
static ino_t ax_cfg_ino; /* the vrrpd_cfg pin read: a new one (vrrpd made the maps again) */
static bool ax_connected;
static uint64_t ax_window_ns; /* the second the notifications are counted in */
static unsigned int ax_sent;
static size_t ax_dropped;

static void ax_on_signal(int sig)
{
	(void)sig;
	ax_stop = 1;
}

/* net-snmp's word that the session with snmpd is open (INDEX_START) or gone (INDEX_STOP). */
static int ax_on_session(int major, int minor, void *server, void *client)
{
	(void)major;
	(void)server;
	(void)client;
	ax_connected = minor == SNMPD_CALLBACK_INDEX_START;
	return SNMP_ERR_NOERROR;
}

/* The maps again when vrrpd made them anew under the pin directory (they were removed). */
static void ax_maps_check(void)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", ax_args->pin_dir, VRRPD_MAP_CFG);
	if (stat(path, &st) || st.st_ino == ax_cfg_ino)
		return;
	/* Tried once per new pin: maps of another layout are said once, not every second. */
	ax_cfg_ino = st.st_ino;
	maps_close(ax_maps);
	if (maps_open(ax_args, ax_maps))
		maps_close(ax_maps); /* none: no rows until maps this atropos reads come */
}

/* One notification: snmpTrapOID.0 and the varbinds RFC 6527 gives it. */
static void ax_send(const struct vmib_note *n)
{
	static const oid trap_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 }; /* snmpTrapOID.0 */
	/* RFC 6527, "Definitions": vrrpv3NewMaster ::= { vrrpv3Notifications 1 }, ProtoError 2 */
	static const oid new_master[] = { VMIB_ROOT, 0, 1 };
	static const oid proto_error[] = { VMIB_ROOT, 0, 2 };
	netsnmp_variable_list *vars = NULL;
	struct vmib_var v[2];
	int nv = vmib_note_vars(&ax_mib, n, v);

	if (nv < (n->new_master ? 2 : 1))
		return;
	snmp_varlist_add_variable(&vars, trap_oid, OID_LENGTH(trap_oid), ASN_OBJECT_ID,
				  n->new_master ? new_master : proto_error,
				  n->new_master ? sizeof(new_master) : sizeof(proto_error));
	for (int i = 0; i < nv; i++)
		snmp_varlist_add_variable(&vars, v[i].name, v[i].len, v[i].type, &v[i].v,
					  v[i].vlen);
	send_v2trap(vars);
	snmp_free_varbind(vars);
}

/* The notes of the last reading, within AX_NOTES_PER_S a second; what is left out is said. */
static void ax_notify(uint64_t now_ns)
{
	size_t i;

	if (now_ns - ax_window_ns >= CLOCK_NS_PER_S) {
		if (ax_dropped)
			snmp_log(
				LOG_WARNING,
				"atropos: %zu VRRPv3-MIB notifications left out (at most %d a second, none while snmpd is away)\n",
				ax_dropped, AX_NOTES_PER_S);
		ax_window_ns = now_ns;
		ax_sent = 0;
		ax_dropped = 0;
	}
	ax_dropped += ax_mib.notes_lost;
	ax_mib.notes_lost = 0;
	for (i = 0; i < ax_mib.nnotes; i++) {
		if (ax_sent >= AX_NOTES_PER_S || !ax_connected) {
			ax_dropped++;
			continue;
		}
		ax_send(&ax_mib.notes[i]);
		ax_sent++;
	}
	ax_mib.nnotes = 0;
}

/* A reading of the maps, unless the last one is fresh enough; then its notifications. */
static void ax_refresh(void)
{
	uint64_t now = clock_now_ns();

	if (ax_mib.primed && now - ax_mib.read_ns < VMIB_FRESH_MS * 1000000ull)
		return;
	ax_maps_check();
	vmib_read(&ax_mib, ax_maps, now, netsnmp_get_agent_uptime());
	ax_notify(now);
}

static void ax_on_timer(unsigned int reg, void *arg)
{
	(void)reg;
	(void)arg;
	ax_refresh();
}

/* Requests under vrrpv3Objects: GET and GETNEXT (GETBULK comes as GETNEXTs); read-only. */
static int ax_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reg,
		      netsnmp_agent_request_info *info, netsnmp_request_info *req)
{
	struct vmib_var v;
	int err;

	(void)handler;
	(void)reg;
	ax_refresh();
	for (; req; req = req->next) {
		netsnmp_variable_list *vb = req->requestvb;

		if (req->processed)
			continue;
		if (info->mode == MODE_GET) {
			if (vmib_get(&ax_mib, vb->name, vb->name_length, &v, &err))
				snmp_set_var_typed_value(vb, v.type, &v.v, v.vlen);
			else
				netsnmp_set_request_error(info, req, err);
		} else if (info->mode == MODE_GETNEXT) {
			/* Nothing after it here: left unanswered, the agent looks further on. */
			if (vmib_next(&ax_mib, vb->name, vb->name_length, req->inclusive, &v)) {
				snmp_set_var_objid(vb, v.name, v.len);
				snmp_set_var_typed_value(vb, v.type, &v.v, v.vlen);
			}
		} else {
			netsnmp_set_request_error(info, req, SNMP_ERR_NOTWRITABLE);
		}
	}
	return SNMP_ERR_NOERROR;
}

/* net-snmp as a subagent of snmpd at socket, our objects registered; 0 or -1 (said). */
static int ax_start(const char *socket)
{
	static const oid objects[] = { VMIB_ROOT, 1 }; /* vrrpv3Objects */
	static oid mib[] = { VMIB_ROOT }; /* vrrpv3MIB, for sysORTable (which takes it unconst) */
	netsnmp_handler_registration *reg;

	snmp_enable_stderrlog();
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET, socket);
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
			   AX_PING_S);
	/* Nothing of ours to keep between runs: no file in net-snmp's persistent directory. */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START, ax_on_session,
			       NULL);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP, ax_on_session,
			       NULL);
	if (init_agent(AX_APP)) {
		fprintf(stderr, "atropos: net-snmp's agent library did not start\n");
		return -1;
	}
	reg = netsnmp_create_handler_registration("vrrpv3Objects", ax_handler, objects,
						  OID_LENGTH(objects), HANDLER_CAN_RONLY);
	if (!reg || netsnmp_register_handler(reg) != MIB_REGISTERED_OK) {
		fprintf(stderr, "atropos: cannot register the VRRPv3-MIB with net-snmp\n");
		return -1;
	}
	register_sysORTable(mib, OID_LENGTH(mib), "VRRPv3-MIB (RFC 6527): vrrpd's virtual routers");
	init_snmp(AX_APP);
	if (!ax_connected) {
		fprintf(stderr,
			"atropos: cannot connect to snmpd's AgentX socket %s: is snmpd running, with "
			"'master agentx' (and agentXSocket %s) in snmpd.conf?\n",
			socket, socket);
		return -1;
	}
	return 0;
}

int cmd_agentx(const struct args *a, struct maps *m)
{
	const char *socket = a->agentx_socket ? a->agentx_socket : ATROPOS_AGENTX_DFL;
	struct sigaction sa = { .sa_handler = ax_on_signal }; /* no SA_RESTART: select returns */
	char path[512];
	struct stat st;
	int ret = 0;

	ax_args = a;
	ax_maps = m;
	snprintf(path, sizeof(path), "%s/%s", a->pin_dir, VRRPD_MAP_CFG);
	if (!stat(path, &st))
		ax_cfg_ino = st.st_ino;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (ax_start(socket)) {
		ret = 1;
	} else {
		snmp_log(LOG_INFO, "atropos: serving the VRRPv3-MIB of %s to snmpd at %s\n",
			 a->pin_dir, socket);
		ax_refresh();
		snmp_alarm_register(VMIB_POLL_S, SA_REPEAT, ax_on_timer, NULL);
		while (!ax_stop)
			agent_check_and_process(1);
	}
	snmp_shutdown(AX_APP);
	shutdown_agent();
	vmib_free(&ax_mib);
	return ret;
}
