#!/usr/bin/env bash
# Installs Debian's chromium for the browser test (test/browser/) when /usr/bin/chromium is missing.
# The test drives this browser with playwright-core; a browser build downloaded by Playwright is never used
# (only the Debian and npm registries are reachable). Needs root (CI runs as root).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "install-browser: /usr/bin/chromium is already installed ($(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium
echo "install-browser: installed $(/usr/bin/chromium --version)"
