#!/bin/sh
# make deb: build the Debian package (debian/, pg_buildext) and leave it at
# build/postgresql-<pg>-crm_<version>_<arch>.deb.
#
# The build runs in a temporary copy of the tree (the files git tracks plus
# new files it does not ignore, as they are in the work tree), so the work
# tree is not touched.  The copy is readable by the postgres user: the
# build-time test (pg_buildext installcheck) runs a throw-away cluster as
# postgres that loads crm from the copy's debian/postgresql-<pg>-crm/.
# scripts/bootstrap.sh deb installs the packaging tools first (make deb).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
start=$(date +%s)

scripts/check-versions.sh

version=$(dpkg-parsechangelog -l debian/changelog -S Version)
arch=$(dpkg-architecture -qDEB_HOST_ARCH)

work=$(mktemp -d "${TMPDIR:-/tmp}/crm-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
chmod 0755 "$work"
src="$work/crm-${version%-*}"
mkdir "$src"
if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard |
		tar --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$src"
else
	tar --exclude=./build -cf - . | tar -xf - -C "$src"
fi
chmod -R a+rX "$src"

echo "== dpkg-buildpackage in $src"
# -b: binary packages only (no source package, so no orig tarball needed);
# noddebs: no separate debug-symbols package
if ! (cd "$src" && DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-} noddebs" \
		dpkg-buildpackage -b -us -uc > "$work/build.log" 2>&1); then
	tail -n 150 "$work/build.log"
	echo "make deb: dpkg-buildpackage failed (log above)" >&2
	exit 1
fi
grep -E '^(### |test |ok |not ok |# |All [0-9]+ tests|dpkg-deb: building)' "$work/build.log" || true

mkdir -p build
n=0
for deb in "$work"/postgresql-*-crm_"${version}"_"${arch}".deb; do
	[ -f "$deb" ] || continue
	cp "$deb" build/
	echo "make deb: build/$(basename "$deb")"
	n=$((n + 1))
done
[ $n -gt 0 ] || { echo "make deb: no package was built" >&2; exit 1; }
echo "make deb: done in $(( $(date +%s) - start )) s"
