#!/usr/bin/env bash
# Install everything the project needs on Debian 12 and create .venv. Idempotent and quiet when
# nothing is missing; sourced by serve.sh and test.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The Chinese serif font and fontconfig's fc-match (core/exports/fonts.py finds the font file with it);
# poppler for pdftotext/pdffonts/pdftoppm in tests; Debian's Chromium for browser tests (Playwright
# cannot download its own browser here).
DEB_PACKAGES=(fonts-noto-cjk fontconfig poppler-utils chromium)

missing=()
for package in "${DEB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
    missing+=(python3-venv)
fi
if ((${#missing[@]})); then
    echo "Installing Debian packages: ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
# Reinstall Python packages only when pyproject.toml changed.
stamp=".venv/.perfbudget-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    echo "Installing Python packages into .venv"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".[dev]"
    rm -f .venv/.perfbudget-*
    touch "$stamp"
fi
