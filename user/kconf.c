// SPDX-License-Identifier: GPL-2.0
/*
 * keepalived.conf into vrrpd's configuration file (kconf.h). keepalived's grammar: words,
 * "quoted strings", blocks in { }, comments from '#' or '!', one statement a line, and
 * "include GLOB" anywhere a statement may be.
 */
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kconf.h"

#define KC_MAX_FILES 64
#define KC_MAX_DEPTH 8
#define KC_MAX_BYTES (1 << 20)
#define KC_MAX_TOKS 262144
#define KC_MAX_DEFS 256 /* vrrp_script, vrrp_track_process, vrrp_track_file, sync groups */

struct kc_tok {
	char *s;
	int line, file;
	bool quoted;
};

/* A statement: its keyword, its arguments (the rest of its line), its block if it has one. */
struct kc_stmt {
	int kw, nargs; /* tokens kw + 1 .. kw + nargs */
	int open, close; /* its block's '{' and '}', -1: none */
	int next; /* the token after it */
};

struct kc {
	struct kconf *k;
	struct kc_tok *t;
	int nt, cap;
	int *match; /* '{' <-> '}' */
	char *out;
	size_t len, outcap;
	char *notes;
	size_t nlen, ncap;
	int def[KC_MAX_DEFS]; /* keyword tokens of the named definitions */
	int ndef;
	char *err;
	size_t errlen;
	int version; /* global_defs vrrp_version, 0: keepalived's default (2) */
};

/* A message quotes the file: its control characters become '?', so that it stays one line. */
static void kc_one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			*s = '?';
}

/* An error at a file's line (file < 0: none), "FILE:LINE: what"; -EINVAL. */
__attribute__((format(printf, 4, 0))) static int kc_verr(struct kc *c, int file, int line,
							 const char *fmt, va_list ap)
{
	int n = 0;

	if (file >= 0)
		n = snprintf(c->err, c->errlen, "%s:%d: ", c->k->files[file], line);
	if (n < 0 || (size_t)n >= c->errlen)
		return -EINVAL;
	vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	kc_one_line(c->err);
	return -EINVAL;
}

__attribute__((format(printf, 4, 5))) static int kc_err_at(struct kc *c, int file, int line,
							   const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = kc_verr(c, file, line, fmt, ap);
	va_end(ap);
	return ret;
}

/* An error at token tok's line (-1: none). */
__attribute__((format(printf, 3, 4))) static int kc_err(struct kc *c, int tok, const char *fmt, ...)
{
	bool at = tok >= 0 && tok < c->nt;
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = kc_verr(c, at ? c->t[tok].file : -1, at ? c->t[tok].line : 0, fmt, ap);
	va_end(ap);
	return ret;
}

static int kc_grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * size);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

static int kc_tok_add(struct kc *c, const char *s, size_t len, int line, int file, bool quoted)
{
	size_t cap = (size_t)c->cap;

	if (c->nt >= KC_MAX_TOKS)
		return -E2BIG;
	if (kc_grow((void **)&c->t, &cap, (size_t)c->nt + 1, sizeof(*c->t)))
		return -ENOMEM;
	c->cap = (int)cap;
	c->t[c->nt] = (struct kc_tok){ strndup(s, len), line, file, quoted };
	if (!c->t[c->nt].s)
		return -ENOMEM;
	c->nt++;
	return 0;
}

/* A file's text, NUL-terminated: 1 MiB at most, no NUL byte in it. */
static int kc_read_file(const char *path, char **text)
{
	FILE *f = fopen(path, "re");
	size_t n = 0, cap = 0;
	int ret = 0;

	*text = NULL;
	if (!f)
		return -errno;
	for (;;) {
		size_t want, got;

		if (kc_grow((void **)text, &cap, n + 4097, 1)) {
			ret = -ENOMEM;
			break;
		}
		want = cap - n - 1;
		got = fread(*text + n, 1, want, f);
		n += got;
		if (n > KC_MAX_BYTES) {
			ret = -EFBIG;
			break;
		}
		if (got < want) {
			ret = ferror(f) ? -EIO : 0;
			break;
		}
	}
	fclose(f);
	if (!ret && memchr(*text, '\0', n))
		ret = -EINVAL;
	if (ret) {
		free(*text);
		*text = NULL;
		return ret;
	}
	(*text)[n] = '\0';
	return 0;
}

static int kc_file(struct kc *c, const char *path, int depth, int from, int from_line);

/* "include GLOB" at file's line (relative to its directory): each file, in order. */
static int kc_include(struct kc *c, const char *pattern, int depth, int file, int line)
{
	const char *name = c->k->files[file], *slash = strrchr(name, '/');
	char full[4096];
	glob_t g;
	int ret = 0, n;

	if (pattern[0] == '/' || !slash)
		n = snprintf(full, sizeof(full), "%s", pattern);
	else
		n = snprintf(full, sizeof(full), "%.*s/%s", (int)(slash - name), name, pattern);
	if (n < 0 || (size_t)n >= sizeof(full))
		return kc_err_at(c, file, line, "include: the path is too long");
	if (glob(full, 0, NULL, &g)) {
		globfree(&g);
		return kc_err_at(c, file, line, "include %s: no such file", pattern);
	}
	for (size_t i = 0; !ret && i < g.gl_pathc; i++)
		ret = kc_file(c, g.gl_pathv[i], depth + 1, file, line);
	globfree(&g);
	return ret;
}

