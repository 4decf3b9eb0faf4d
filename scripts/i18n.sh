#!/usr/bin/env bash
# Message catalogues: extract the words to translate and merge them into each language.
#   scripts/i18n.sh update     extract plugin/translations/messages.pot, merge into every messages.po
#   scripts/i18n.sh init LL    start a new language (then translate plugin/translations/LL/LC_MESSAGES/messages.po)
# Catalogues are compiled by the package build (hatch_build.py), e.g. `scripts/bootstrap.sh python`.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
POT=plugin/translations/messages.pot
extract() {
  "$BIN/pybabel" extract --quiet -F babel.cfg -k lazy_gettext -k _l --no-location \
    --sort-output --omit-header -o "$POT" plugin
}
case "${1:-}" in
  update)
    extract
    "$BIN/pybabel" update --quiet --no-fuzzy-matching --omit-header -i "$POT" -d plugin/translations
    ;;
  init)
    extract
    "$BIN/pybabel" init -i "$POT" -d plugin/translations -l "$2"
    ;;
  *) echo "usage: scripts/i18n.sh update | init LL" >&2; exit 2 ;;
esac
