#!/usr/bin/env bash
# Installs everything Leaderled needs on a fresh machine; safe to run again.
#   scripts/bootstrap.sh python   virtualenv .venv with the package, test and dev extras
#   scripts/bootstrap.sh node     Learning Locker's statement service (npm) for the local LRS
#   scripts/bootstrap.sh browser  Debian's chromium for the browser tests
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}

python_env() {
  if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
  fi
  # Re-install (which compiles the message catalogues) when the project or a catalogue changes.
  stamp="$VENV/.installed-$(cat pyproject.toml hatch_build.py plugin/translations/*/LC_MESSAGES/messages.po | sha1sum | cut -c1-12)"
  if [ ! -f "$stamp" ]; then
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -e '.[test,dev]'
    rm -f "$VENV"/.installed-*
    touch "$stamp"
  fi
}

node_env() {
  command -v npm >/dev/null || { echo "npm is needed for the local LRS (install Node.js 20)" >&2; exit 1; }
  if [ ! -d tests/lrs_servers/node_modules/xapi-statements ] || [ ! -f tests/lrs_servers/node_modules/axe-core/axe.min.js ]; then
    (cd tests/lrs_servers && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

browser() {
  if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
      sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
  fi
}

for part in "${@:-python node browser}"; do
  for p in $part; do
    case "$p" in
      python) python_env ;;
      node) node_env ;;
      browser) browser ;;
      *) echo "unknown part: $p" >&2; exit 2 ;;
    esac
  done
done
