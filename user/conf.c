// SPDX-License-Identifier: GPL-2.0
/* The configuration file: see conf.h. Every word goes through opts_parse_at(), as on the
 * command line, so the file and the command line cannot drift apart. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "conf.h"

#define CONF_MAX_BYTES (1 << 20)
#define CONF_MAX_WORDS 65536

struct conf_word {
	char *s;
	int line;
};

struct conf_words {
	struct conf_word *w;
	int n, cap;
};

__attribute__((format(printf, 4, 5))) static int conf_err(char *err, size_t errlen,
							  const char *name, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || !errlen)
		return -EINVAL;
	n = snprintf(err, errlen, "%s:", name);
	if (n < 0 || (size_t)n >= errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	/* Words quote the file: its control characters stay out of a one-line message. */
	for (char *p = err; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return -EINVAL;
}

static int words_add(struct conf_words *ws, const char *s, size_t len, int line)
{
	struct conf_word *w;

	if (ws->n == ws->cap) {
		if (ws->cap >= CONF_MAX_WORDS)
			return -E2BIG;
		w = realloc(ws->w, (size_t)(ws->cap ? 2 * ws->cap : 64) * sizeof(*w));
		if (!w)
			return -ENOMEM;
		ws->w = w;
		ws->cap = ws->cap ? 2 * ws->cap : 64;
	}
	ws->w[ws->n].s = strndup(s, len);
	if (!ws->w[ws->n].s)
		return -ENOMEM;
	ws->w[ws->n++].line = line;
	return 0;
}

static void words_free(struct conf_words *ws)
{
	for (int i = 0; i < ws->n; i++)
		free(ws->w[i].s);
	free(ws->w);
	memset(ws, 0, sizeof(*ws));
}

/* Splits text into words with their line numbers; '#' at the start of a word ends the line. */
static int words_split(const char *text, struct conf_words *ws, int *bad_line)
{
	const char *p = text;
	char word[4096];
	int line = 1, ret;

	while (*p) {
		size_t len;

		if (*p == '\n') {
			line++;
			p++;
			continue;
		}
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\v' || *p == '\f') {
			p++;
			continue;
		}
		if (*p == '#') {
			p += strcspn(p, "\n");
			continue;
		}
		/* A word; '...' and "..." in it keep their blanks (a command and its arguments). */
		len = 0;
		while (*p && !strchr(" \t\r\v\f\n", *p)) {
			char q = *p == '\'' || *p == '"' ? *p++ : 0;

			for (; *p && *p != '\n' && (q ? *p != q : !strchr(" \t\r\v\f'\"", *p)); p++)
				if (len < sizeof(word) - 1)
					word[len++] = *p;
			if (q && *p != q) {
				*bad_line = line;
				return -EBADMSG;
			}
			p += q != 0;
		}
		ret = words_add(ws, word, len, line);
		if (ret)
			return ret;
	}
	return 0;
}

/* One instance: "vrrpd", the words outside the blocks, then the block's [from, to). */
static int conf_inst_parse(const struct conf_words *top, const struct conf_words *ws, int from,
			   int to, const char *name, int line, struct opts *o, char *err,
			   size_t errlen)
{
	int argc = 1 + top->n + (to - from), argi, i, ret;
	char msg[512];
	char **argv;
	int *lines;

	argv = calloc((size_t)argc + 1, sizeof(*argv));
	lines = calloc((size_t)argc + 1, sizeof(*lines));
	if (!argv || !lines) {
		free(argv);
		free(lines);
		return conf_err(err, errlen, name, "out of memory");
	}
	argv[0] = "vrrpd";
	for (i = 0; i < top->n; i++) {
		argv[1 + i] = top->w[i].s;
		lines[1 + i] = top->w[i].line;
	}
	for (i = from; i < to; i++) {
		argv[1 + top->n + i - from] = ws->w[i].s;
		lines[1 + top->n + i - from] = ws->w[i].line;
	}
	ret = opts_parse_at(o, argc, argv, msg, sizeof(msg), &argi);
	if (ret)
		ret = conf_err(err, errlen, name, "%d: %s%s", argi > 0 ? lines[argi] : line, msg,
			       argi > 0 ? "" : " (in the vrrp block of this line)");
	/* What opts_process_word() cannot see: a short option in a cluster, such as -sh. */
	else if (o->show_help || o->show_version || o->config[0] || o->check_config)
		ret = conf_err(
			err, errlen, name,
			"%d: -h, -V, -c and -t are options of the command line, not of the file",
			line);
	free(argv);
	free(lines);
	return ret;
}

