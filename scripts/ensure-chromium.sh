#!/usr/bin/env bash
# The end-to-end tests (tests/e2e) drive Debian's Chromium with Playwright; install it when missing (as root, via
# apt — never a downloaded browser). Without root or apt the e2e tests skip with a message instead.
set -uo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing chromium for the end-to-end tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
    || echo "could not install chromium; e2e tests will be skipped" >&2
else
  echo "chromium is not installed (apt-get install chromium); e2e tests will be skipped" >&2
fi
exit 0
