#!/usr/bin/env bash
# Install what the test suite needs on a fresh Debian machine, then run it.
# Python packages come from PyPI; Chromium, its driver and poppler from Debian
# (installed only when running as root and missing), npm too, for axe-core. Extra arguments go to pytest,
# which runs one test process per core.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  missing=""
  command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
  command -v chromedriver >/dev/null 2>&1 || missing="$missing chromium-driver"
  command -v pdftoppm >/dev/null 2>&1 || missing="$missing poppler-utils"
  command -v npm >/dev/null 2>&1 || missing="$missing npm"
  if [ -n "$missing" ]; then
    echo "Installing from Debian:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
fi

# axe-core, the accessibility engine the browser tests inject, pinned by tests/browser/package-lock.json
# and installed into tests/browser/node_modules/ (git-ignored).
axe_wanted=$(sed -n 's/.*"axe-core": *"\([^"]*\)".*/\1/p' tests/browser/package.json)
axe_found=$(sed -n 's/^  "version": *"\([^"]*\)".*/\1/p' tests/browser/node_modules/axe-core/package.json 2>/dev/null || true)
if [ "$axe_wanted" != "$axe_found" ] && command -v npm >/dev/null 2>&1; then
  echo "Installing axe-core $axe_wanted from npm into tests/browser/node_modules"
  npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
fi

python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -e '.[test]'
# One test process per core; a file's tests stay together, so its shared fixtures are built once.
exec python3 -m pytest -n auto --dist loadfile "$@"
