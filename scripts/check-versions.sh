#!/bin/sh
# Check that every place that names crm's version agrees with default_version
# in crm.control, and that RELEASES is well formed:
#   - META.json: "version" and provides.crm.version (PGXN)
#   - debian/changelog: the upstream part of the newest entry (make deb)
#   - RELEASES: "<version> <40-hex commit>" lines, versions ascending, none
#     after default_version; each released version has a CHANGELOG.md heading
#   - src/upgrade/: an upgrade script from each released version to the next
#     one and from the last release to default_version (when they differ)
# Needs no server; run by make upgrade-check and make deb (make check-versions).
set -eu
cd "$(dirname "$0")/.."

fail=0
err() { echo "check-versions: $*" >&2; fail=1; }

current=$(sed -n "s/^default_version = '\(.*\)'$/\1/p" crm.control)
echo "$current" | grep -Eqx '[0-9]+\.[0-9]+\.[0-9]+' ||
	{ echo "check-versions: default_version '$current' in crm.control is not X.Y.Z" >&2; exit 1; }

# META.json (perl's JSON::PP is there wherever postgresql-common is)
meta=$(perl -MJSON::PP -e '
	local $/; my $m = decode_json(<STDIN>);
	print $m->{version} // "", " ", $m->{provides}{crm}{version} // "", "\n";
' < META.json) || { err "META.json is not valid JSON"; meta=""; }
for v in $meta; do
	[ "$v" = "$current" ] || err "META.json says version $v, crm.control default_version is $current"
done
[ -n "$meta" ] && [ "$(echo "$meta" | wc -w)" -eq 2 ] ||
	err "META.json needs \"version\" and provides.crm.version"

# debian/changelog: "crm (0.1.0-1) unstable; ..." -> 0.1.0
if [ -f debian/changelog ]; then
	deb=$(sed -n '1s/^crm (\([^)]*\)).*/\1/p' debian/changelog)
	upstream=${deb%-*}
	[ "$upstream" = "$current" ] ||
		err "debian/changelog's newest entry is $deb, default_version is $current (add an entry: dch -v $current-1)"
fi

# RELEASES
prev=""
released=""
line_no=0
while IFS= read -r line || [ -n "$line" ]; do
	line_no=$((line_no + 1))
	case "$line" in '#'* | '') continue ;; esac
	set -- $line
	if [ $# -ne 2 ] || ! echo "$1" | grep -Eqx '[0-9]+\.[0-9]+\.[0-9]+' ||
	   ! echo "$2" | grep -Eqx '[0-9a-f]{40}'; then
		err "RELEASES line $line_no: expected '<X.Y.Z> <40-hex commit>', got '$line'"
		continue
	fi
	if [ -n "$prev" ] && [ "$(printf '%s\n%s\n' "$prev" "$1" | sort -V | head -n 1)" != "$prev" -o "$prev" = "$1" ]; then
		err "RELEASES line $line_no: $1 does not come after $prev"
	fi
	if [ "$(printf '%s\n%s\n' "$1" "$current" | sort -V | tail -n 1)" != "$current" ]; then
		err "RELEASES line $line_no: released $1 is newer than default_version $current"
	fi
	grep -q "^## $1\b" CHANGELOG.md || err "CHANGELOG.md has no '## $1' section"
	released="$released $1"
	prev=$1
done < RELEASES
chain=$released
[ "$prev" = "$current" ] || chain="$chain $current"

# the upgrade path: released versions in order, then the current one
from=""
for v in $chain; do
	if [ -n "$from" ] && [ ! -f "src/upgrade/crm--$from--$v.sql" ]; then
		err "missing src/upgrade/crm--$from--$v.sql (every release ships an upgrade script, even an empty one)"
	fi
	from=$v
done

[ $fail -eq 0 ] && echo "check-versions: $current everywhere; released:${released:- none}"
exit $fail
