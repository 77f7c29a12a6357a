#!/usr/bin/env bash
# Install what the test suite needs on a fresh Debian machine, then run it.
# Python packages come from PyPI; Chromium, its driver and poppler from Debian
# (installed only when running as root and missing). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  missing=""
  command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
  command -v chromedriver >/dev/null 2>&1 || missing="$missing chromium-driver"
  command -v pdftoppm >/dev/null 2>&1 || missing="$missing poppler-utils"
  if [ -n "$missing" ]; then
    echo "Installing from Debian:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
fi

python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -e '.[test]'
exec python3 -m pytest "$@"
