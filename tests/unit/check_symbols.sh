#!/bin/bash
# No global symbol of ours shares a name with one that a library we link exports.
#
#   bash tests/unit/check_symbols.sh BINARY...
#
# A function of ours named like a library's (the daemon's netlink wrappers were nl_*, libnl's
# prefix, and nl_close is one of libnl's) replaces the library's own for every caller, the
# library included, through the PLT. For each BINARY: the symbols it defines (nm, global
# only), against those exported by every library ldd lists; one "ok symbols_NAME" per binary,
# or "not ok symbols_NAME: SYMBOL in LIBRARY" per clash. It first proves that it finds a clash
# in a program it builds with its own nl_close, linked with libnl-3.
set -u

# clashes BINARY: prints "SYMBOL LIBRARY" for each clash.
clashes() {
	local bin=$1 lib
	local ours
	ours=$(nm --defined-only -g "$bin" | awk '$2 ~ /^[TDBRW]$/ { print $3 }' | sort -u)
	for lib in $(ldd "$bin" | awk '$3 ~ /^\// { print $3 }'); do
		comm -12 <(echo "$ours") \
			<(nm -D --defined-only "$lib" | awk '{ print $3 }' | sed 's/@.*//' | sort -u) |
			grep -vxE '_init|_fini|_edata|_end|__bss_start|main|_IO_stdin_used|__data_start|data_start|__dso_handle|_start' |
			sed "s|\$| $lib|"
	done
}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
printf '#include <netlink/netlink.h>\nvoid nl_close(struct nl_sock *s) { (void)s; }\nint main(void) { nl_close(nl_socket_alloc()); return 0; }\n' >"$TMP/clash.c"
if cc $(pkg-config --cflags libnl-3.0) -o "$TMP/clash" "$TMP/clash.c" $(pkg-config --libs libnl-3.0) 2>"$TMP/err" &&
	clashes "$TMP/clash" | grep -q '^nl_close '; then
	echo "ok symbols_self_test"
else
	echo "not ok symbols_self_test: a program defining nl_close was not caught ($(head -c 300 "$TMP/err"))"
fi

for bin in "$@"; do
	name=$(basename "$bin")
	found=$(clashes "$bin")
	if [ -z "$found" ]; then
		echo "ok symbols_$name"
	else
		while read -r sym lib; do
			echo "not ok symbols_$name: $sym is also exported by $lib"
		done <<<"$found"
	fi
done
