// SPDX-License-Identifier: GPL-2.0
/*
 * What an instance tracks (--track, --track-script, --track-file, --track-process): each object
 * as last decided, its weight added to the priority or the FAULT it causes; every change is
 * logged, an event (event.h) and written to vrrpd_track for atropos.
 */
#include <stdio.h>
#include <string.h>

#include "event.h"
#include "inst_int.h"
#include "link.h"
#include "log.h"
#include "track.h"
#include "xdp.h"

_Static_assert(OPTS_MAX_TRACKS <= VRRPD_TRACK_PER_KIND &&
		       OPTS_MAX_SCRIPTS <= VRRPD_TRACK_PER_KIND &&
		       OPTS_MAX_FILES <= VRRPD_TRACK_PER_KIND &&
		       OPTS_MAX_PROCS <= VRRPD_TRACK_PER_KIND,
	       "every tracked object has its key in vrrpd_track");

/* One tracked object, as a check decided it. */
struct inst_tracked {
	enum vrrpd_track_kind kind;
	int i; /* among those of its kind */
	const char *what; /* the interface, command, path or process name */
	const char *state; /* up/down, healthy/failing, ok/bad, running/missing */
	const char *detail;
	bool down;
	bool weighted; /* else down is a FAULT */
	int weight;
};

static const char *const inst_track_kinds[VRRPD_TK_MAX] = {
	[VRRPD_TK_INTERFACE] = "interface",
	[VRRPD_TK_SCRIPT] = "script",
	[VRRPD_TK_FILE] = "file",
	[VRRPD_TK_PROCESS] = "process",
};

/*
 * t changed (an event, and its entry in vrrpd_track), or is seen for the first time since the
 * instance started (its entry only).
 */
static void inst_track_note(struct inst *in, const struct inst_tracked *t, bool changed,
			    uint64_t now_ns)
{
	char qw[2 * OPTS_PATH_MAX], qd[200], w[16] = "fault";
	struct vrrpd_track v = {
		.since_ns = now_ns,
		.weight = t->weighted ? t->weight : 0,
		.kind = (uint8_t)t->kind,
		.down = t->down,
		.fault = !t->weighted,
	};

	if (changed) {
		if (t->weighted)
			snprintf(w, sizeof(w), "%d", t->weight);
		event_emit(in->o, "track", "kind=%s object=%s state=%s weight=%s detail=%s",
			   inst_track_kinds[t->kind], event_quote(qw, sizeof(qw), t->what),
			   t->state, w, event_quote(qd, sizeof(qd), t->detail));
	}
	if (!changed && in->tracks_published)
		return;
	snprintf(v.name, sizeof(v.name), "%s", t->what);
	snprintf(v.state, sizeof(v.state), "%s", t->state);
	snprintf(v.detail, sizeof(v.detail), "%s", t->detail);
	if (in->x && xdp_track_set(in->x, &in->key, t->kind, t->i, &v))
		log_warnx(LOG_INST_FMT "cannot record tracked %s %s in %s", LOG_INST_ARGS(in->o),
			  inst_track_kinds[t->kind], t->what, VRRPD_MAP_TRACK);
}

/* --track-script: the health checks (track.c) this instance depends on, as last decided. */
static int inst_script_check(struct inst *in, uint64_t now_ns)
{
	int i, delta = 0;

	for (i = 0; in->ts && i < in->o->nscripts; i++) {
		const struct opts_script *sc = &in->o->scripts[i];
		const struct track_check *t = track_get(in->ts, in->track_idx[i]);
		bool down = !track_healthy(in->ts, in->track_idx[i]);
		struct inst_tracked tr = { VRRPD_TK_SCRIPT,  i,
					   sc->cmd,	     down ? "failing" : "healthy",
					   t ? t->last : "", down,
					   sc->weighted,     sc->weight };

		if (down && !in->script_down[i] && sc->weighted)
			log_warnx(LOG_INST_FMT "tracked script '%s' is failing (%s): priority %+d",
				  LOG_INST_ARGS(in->o), sc->cmd, tr.detail, sc->weight);
		else if (down && !in->script_down[i])
			log_warnx(LOG_INST_FMT "tracked script '%s' is failing (%s): FAULT",
				  LOG_INST_ARGS(in->o), sc->cmd, tr.detail);
		else if (!down && in->script_down[i])
			log_info(LOG_INST_FMT "tracked script '%s' is healthy again",
				 LOG_INST_ARGS(in->o), sc->cmd);
		inst_track_note(in, &tr, down != in->script_down[i], now_ns);
		in->script_down[i] = down;
		if (down && !sc->weighted && !in->track_fault[0])
			snprintf(in->track_fault, sizeof(in->track_fault),
				 "tracked script '%.200s' failing", sc->cmd);
		if (down && sc->weighted)
			delta += sc->weight;
	}
	return delta;
}