/* Two instances of the file that would claim the same VRID or address on an interface. */
static int conf_check_pairs(const struct conf *c, const char *name, char *err, size_t errlen)
{
	char a[INET6_ADDRSTRLEN];

	for (int i = 0; i < c->n; i++) {
		for (int j = 0; j < i; j++) {
			const struct opts *x = &c->inst[i].o, *y = &c->inst[j].o;

			if (strcmp(x->ifname, y->ifname))
				continue;
			if (x->vrid == y->vrid)
				return conf_err(
					err, errlen, name,
					"%d: VRID %d on %s is already the instance of line %d",
					c->inst[i].line, x->vrid, x->ifname, c->inst[j].line);
			for (int k = 0; k < x->nvips; k++)
				for (int l = 0; l < y->nvips; l++)
					if (addr_eq(&x->vips[k].addr, &y->vips[l].addr)) {
						addr_str(x->family, &x->vips[k].addr, a);
						return conf_err(
							err, errlen, name,
							"%d: %s on %s is already a virtual IP of the instance of line %d",
							c->inst[i].line, a, x->ifname,
							c->inst[j].line);
					}
		}
	}
	return 0;
}

/*
 * The first pass: the blocks' structure, and the words outside them into top (where only the
 * options of the process may be, and those of instances that all blocks share). The number of
 * blocks, or an error.
 */
static int conf_structure(const struct conf_words *ws, const char *name, struct conf_words *top,
			  char *err, size_t errlen)
{
	int i, open = -1, nblocks = 0;
	bool top_ok;

	for (i = 0; i < ws->n; i++) {
		const char *w = ws->w[i].s, *p = opts_process_word(w, &top_ok);
		int line = ws->w[i].line;

		if (!strcmp(w, "vrrp")) {
			if (open >= 0)
				return conf_err(
					err, errlen, name,
					"%d: 'vrrp' inside the block of line %d (missing '}'?)",
					line, ws->w[open].line);
			if (i + 1 >= ws->n || strcmp(ws->w[i + 1].s, "{") ||
			    ws->w[i + 1].line != line)
				return conf_err(err, errlen, name, "%d: expected 'vrrp {'", line);
			open = i++;
			nblocks++;
		} else if (!strcmp(w, "{")) {
			return conf_err(err, errlen, name, "%d: '{' without 'vrrp'", line);
		} else if (!strcmp(w, "}")) {
			if (open < 0)
				return conf_err(err, errlen, name, "%d: '}' without 'vrrp {'",
						line);
			open = -1;
		} else if (p && (!top_ok || open >= 0)) {
			return conf_err(
				err, errlen, name,
				top_ok ?
					"%d: '%s' is the same for all instances: give it outside the blocks" :
					"%d: '%s' is an option of the command line, not of the file",
				line, p);
		} else if (open < 0 && words_add(top, w, strlen(w), line)) {
			return conf_err(err, errlen, name, " out of memory");
		}
	}
	if (open >= 0)
		return conf_err(err, errlen, name, "%d: the vrrp block has no closing '}'",
				ws->w[open].line);
	if (!nblocks)
		return conf_err(err, errlen, name,
				" no instance: describe each in a 'vrrp { ... }' block");
	if (nblocks > VRRPD_MAX_INSTANCES)
		return conf_err(err, errlen, name, " %d instances: at most %d", nblocks,
				VRRPD_MAX_INSTANCES);
	return nblocks;
}

/*
 * The command line's -f, --pin-dir, --rt-priority, --notify-fifo, --no-kernel-timer and
 * --foreground win.
 */
