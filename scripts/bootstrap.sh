#!/bin/sh
# Install the Debian packages crm needs that are missing on this machine.
#   scripts/bootstrap.sh          build + test dependencies
#   scripts/bootstrap.sh fuzz     plus clang and its libFuzzer runtime
#   scripts/bootstrap.sh bench    plus python3 with scikit-learn and psycopg2, and
#                                 coinor-cbc (the exact optimum in bench/rebalance_quality.c)
#   scripts/bootstrap.sh deb      plus Debian's packaging tools (make deb)
#   scripts/bootstrap.sh valgrind plus valgrind (make valgrind)
# Runs apt-get only when something is missing; as root, or through sudo.
set -eu

pkgs="make gcc libc6-dev postgresql-15 postgresql-server-dev-15 postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl"
for extra in "$@"; do
	case "$extra" in
	fuzz)  pkgs="$pkgs clang libclang-rt-14-dev" ;;
	bench) pkgs="$pkgs python3 python3-sklearn python3-psycopg2 python3-numpy coinor-cbc" ;;
	deb)   pkgs="$pkgs debhelper postgresql-server-dev-all dpkg-dev fakeroot" ;;
	valgrind) pkgs="$pkgs valgrind" ;;
	*) echo "bootstrap: unknown component '$extra'" >&2; exit 2 ;;
	esac
done

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "bootstrap: installing$missing"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "bootstrap: missing packages:$missing; run as root or install sudo" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# A stale package index makes installs fail; refresh it once, quietly.
$SUDO apt-get update -qq || true
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
