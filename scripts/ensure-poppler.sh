#!/usr/bin/env bash
# Make sure poppler-utils (pdftotext, pdfinfo) is installed: the PDF report tests read the
# PDFs `reports build --pdf` writes with it. Already installed -> nothing to do; otherwise
# apt-get installs Debian's package (about 1 MB).
set -euo pipefail
# shellcheck source=apt-install.sh
source "$(dirname "$0")/apt-install.sh"

if command -v pdftotext >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1; then
    echo "poppler-utils present: $(command -v pdftotext)"
    exit 0
fi

echo "poppler-utils missing: installing it with apt-get" >&2
apt_install poppler-utils

if ! command -v pdftotext >/dev/null 2>&1; then
    echo "error: apt-get finished but pdftotext is still missing; install poppler-utils by hand" >&2
    exit 1
fi
echo "poppler-utils installed: $(command -v pdftotext)"
