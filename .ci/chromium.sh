#!/usr/bin/env bash
# Chromium for Folio's browser tests (blog/bloghttp/browser_test.go).
#
#     .ci/chromium.sh        # as root: installs Debian's chromium if needed
#     go test -run Browser ./blog/bloghttp/
#
# The tests look for /usr/bin/chromium, then chromium on PATH, unless
# FOLIO_CHROMIUM names a binary; they skip when none is found and never
# download a browser. This script installs Debian's chromium package when
# /usr/bin/chromium is missing, without recommended packages, and prints the
# version either way. Not being root when the package is missing is an
# error.
set -euo pipefail

log() { printf 'chromium.sh: %s\n' "$*" >&2; }

bin=/usr/bin/chromium
if [ ! -x "$bin" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		log "Chromium is not installed and installing it needs root"
		exit 1
	fi
	log "installing Debian's chromium"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends chromium >/dev/null
	if [ ! -x "$bin" ]; then
		log "$bin is still missing after apt-get install chromium"
		exit 1
	fi
fi
"$bin" --version
