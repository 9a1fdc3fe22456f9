#!/bin/sh
# Builds one static binary: build-static.sh OUTPUT SOURCE [LIBS...]
set -eu
output=$1 source=$2
shift 2
command -v gcc >/dev/null || { echo "gcc not found: run ./berth up (or scripts/host-setup.sh) once as root" >&2; exit 1; }
mkdir -p "$(dirname "$output")"
gcc -static -O2 -Wall -Wextra -Werror -o "$output" "$source" "$@" \
  || { echo "building $output failed: gcc, libc6-dev and libseccomp-dev are needed (./berth up installs them)" >&2; exit 1; }
