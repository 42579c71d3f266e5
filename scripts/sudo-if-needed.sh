#!/bin/sh
# Run a command as root: directly when we are root, else through sudo.
set -eu
if [ "$(id -u)" -eq 0 ]; then exec "$@"; fi
exec sudo "$@"
