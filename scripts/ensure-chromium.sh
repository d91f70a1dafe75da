#!/usr/bin/env bash
# Make sure Debian's chromium is installed: the browser tests drive it through Playwright
# (executable_path), because Playwright's own browser download cannot work on a closed
# network. Already installed -> nothing to do; otherwise apt-get installs it (about 420 MB).
set -euo pipefail
# shellcheck source=apt-install.sh
source "$(dirname "$0")/apt-install.sh"

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
    echo "chromium present: $CHROMIUM"
    exit 0
fi

echo "chromium missing: installing Debian's chromium with apt-get" >&2
apt_install chromium

if [ ! -x "$CHROMIUM" ]; then
    echo "error: apt-get finished but $CHROMIUM is still missing; install chromium by hand" \
         "or set CHROMIUM=/path/to/chromium" >&2
    exit 1
fi
echo "chromium installed: $CHROMIUM"