static void conf_cmdline_wins(struct conf *c, const struct opts *cmdline)
{
	for (int i = 0; i < c->n; i++) {
		struct opts *o = &c->inst[i].o;

		if (strcmp(cmdline->run_dir, VRRPD_RUN_DIR_DFL))
			snprintf(o->run_dir, sizeof(o->run_dir), "%s", cmdline->run_dir);
		if (strcmp(cmdline->pin_dir, VRRPD_PIN_DIR_DFL))
			snprintf(o->pin_dir, sizeof(o->pin_dir), "%s", cmdline->pin_dir);
		if (cmdline->rt_priority != OPTS_RT_PRIORITY_DFL)
			o->rt_priority = cmdline->rt_priority;
		if (cmdline->notify_fifo[0])
			snprintf(o->notify_fifo, sizeof(o->notify_fifo), "%s",
				 cmdline->notify_fifo);
		o->foreground = o->foreground || cmdline->foreground;
		o->no_kernel_timer = o->no_kernel_timer || cmdline->no_kernel_timer;
	}
}

int conf_parse(const char *text, const char *name, const struct opts *cmdline, struct conf *c,
	       char *err, size_t errlen)
{
	struct conf_words ws = { 0 }, top = { 0 };
	int i, ret, nblocks;

	memset(c, 0, sizeof(*c));
	ret = words_split(text, &ws, &i);
	if (ret == -EBADMSG) {
		ret = conf_err(err, errlen, name, "%d: a quote (' or \") is not closed on its line",
			       i);
		goto out;
	}
	if (ret) {
		ret = conf_err(err, errlen, name, " %s",
			       ret == -E2BIG ? "too many words" : "out of memory");
		goto out;
	}
	nblocks = ret = conf_structure(&ws, name, &top, err, errlen);
	if (ret < 0)
		goto out;
	c->inst = calloc((size_t)nblocks, sizeof(*c->inst));
	if (!c->inst) {
		ret = conf_err(err, errlen, name, " out of memory");
		goto out;
	}
	/* Second pass: each block with the words outside the blocks before its own. */
	for (i = 0; i < ws.n; i++) {
		int start, line;

		if (strcmp(ws.w[i].s, "vrrp"))
			continue;
		line = ws.w[i].line;
		start = i + 2;
		for (i = start; strcmp(ws.w[i].s, "}"); i++)
			;
		ret = conf_inst_parse(&top, &ws, start, i, name, line, &c->inst[c->n].o, err,
				      errlen);
		if (ret)
			goto out;
		c->inst[c->n++].line = line;
	}
	conf_cmdline_wins(c, cmdline);
	ret = conf_check_pairs(c, name, err, errlen);
out:
	words_free(&ws);
	words_free(&top);
	if (ret)
		conf_free(c);
	return ret;
}

int conf_load(const char *path, const struct opts *cmdline, struct conf *c, char *err,
	      size_t errlen)
{
	char *text;
	size_t n;
	FILE *f;
	int ret;

	memset(c, 0, sizeof(*c));
	f = fopen(path, "re");
	if (!f) {
		snprintf(err, errlen, "cannot read the configuration file %s: %s", path,
			 strerror(errno));
		return -errno;
	}
	text = malloc(CONF_MAX_BYTES + 1);
	if (!text) {
		fclose(f);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	n = fread(text, 1, CONF_MAX_BYTES + 1, f);
	ret = ferror(f) ? -EIO : 0;
	fclose(f);
	if (!ret && n > CONF_MAX_BYTES) {
		snprintf(err, errlen, "%s: larger than %d bytes", path, CONF_MAX_BYTES);
		ret = -EFBIG;
	} else if (!ret && memchr(text, '\0', n)) {
		snprintf(err, errlen, "%s: not a text file (it holds a NUL byte)", path);
		ret = -EINVAL;
	} else if (ret) {
		snprintf(err, errlen, "cannot read the configuration file %s: %s", path,
			 strerror(-ret));
	} else {
		text[n] = '\0';
		ret = conf_parse(text, path, cmdline, c, err, errlen);
	}
	free(text);
	return ret;
}

void conf_free(struct conf *c)
{
	free(c->inst);
	memset(c, 0, sizeof(*c));
}