/* The tokens of one line; "include" is done at once. */
static int kc_line(struct kc *c, char *p, int line, int file, int depth)
{
	int first = c->nt, ret;

	while (*p) {
		char *s;

		if (*p == ' ' || *p == '\t' || *p == '\r') {
			p++;
			continue;
		}
		if (*p == '#' || *p == '!')
			break;
		if (*p == '{' || *p == '}') {
			ret = kc_tok_add(c, p++, 1, line, file, false);
		} else if (*p == '"') {
			s = strchr(p + 1, '"');
			if (!s)
				return kc_err_at(c, file, line, "a quote without its end");
			ret = kc_tok_add(c, p + 1, (size_t)(s - p - 1), line, file, true);
			p = s + 1;
		} else {
			s = p + strcspn(p, " \t\r{}\"");
			ret = kc_tok_add(c, p, (size_t)(s - p), line, file, false);
			p = s;
		}
		if (ret)
			return ret == -E2BIG ? kc_err_at(c, file, line, "too many words") : ret;
	}
	if (c->nt > first && !c->t[first].quoted && !strcmp(c->t[first].s, "include")) {
		char pattern[4096];

		if (c->nt != first + 2)
			return kc_err(c, first, "include takes one file name (a glob)");
		snprintf(pattern, sizeof(pattern), "%s", c->t[first + 1].s);
		while (c->nt > first)
			free(c->t[--c->nt].s);
		return kc_include(c, pattern, depth, file, line);
	}
	return 0;
}

/* A file: its lines' tokens (from, from_line: the include that named it; -1: none). */
static int kc_file(struct kc *c, const char *path, int depth, int from, int from_line)
{
	struct kconf *k = c->k;
	char *text = NULL, *p, *nl;
	int line = 1, file, ret;

	if (depth > KC_MAX_DEPTH || k->nfiles >= KC_MAX_FILES)
		return kc_err_at(c, from, from_line,
				 "includes nested deeper than %d or more than %d files",
				 KC_MAX_DEPTH, KC_MAX_FILES);
	ret = kc_read_file(path, &text);
	if (ret)
		return kc_err_at(c, from, from_line, "cannot read %s: %s", path,
				 ret == -EINVAL ? "not a text file (a NUL byte)" :
				 ret == -EFBIG	? "larger than 1 MiB" :
						  strerror(-ret));
	file = k->nfiles;
	k->files[k->nfiles] = strdup(path);
	if (!k->files[k->nfiles++]) {
		free(text);
		return -ENOMEM;
	}
	for (p = text; !ret && p; p = nl ? nl + 1 : NULL, line++) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		ret = kc_line(c, p, line, file, depth);
	}
	free(text);
	return ret;
}

/* Matches the braces; a '{' must follow a keyword. */
static int kc_braces(struct kc *c)
{
	int *stack = calloc((size_t)c->nt + 1, sizeof(int)), top = 0, ret = 0;

	c->match = calloc((size_t)c->nt + 1, sizeof(int));
	if (!stack || !c->match) {
		free(stack);
		return -ENOMEM;
	}
	for (int i = 0; !ret && i < c->nt; i++) {
		c->match[i] = -1;
		if (c->t[i].quoted)
			continue;
		if (!strcmp(c->t[i].s, "{")) {
			stack[top++] = i;
		} else if (!strcmp(c->t[i].s, "}")) {
			if (!top) {
				ret = kc_err(c, i, "'}' without its '{'");
				break;
			}
			c->match[i] = stack[--top];
			c->match[stack[top]] = i;
		}
	}
	if (!ret && top)
		ret = kc_err(c, stack[top - 1], "'{' without its '}'");
	free(stack);
	return ret;
}

static bool kc_is(const struct kc *c, int i, const char *s)
{
	return i >= 0 && i < c->nt && !c->t[i].quoted && !strcmp(c->t[i].s, s);
}

/* The statement at token i (a keyword): its arguments on its line, then its block if any. */
static int kc_stmt(struct kc *c, int i, struct kc_stmt *st)
{
	int j = i + 1;

	if (kc_is(c, i, "{"))
		return kc_err(c, i, "'{' without a keyword before it");
	st->kw = i;
	while (j < c->nt && c->t[j].line == c->t[i].line && c->t[j].file == c->t[i].file &&
	       !kc_is(c, j, "{") && !kc_is(c, j, "}"))
		j++;
	st->nargs = j - i - 1;
	st->open = st->close = -1;
	if (kc_is(c, j, "{")) {
		st->open = j;
		st->close = c->match[j];
		j = st->close + 1;
	}
	st->next = j;
	return 0;
}

static const char *kc_arg(const struct kc *c, const struct kc_stmt *st, int n)
{
	return n < st->nargs ? c->t[st->kw + 1 + n].s : "";
}

static const char *kc_kw(const struct kc *c, const struct kc_stmt *st)
{
	return c->t[st->kw].s;
}

/* Iterates the statements of the block [open, close]: *i starts at open + 1. */
static int kc_next(struct kc *c, int *i, int close, struct kc_stmt *st)
{
	if (*i >= close)
		return 0;
	if (kc_stmt(c, *i, st))
		return -1;
	*i = st->next;
	return 1;
}

