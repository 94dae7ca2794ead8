#!/bin/bash
# make install (PREFIX, DESTDIR) and the man pages against the code: every option the programs'
# -h lists is in their man page, and the pages render without warnings.
set -u
# shellcheck source=tests/netns/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
t_need test_install man
DEST=$(mktemp -d /tmp/vrrpd-install.XXXX)
trap 'rm -rf "$DEST"' EXIT
if make -s -C "$LAB_ROOT" install DESTDIR="$DEST" PREFIX=/usr >"$DEST.log" 2>&1; then
	t_ok install_runs
else
	t_fail install_runs "$(cat "$DEST.log")"
fi
rm -f "$DEST.log"
for f in sbin/vrrpd sbin/atropos share/man/man8/vrrpd.8 share/man/man8/atropos.8 \
	lib/systemd/system/vrrpd.service lib/systemd/system/vrrpd@.service \
	lib/systemd/system/vrrpd-agentx.service; do
	t_check "install_has_${f//\//_}" test -s "$DEST/usr/$f"
done
t_check install_vrrpd_runs eval "\"$DEST/usr/sbin/vrrpd\" -V >/dev/null"
t_check install_has_init_script test -x "$DEST/etc/init.d/vrrpd"
t_check install_init_script_names_binary grep -q '^DAEMON=${DAEMON:-/usr/sbin/vrrpd}$' \
	"$DEST/etc/init.d/vrrpd"
t_check install_init_script_syntax sh -n "$DEST/etc/init.d/vrrpd"
# options_of PROG: the long options (and -X short ones) its -h lists.
options_of() { "$1" -h | grep -oE -- '(^|[ ,])--[a-z][a-z-]+' | sed 's/^[ ,]//' | sort -u; }
for p in vrrpd atropos; do
	page=$DEST/usr/share/man/man8/$p.8
	missing=""
	text=$(MANWIDTH=200 man -l "$page" 2>/dev/null)
	for o in $(options_of "$DEST/usr/sbin/$p"); do
		grep -q -- "$o" <<<"$text" || missing="$missing $o"
	done
	t_eq "install_${p}_man_lists_every_option" "$missing" "" "not in $p.8:$missing"
	t_eq "install_${p}_man_renders_cleanly" \
		"$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)" ""
done
t_done