/* --track-process: too few of a name run, a weight or a FAULT. */
static int inst_proc_check(struct inst *in, uint64_t now_ns)
{
	int i, delta = 0;

	for (i = 0; in->ts && in->proc_idx && i < in->o->nprocs; i++) {
		const struct opts_proc *op = &in->o->procs[i];
		const struct track_proc *p = track_proc_get(in->ts, in->proc_idx[i]);
		bool down = !p || p->n < op->min;
		char detail[48];
		struct inst_tracked tr = { VRRPD_TK_PROCESS, i,
					   op->name,	     down ? "missing" : "running",
					   detail,	     down,
					   op->weighted,     op->weight };

		snprintf(detail, sizeof(detail), "%d running, %d needed", p ? p->n : 0, op->min);
		if (down && !in->proc_down[i] && op->weighted)
			log_warnx(LOG_INST_FMT "tracked process %s: %s: priority %+d",
				  LOG_INST_ARGS(in->o), op->name, detail, op->weight);
		else if (down && !in->proc_down[i])
			log_warnx(LOG_INST_FMT "tracked process %s: %s: FAULT",
				  LOG_INST_ARGS(in->o), op->name, detail);
		else if (!down && in->proc_down[i])
			log_info(LOG_INST_FMT "tracked process %s: %s: healthy again",
				 LOG_INST_ARGS(in->o), op->name, detail);
		inst_track_note(in, &tr, down != in->proc_down[i], now_ns);
		in->proc_down[i] = down;
		if (down && !op->weighted && !in->track_fault[0])
			snprintf(in->track_fault, sizeof(in->track_fault), "tracked process %s: %s",
				 op->name, detail);
		if (down && op->weighted)
			delta += op->weight;
	}
	return delta;
}

/* --track-file: the numbers (times their weights) this instance adds, or a FAULT. */
static int inst_file_check(struct inst *in, uint64_t now_ns)
{
	int i, delta = 0;

	for (i = 0; in->ts && in->file_idx && i < in->o->nfiles; i++) {
		const struct opts_file *of = &in->o->files[i];
		const struct track_file *f = track_file_get(in->ts, in->file_idx[i]);
		bool bad = f && !f->ok;
		int add = f && f->ok ? f->value * of->weight : 0;
		bool changed = bad != in->file_bad[i] || (!bad && add != in->file_delta[i]);
		struct inst_tracked tr = { VRRPD_TK_FILE,    i,	  of->path, bad ? "bad" : "ok",
					   f ? f->last : "", bad, !bad,	    add };

		if (bad && !in->file_bad[i])
			log_warnx(LOG_INST_FMT "tracked file %s is %s: FAULT", LOG_INST_ARGS(in->o),
				  of->path, f->last);
		else if (changed)
			log_info(LOG_INST_FMT "tracked file %s %s: priority %+d",
				 LOG_INST_ARGS(in->o), of->path, tr.detail, add);
		inst_track_note(in, &tr, changed, now_ns);
		in->file_bad[i] = bad;
		in->file_delta[i] = add;
		if (bad && !in->track_fault[0])
			snprintf(in->track_fault, sizeof(in->track_fault),
				 "tracked file %.150s %.95s", of->path, f->last);
		delta += add;
	}
	return delta;
}

void inst_track_check(struct inst *in, uint64_t now_ns)
{
	struct net_link_info li;
	int i, delta = 0;

	in->track_fault[0] = '\0';
	for (i = 0; i < in->o->ntracks; i++) {
		const struct opts_track *t = &in->o->tracks[i];
		bool down = link_get(in->nl, t->ifname, now_ns, &li) || !li.up || !li.carrier;
		struct inst_tracked tr = {
			VRRPD_TK_INTERFACE, i,	      t->ifname, down ? "down" : "up", "", down,
			t->weight,	    t->weight
		};

		if (down && !in->track_down[i])
			log_warnx(LOG_INST_FMT "tracked interface %s is down%s",
				  LOG_INST_ARGS(in->o), t->ifname, t->weight ? "" : ": FAULT");
		else if (!down && in->track_down[i])
			log_info(LOG_INST_FMT "tracked interface %s is up", LOG_INST_ARGS(in->o),
				 t->ifname);
		inst_track_note(in, &tr, down != in->track_down[i], now_ns);
		in->track_down[i] = down;
		if (down && !t->weight && !in->track_fault[0])
			snprintf(in->track_fault, sizeof(in->track_fault),
				 "tracked interface %s down", t->ifname);
		if (down)
			delta += t->weight;
	}
	delta += inst_script_check(in, now_ns) + inst_file_check(in, now_ns) +
		 inst_proc_check(in, now_ns);
	in->tracks_published = true;
	if (delta != in->track_delta) {
		in->track_delta = delta;
		inst_apply_prio(in, now_ns);
	}
}