__attribute__((format(printf, 3, 4))) static void kc_note(struct kc *c, int tok, const char *fmt,
							  ...)
{
	char buf[512];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "%s:%d: ", c->k->files[c->t[tok].file], c->t[tok].line);
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	kc_one_line(buf);
	n = (int)strlen(buf);
	if (kc_grow((void **)&c->notes, &c->ncap, c->nlen + (size_t)n + 2, 1))
		return;
	memcpy(c->notes + c->nlen, buf, (size_t)n);
	c->nlen += (size_t)n;
	c->notes[c->nlen++] = '\n';
	c->notes[c->nlen] = '\0';
}

/* One line of the translation, from the statement at tok (-1: none). */
__attribute__((format(printf, 3, 4))) static int kc_out(struct kc *c, int tok, const char *fmt, ...)
{
	struct kconf *k = c->k;
	size_t lcap = (size_t)k->nlines, fcap = (size_t)k->nlines;
	char buf[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return kc_err(c, tok, "a statement too long to translate");
	if (kc_grow((void **)&c->out, &c->outcap, c->len + (size_t)n + 2, 1) ||
	    kc_grow((void **)&k->src_line, &lcap, (size_t)k->nlines + 1, sizeof(int)) ||
	    kc_grow((void **)&k->src_file, &fcap, (size_t)k->nlines + 1, sizeof(char *)))
		return -ENOMEM;
	memcpy(c->out + c->len, buf, (size_t)n);
	c->len += (size_t)n;
	c->out[c->len++] = '\n';
	c->out[c->len] = '\0';
	k->src_line[k->nlines] = tok >= 0 ? c->t[tok].line : 0;
	k->src_file[k->nlines] = tok >= 0 ? k->files[c->t[tok].file] : NULL;
	k->nlines++;
	return 0;
}

/* s as one word of vrrpd's file: quoted when it has blanks; refused when it cannot be. */
static int kc_word(struct kc *c, int tok, const char *s, char *buf, size_t len)
{
	if (!s[0] || strpbrk(s, " \t#{}'\"")) {
		if (strchr(s, '\'') && strchr(s, '"'))
			return kc_err(c, tok, "'%s': both kinds of quote in one value", s);
		snprintf(buf, len, strchr(s, '\'') ? "\"%s\"" : "'%s'", s);
	} else {
		snprintf(buf, len, "%s", s);
	}
	return 0;
}

/* A named definition (vrrp_script NAME { }...) of kind, or -1. */
static int kc_def(const struct kc *c, const char *kind, const char *name)
{
	for (int i = 0; i < c->ndef; i++)
		if (!strcmp(c->t[c->def[i]].s, kind) && c->def[i] + 1 < c->nt &&
		    !strcmp(c->t[c->def[i] + 1].s, name))
			return c->def[i];
	return -1;
}

/* What keepalived's weight W means, as vrrpd's: added while down (W < 0), or FAULT (0). */
struct kc_weight {
	int w; /* keepalived's */
	bool set;
};

static int kc_weight(struct kc *c, int tok, const char *s, struct kc_weight *w)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!s[0] || *end || v < -254 || v > 254)
		return kc_err(c, tok, "weight '%s': must be -254..254", s);
	w->w = (int)v;
	w->set = true;
	return 0;
}

/*
 * keepalived adds a positive weight while the object is up, vrrpd while it is down: the
 * priority gets W (*up_bonus) and the object -W. buf gets vrrpd's suffix, ":-W", or none for
 * keepalived's 0 (FAULT, as vrrpd's no weight).
 */
static void kc_suffix(const struct kc_weight *w, int *up_bonus, char *buf, size_t len)
{
	if (!w->set || !w->w) {
		buf[0] = '\0';
		return;
	}
	if (w->w > 0)
		*up_bonus += w->w;
	snprintf(buf, len, ":-%d", w->w > 0 ? w->w : -w->w);
}

/*
 * A command of keepalived's as one vrrpd word (sfx after it: a --track-script's weight). vrrpd
 * runs it without a shell: one that needs a shell gets one, and with args the words --notify
 * adds after the command reach it ($@).
 */
static int kc_cmd(struct kc *c, int tok, const char *cmd, const char *sfx, bool args, char *word,
		  size_t len)
{
	static const char meta[] = "<>|&;$`*?(){}[]~\\";
	char cmdw[1100];

	if (strpbrk(cmd, meta) && strchr(cmd, '\'') && strchr(cmd, '"'))
		return kc_err(c, tok, "script %s: a shell command with both kinds of quote", cmd);
	if (strpbrk(cmd, meta))
		snprintf(cmdw, sizeof(cmdw),
			 strchr(cmd, '\'') ? "/bin/sh -c \"%s%s\"%s%s" : "/bin/sh -c '%s%s'%s%s",
			 cmd, args ? " $@" : "", args ? " sh" : "", sfx);
	else
		snprintf(cmdw, sizeof(cmdw), "%s%s", cmd, sfx);
	return kc_word(c, tok, cmdw, word, len);
}

/* vrrp_script NAME: the check's options and its command, for one instance (weight: override). */
static int kc_script(struct kc *c, int use_tok, const char *name, const struct kc_weight *override,
		     int *up_bonus)
{
	int d = kc_def(c, "vrrp_script", name), i, ret;
	struct kc_weight w = { 0 };
	const char *cmd = NULL;
	char word[1200], sfx[16];
	double interval = 1, timeout = 0;
	int rise = 1, fall = 1;
	struct kc_stmt s, st;

	if (d < 0)
		return kc_err(c, use_tok, "track_script %s: no vrrp_script of that name", name);
	kc_stmt(c, d, &s);
	if (s.open < 0)
		return kc_err(c, d, "vrrp_script %s: a block { } is expected", name);
	for (i = s.open + 1; (ret = kc_next(c, &i, s.close, &st)) > 0;) {
		const char *kw = kc_kw(c, &st), *a = kc_arg(c, &st, 0);

		if (!strcmp(kw, "script"))
			cmd = a;
		else if (!strcmp(kw, "interval"))
			interval = atof(a);
		else if (!strcmp(kw, "timeout"))
			timeout = atof(a);
		else if (!strcmp(kw, "rise"))
			rise = atoi(a);
		else if (!strcmp(kw, "fall"))
			fall = atoi(a);
		else if (!strcmp(kw, "weight") && st.nargs == 1)
			ret = kc_weight(c, st.kw, a, &w);
		else if (!strcmp(kw, "weight"))
			return kc_err(c, st.kw, "weight %s %s: vrrpd has no 'reverse'", a,
				      kc_arg(c, &st, 1));
		else if (!strcmp(kw, "user"))
			kc_note(c, st.kw, "user %s left out: vrrpd runs checks as itself", a);
		else if (!strcmp(kw, "init_fail"))
			return kc_err(c, st.kw,
				      "init_fail: vrrpd's checks start healthy (no equivalent)");
		else
			return kc_err(c, st.kw, "vrrp_script: unknown keyword '%s'", kw);
		if (ret < 0)
			return ret;
	}
	if (ret < 0)
		return ret;
	if (!cmd)
		return kc_err(c, d, "vrrp_script %s has no script", name);
	if (override->set)
		w = *override;
	kc_suffix(&w, up_bonus, sfx, sizeof(sfx));
	ret = kc_cmd(c, d, cmd, sfx, false, word, sizeof(word));
	if (ret)
		return ret;
	return kc_out(
		c, use_tok,
		"--track-interval %g --track-timeout %g --rise %d --fall %d --track-script %s",
		interval < 1 ? 1 : interval,
		timeout > 0  ? timeout :
		interval < 1 ? 1 :
			       interval,
		rise, fall, word);
}

/* vrrp_track_process NAME: --track-process PROCESS[:W[:N]]. */
static int kc_track_process(struct kc *c, int use_tok, const char *name,
			    const struct kc_weight *override, int *up_bonus)
{
	int d = kc_def(c, "vrrp_track_process", name), i, ret, quorum = 1;
	struct kc_weight w = { 0 };
	const char *proc = NULL;
	struct kc_stmt s, st;
	char sfx[16] = "";

	if (d < 0)
		return kc_err(c, use_tok, "track_process %s: no vrrp_track_process of that name",
			      name);
	kc_stmt(c, d, &s);
	if (s.open < 0)
		return kc_err(c, d, "vrrp_track_process %s: a block { } is expected", name);
	for (i = s.open + 1; (ret = kc_next(c, &i, s.close, &st)) > 0;) {
		const char *kw = kc_kw(c, &st), *a = kc_arg(c, &st, 0);

		if (!strcmp(kw, "process") && st.nargs == 1)
			proc = a;
		else if (!strcmp(kw, "process"))
			return kc_err(c, st.kw,
				      "process %s with parameters: vrrpd matches the name only", a);
		else if (!strcmp(kw, "weight") && st.nargs == 1)
			ret = kc_weight(c, st.kw, a, &w);
		else if (!strcmp(kw, "quorum"))
			quorum = atoi(a);
		else if (!strcmp(kw, "delay") || !strcmp(kw, "terminate_delay") ||
			 !strcmp(kw, "fork_delay"))
			kc_note(c, st.kw, "%s left out: vrrpd acts on an exit at once", kw);
		else
			return kc_err(c, st.kw, "vrrp_track_process: '%s' has no equivalent", kw);
		if (ret < 0)
			return ret;
	}
	if (ret < 0)
		return ret;
	if (!proc)
		return kc_err(c, d, "vrrp_track_process %s has no process", name);
	if (override->set)
		w = *override;
	if (w.set && w.w) {
		if (w.w > 0)
			*up_bonus += w.w;
		snprintf(sfx, sizeof(sfx), ":-%d", w.w > 0 ? w.w : -w.w);
	}
	return kc_out(c, use_tok, "--track-process %s%s%s%d", proc, sfx[0] ? sfx : ":", ":",
		      quorum);
}

/* vrrp_track_file NAME: --track-file PATH:W (the same product of number and weight). */
static int kc_track_file(struct kc *c, int use_tok, const char *name,
			 const struct kc_weight *override)
{
	int d = kc_def(c, "vrrp_track_file", name), i, ret;
	struct kc_weight w = { 1, true };
	const char *path = NULL;
	struct kc_stmt s, st;

	if (d < 0)
		return kc_err(c, use_tok, "track_file %s: no vrrp_track_file of that name", name);
	kc_stmt(c, d, &s);
	if (s.open < 0)
		return kc_err(c, d, "vrrp_track_file %s: a block { } is expected", name);
	for (i = s.open + 1; (ret = kc_next(c, &i, s.close, &st)) > 0;) {
		const char *kw = kc_kw(c, &st), *a = kc_arg(c, &st, 0);

		if (!strcmp(kw, "file"))
			path = a;
		else if (!strcmp(kw, "weight") && st.nargs == 1)
			ret = kc_weight(c, st.kw, a, &w);
		else
			return kc_err(c, st.kw, "vrrp_track_file: '%s' has no equivalent", kw);
		if (ret < 0)
			return ret;
	}
	if (ret < 0)
		return ret;
	if (!path)
		return kc_err(c, d, "vrrp_track_file %s has no file", name);
	if (override->set)
		w = *override;
	/* keepalived's weight 0 makes any number but 0 a FAULT: vrrpd has no such reading. */
	if (!w.w)
		return kc_err(c, use_tok, "track_file %s with weight 0: no equivalent in vrrpd",
			      name);
	return kc_out(c, use_tok, "--track-file %s:%+d", path, w.w);
}

/* The "NAME [weight W]" lines of a track_* block: each a definition or interface. */
static int kc_tracks(struct kc *c, const struct kc_stmt *blk, const char *what, int *up_bonus)
{
	struct kc_stmt st;
	int i, ret;

	if (blk->open < 0)
		return kc_err(c, blk->kw, "%s: a block { } is expected", what);
	for (i = blk->open + 1; (ret = kc_next(c, &i, blk->close, &st)) > 0;) {
		const char *name = kc_kw(c, &st);
		struct kc_weight w = { 0 };
		char sfx[16];

		if (st.nargs == 2 && !strcmp(kc_arg(c, &st, 0), "weight"))
			ret = kc_weight(c, st.kw, kc_arg(c, &st, 1), &w);
		else if (st.nargs)
			ret = kc_err(c, st.kw, "%s %s: only 'weight W' may follow the name", what,
				     name);
		if (ret < 0)
			return ret;
		if (!strcmp(what, "track_interface")) {
			kc_suffix(&w, up_bonus, sfx, sizeof(sfx));
			ret = kc_out(c, st.kw, "--track %s%s", name, sfx);
		} else if (!strcmp(what, "track_script")) {
			ret = kc_script(c, st.kw, name, &w, up_bonus);
		} else if (!strcmp(what, "track_process")) {
			ret = kc_track_process(c, st.kw, name, &w, up_bonus);
		} else {
			ret = kc_track_file(c, st.kw, name, &w);
		}
		if (ret)
			return ret;
	}
	return ret;
}

/* virtual_ipaddress { ADDR[/LEN] [dev IFACE] [label L] ... }: the VIPs, on the instance's. */
static int kc_vips(struct kc *c, const struct kc_stmt *blk, const char *ifname)
{
	struct kc_stmt st;
	int i, ret;

	if (blk->open < 0)
		return kc_err(c, blk->kw, "virtual_ipaddress: a block { } is expected");
	for (i = blk->open + 1; (ret = kc_next(c, &i, blk->close, &st)) > 0;) {
		for (int a = 0; a + 1 < st.nargs; a += 2) {
			const char *opt = kc_arg(c, &st, a), *val = kc_arg(c, &st, a + 1);

			if (!strcmp(opt, "dev") && strcmp(val, ifname))
				return kc_err(
					c, st.kw,
					"%s dev %s: vrrpd puts the VIPs on the instance's interface (%s) or its VMAC",
					kc_kw(c, &st), val, ifname);
			if (!strcmp(opt, "label") || !strcmp(opt, "scope") || !strcmp(opt, "brd") ||
			    !strcmp(opt, "broadcast"))
				kc_note(c, st.kw, "%s %s %s left out", kc_kw(c, &st), opt, val);
			else if (strcmp(opt, "dev"))
				return kc_err(c, st.kw, "%s %s: no equivalent in vrrpd",
					      kc_kw(c, &st), opt);
		}
		if (st.nargs % 2)
			return kc_err(c, st.kw, "%s: '%s' without its value", kc_kw(c, &st),
				      kc_arg(c, &st, st.nargs - 1));
		ret = kc_out(c, st.kw, "%s", kc_kw(c, &st));
		if (ret)
			return ret;
	}
	return ret;
}

/* The keywords of vrrp_instance that have no VRRP meaning for vrrpd: left out with a note. */
static const char *const kc_inst_ignored[] = {
	"smtp_alert",
	"debug",
	"native_ipv6",
	"lvs_sync_daemon_interface",
	"dont_track_primary",
	"garp_master_delay",
	"garp_lower_prio_delay",
	"garp_lower_prio_repeat",
	"vmac_xmit_base",
	"strict_mode",
	"skip_check_adv_addr",
	"check_unicast_src",
	"unicast_src_ip",
	"mcast_src_ip",
	"preempt",
	"state",
	NULL,
};

static bool kc_in(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

/* The statements of a vrrp_sync_group's block that name its members (kc_group_of). */
static bool kc_group_members(const struct kc *c, const struct kc_stmt *st)
{
	return !strcmp(kc_kw(c, st), "group") ? st->open >= 0 : st->open < 0 && !st->nargs;
}

/*
 * The -M group of a member of a vrrp_sync_group: its name and size, or false. The members are
 * in "group { VI_1 VI_2 }" (a line each, or several on one), or, as older files have them,
 * right in the block.
 */
static bool kc_group_of(struct kc *c, const char *inst, const char **group, int *size)
{
	for (int d = 0; d < c->ndef; d++) {
		struct kc_stmt s, st, m;
		int i, j, n = 0;
		bool in = false;

		if (strcmp(c->t[c->def[d]].s, "vrrp_sync_group"))
			continue;
		kc_stmt(c, c->def[d], &s);
		for (i = s.open + 1; kc_next(c, &i, s.close, &st) > 0;) {
			if (!kc_group_members(c, &st))
				continue;
			if (st.open < 0) {
				in = in || !strcmp(kc_kw(c, &st), inst);
				n++;
				continue;
			}
			for (j = st.open + 1; kc_next(c, &j, st.close, &m) > 0;)
				for (int a = -1; a < m.nargs; a++, n++)
					in = in ||
					     !strcmp(a < 0 ? kc_kw(c, &m) : kc_arg(c, &m, a), inst);
		}
		if (in) {
			*group = kc_arg(c, &s, 0);
			*size = n;
			return true;
		}
	}
	return false;
}

/* notify_master "CMD ARGS" [USER [GROUP]]...: --notify-master 'CMD ARGS'... */
static int kc_notify(struct kc *c, const struct kc_stmt *st, const char *kw)
{
	char word[1200];
	int ret;

	if (!strcmp(kw, "notify_deleted"))
		return kc_err(
			c, st->kw,
			"notify_deleted: vrrpd tells the scripts STOP (not DELETED, nor keepalived's FAULT) when a reload removes an instance");
	if (strcmp(kw, "notify") && strcmp(kw, "notify_master") && strcmp(kw, "notify_backup") &&
	    strcmp(kw, "notify_fault") && strcmp(kw, "notify_stop"))
		return kc_err(c, st->kw, "%s: no equivalent in vrrpd", kw);
	if (st->nargs < 1)
		return kc_err(c, st->kw, "%s: a command is expected", kw);
	if (st->nargs > 1)
		kc_note(c, st->kw, "%s's user %s left out: vrrpd runs scripts as itself", kw,
			kc_arg(c, st, 1));
	ret = kc_cmd(c, st->kw, kc_arg(c, st, 0), "", !strcmp(kw, "notify"), word, sizeof(word));
	return ret ? ret :
		     kc_out(c, st->kw, "--notify%s%s %s", kw[6] ? "-" : "", kw[6] ? kw + 7 : "",
			    word);
}

/* One vrrp_instance: a vrrp { } block, a line per statement. */
static int kc_instance(struct kc *c, const struct kc_stmt *inst)
{
	const char *name = kc_arg(c, inst, 0), *ifname = NULL, *group;
	int i, ret, up_bonus = 0, prio = 100, prio_tok = inst->kw, size, version = c->version;
	bool vmac = false;
	struct kc_stmt st;
	char word[600];

	if (inst->open < 0 || inst->nargs != 1)
		return kc_err(c, inst->kw, "vrrp_instance NAME { ... } is expected");
	/* The interface first: the VIPs' "dev" compares with it. */
	for (i = inst->open + 1; (ret = kc_next(c, &i, inst->close, &st)) > 0;)
		if (!strcmp(kc_kw(c, &st), "interface"))
			ifname = kc_arg(c, &st, 0);
	if (ret < 0)
		return ret;
	if (!ifname)
		return kc_err(c, inst->kw, "vrrp_instance %s has no interface", name);
	ret = kc_out(c, inst->kw, "vrrp {");
	if (!ret)
		ret = kc_out(c, inst->kw, "--name %s", name);
	for (i = inst->open + 1; !ret && (ret = kc_next(c, &i, inst->close, &st)) > 0;) {
		const char *kw = kc_kw(c, &st), *a = kc_arg(c, &st, 0);

		ret = 0;
		if (!strcmp(kw, "interface"))
			ret = kc_out(c, st.kw, "-i %s", a);
		else if (!strcmp(kw, "virtual_router_id"))
			ret = kc_out(c, st.kw, "-v %s", a);
		else if (!strcmp(kw, "priority")) {
			prio = atoi(a);
			prio_tok = st.kw;
		} else if (!strcmp(kw, "advert_int"))
			ret = kc_out(c, st.kw, "-d %s", a);
		else if (!strcmp(kw, "version"))
			version = atoi(a);
		else if (!strcmp(kw, "nopreempt"))
			ret = kc_out(c, st.kw, "-s");
		else if (!strcmp(kw, "preempt_delay"))
			ret = kc_out(c, st.kw, "--preempt-delay %s", a);
		else if (!strcmp(kw, "use_vmac"))
			vmac = true;
		else if (!strcmp(kw, "accept"))
			ret = kc_out(c, st.kw, "--accept");
		else if (!strcmp(kw, "no_accept"))
			ret = kc_out(c, st.kw, "--no-accept");
		else if (!strcmp(kw, "garp_master_repeat"))
			ret = kc_out(c, st.kw, "--garp-count %s", a);
		else if (!strcmp(kw, "garp_master_refresh"))
			ret = kc_out(c, st.kw, "--garp-refresh %s", a);
		else if (!strcmp(kw, "virtual_ipaddress"))
			ret = kc_vips(c, &st, ifname);
		else if (!strcmp(kw, "unicast_peer")) {
			struct kc_stmt p;
			int j;

			for (j = st.open + 1;
			     st.open >= 0 && !ret && (ret = kc_next(c, &j, st.close, &p)) > 0;)
				ret = kc_out(c, p.kw, "--peer %s", kc_kw(c, &p));
		} else if (!strcmp(kw, "authentication")) {
			struct kc_stmt p;
			const char *type = "", *pass = NULL;
			int j;

			for (j = st.open + 1;
			     st.open >= 0 && (ret = kc_next(c, &j, st.close, &p)) > 0;)
				if (!strcmp(kc_kw(c, &p), "auth_type"))
					type = kc_arg(c, &p, 0);
				else if (!strcmp(kc_kw(c, &p), "auth_pass"))
					pass = kc_arg(c, &p, 0);
			if (ret < 0)
				return ret;
			if (strcmp(type, "PASS"))
				return kc_err(
					c, st.kw,
					"auth_type %s: vrrpd has the simple password (PASS) only",
					type[0] ? type : "(none)");
			ret = kc_word(c, st.kw, pass ? pass : "", word + 3, sizeof(word) - 3);
			if (!ret) {
				/* keepalived keeps 8 characters of a longer password, vrrpd refuses it. */
				memcpy(word, "pw/", 3);
				ret = kc_out(c, st.kw, "-a %s", word);
			}
		} else if (!strcmp(kw, "track_interface") || !strcmp(kw, "track_script") ||
			   !strcmp(kw, "track_process") || !strcmp(kw, "track_file"))
			ret = kc_tracks(c, &st, kw, &up_bonus);
		else if (!strncmp(kw, "notify", 6) && strcmp(kw, "notify_fifo"))
			ret = kc_notify(c, &st, kw);
		else if (kc_in(kc_inst_ignored, kw))
			kc_note(c, st.kw, "%s left out: %s", kw,
				!strcmp(kw, "state") ?
					"the election decides (a Backup first, as RFC 9568 says)" :
				!strcmp(kw, "unicast_src_ip") || !strcmp(kw, "mcast_src_ip") ?
					"vrrpd sends from the interface's primary address" :
				!strcmp(kw, "garp_lower_prio_repeat") ?
					"vrrpd sends its gratuitous ARPs again once an interval when it meets a lower master" :
					"no VRRP meaning in vrrpd");
		else
			return kc_err(c, st.kw, "vrrp_instance %s: '%s' has no equivalent in vrrpd",
				      name, kw);
	}
	if (ret < 0)
		return ret;
	if (up_bonus && prio != 255 && prio + up_bonus > 254)
		return kc_err(
			c, prio_tok,
			"priority %d with %d of positive weights: vrrpd adds a weight while its object is down, so the priority would be %d, above 254",
			prio, up_bonus, prio + up_bonus);
	if (up_bonus)
		ret = kc_out(
			c, prio_tok,
			"# priority %d, and %d of keepalived's weights added while their objects are up",
			prio, up_bonus);
	if (!ret)
		ret = kc_out(c, prio_tok, "-p %d", prio + up_bonus);
	/* keepalived's defaults: VRRPv2, and the interface's own MAC unless use_vmac. */
	if (!ret)
		ret = kc_out(c, inst->kw, "--vrrp-version %d", version ? version : 2);
	if (!ret && !vmac)
		ret = kc_out(c, inst->kw, "-n");
	if (!ret && kc_group_of(c, name, &group, &size))
		ret = kc_out(c, inst->kw, "-M %d --group %s", size, group);
	return ret ? ret : kc_out(c, inst->close, "}");
}

/* global_defs: what applies to VRRP, the rest left out with a note. */
static int kc_globals(struct kc *c, const struct kc_stmt *g)
{
	struct kc_stmt st;
	int i, ret;

	for (i = g->open + 1; g->open >= 0 && (ret = kc_next(c, &i, g->close, &st)) > 0;) {
		const char *kw = kc_kw(c, &st), *a = kc_arg(c, &st, 0);

		ret = 0;
		if (!strcmp(kw, "vrrp_version"))
			c->version = atoi(a);
		else if (!strcmp(kw, "vrrp_notify_fifo") || !strcmp(kw, "notify_fifo"))
			ret = kc_out(c, st.kw, "--notify-fifo %s", a);
		else if (!strcmp(kw, "vrrp_garp_master_repeat"))
			ret = kc_out(c, st.kw, "--garp-count %s", a);
		else if (!strcmp(kw, "vrrp_garp_master_refresh"))
			ret = kc_out(c, st.kw, "--garp-refresh %s", a);
		else if (!strncmp(kw, "vrrp_", 5) && strcmp(kw, "vrrp_strict") &&
			 strcmp(kw, "vrrp_skip_check_adv_addr") && strcmp(kw, "vrrp_iptables") &&
			 strcmp(kw, "vrrp_garp_master_delay") && strcmp(kw, "vrrp_priority") &&
			 strcmp(kw, "vrrp_no_swap") && strcmp(kw, "vrrp_rt_priority"))
			return kc_err(c, st.kw, "global_defs: %s has no equivalent in vrrpd", kw);
		else
			kc_note(c, st.kw, "global_defs %s left out: no VRRP meaning in vrrpd", kw);
		if (ret)
			return ret;
	}
	return ret < 0 ? ret : 0;
}

/* Top-level keywords that are not VRRP's: left out, a line each. */
static const char *const kc_top_ignored[] = {
	"virtual_server",
	"virtual_server_group",
	"real_server",
	"bfd_instance",
	"static_ipaddress",
	"static_routes",
	"static_rules",
	"linkbeat_use_polling",
	"net_namespace",
	"instance",
	"use_pid_dir",
	"garp_group",
	NULL,
};

static int kc_translate(struct kc *c)
{
	struct kc_stmt st, g;
	int i, ret, ninst = 0;

	/* First the definitions the instances refer to, and the global defaults. */
	for (i = 0; i < c->nt; i = st.next) {
		ret = kc_stmt(c, i, &st);
		if (ret)
			return ret;
		if (kc_is(c, i, "}"))
			return kc_err(c, i, "'}' without its '{'");
		if ((!strcmp(kc_kw(c, &st), "vrrp_script") ||
		     !strcmp(kc_kw(c, &st), "vrrp_track_process") ||
		     !strcmp(kc_kw(c, &st), "vrrp_track_file") ||
		     !strcmp(kc_kw(c, &st), "vrrp_sync_group")) &&
		    c->ndef < KC_MAX_DEFS) {
			if (st.nargs != 1 || st.open < 0)
				return kc_err(c, i, "%s NAME { ... } is expected", kc_kw(c, &st));
			c->def[c->ndef++] = i;
		}
	}
	ret = kc_out(c, -1, "# translated from %s by vrrpd --keepalived", c->k->files[0]);
	for (i = 0; !ret && i < c->nt; i = st.next) {
		kc_stmt(c, i, &st);
		if (!strcmp(kc_kw(c, &st), "global_defs"))
			ret = kc_globals(c, &st);
	}
	for (i = 0; !ret && i < c->nt; i = st.next) {
		const char *kw;

		kc_stmt(c, i, &st);
		kw = kc_kw(c, &st);
		if (!strcmp(kw, "vrrp_instance")) {
			ret = kc_instance(c, &st);
			ninst++;
		} else if (!strcmp(kw, "vrrp_sync_group")) {
			int j;

			for (j = st.open + 1; (ret = kc_next(c, &j, st.close, &g)) > 0;) {
				if (kc_group_members(c, &g))
					continue;
				if (!strncmp(kc_kw(c, &g), "notify", 6))
					return kc_err(
						c, g.kw,
						"vrrp_sync_group: %s: vrrpd runs scripts for each instance, not for a group: give them in its vrrp_instances (--notify says INSTANCE there)",
						kc_kw(c, &g));
				if (!strcmp(kc_kw(c, &g), "smtp_alert"))
					kc_note(c, g.kw, "smtp_alert left out: no e-mail in vrrpd");
				else
					return kc_err(
						c, g.kw,
						"vrrp_sync_group: '%s' has no equivalent (vrrpd's -M group)",
						kc_kw(c, &g));
			}
		} else if (kc_in(kc_top_ignored, kw)) {
			kc_note(c, i, "%s left out: not VRRP (vrrpd does not do LVS or BFD)", kw);
		} else if (kw[0] == '@') {
			return kc_err(
				c, i,
				"%s: conditional configuration (@ID) is not read by vrrpd: give each router its own file",
				kw);
		} else if (strcmp(kw, "global_defs") && strcmp(kw, "vrrp_script") &&
			   strcmp(kw, "vrrp_track_process") && strcmp(kw, "vrrp_track_file")) {
			return kc_err(c, i, "unknown keyword '%s'", kw);
		}
	}
	if (!ret && !ninst)
		return kc_err(c, -1, "%s: no vrrp_instance", c->k->files[0]);
	return ret;
}

void kconf_free(struct kconf *k)
{
	for (int i = 0; i < k->nfiles; i++)
		free(k->files[i]);
	free(k->files);
	free(k->text);
	free(k->notes);
	free(k->src_line);
	free(k->src_file);
	memset(k, 0, sizeof(*k));
}

int kconf_translate(const char *path, struct kconf *k, char *err, size_t errlen)
{
	struct kc c = { .k = k, .err = err, .errlen = errlen };
	int ret;

	memset(k, 0, sizeof(*k));
	k->files = calloc(KC_MAX_FILES, sizeof(*k->files));
	if (!k->files)
		return -ENOMEM;
	ret = kc_file(&c, path, 0, -1, 0);
	if (!ret)
		ret = kc_braces(&c);
	if (!ret)
		ret = kc_translate(&c);
	for (int i = 0; i < c.nt; i++)
		free(c.t[i].s);
	free(c.t);
	free(c.match);
	k->text = c.out;
	k->notes = c.notes ? c.notes : strdup("");
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	if (ret || !k->notes) {
		kconf_free(k);
		return ret ? ret : -ENOMEM;
	}
	return 0;
}

/*
 * An error conf_parse found in the translation ("NAME:LINE: what"), said of the keepalived
 * line that LINE came from.
 */
static void kconf_where(const struct kconf *k, const char *name, char *err, size_t errlen)
{
	size_t n = strlen(name);
	char rest[1024];
	int line;

	if (strncmp(err, name, n) || err[n] != ':' || sscanf(err + n + 1, "%d", &line) != 1 ||
	    line < 1 || line > k->nlines || !k->src_file[line - 1])
		return;
	snprintf(rest, sizeof(rest), "%s", err + n + 1 + strspn(err + n + 1, "0123456789"));
	snprintf(err, errlen, "%s:%d%s", k->src_file[line - 1], k->src_line[line - 1], rest);
}

int kconf_load(const char *path, const struct opts *cmdline, struct conf *c, char **notes,
	       char *err, size_t errlen)
{
	struct kconf k;
	int ret;

	memset(c, 0, sizeof(*c));
	ret = kconf_translate(path, &k, err, errlen);
	if (ret)
		return ret;
	ret = conf_parse(k.text, path, cmdline, c, err, errlen);
	if (ret)
		kconf_where(&k, path, err, errlen);
	if (notes && !ret) {
		*notes = k.notes;
		k.notes = NULL;
	}
	kconf_free(&k);
	return ret;
}
