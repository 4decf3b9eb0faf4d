#!/usr/bin/env bash
# Message catalogues: extract the words to translate and merge them into each language.
#   scripts/i18n.sh update     extract plugin/translations/messages.pot, merge into every messages.po
#   scripts/i18n.sh init LL    start a new language (then translate plugin/translations/LL/LC_MESSAGES/messages.po)
# Catalogues are compiled by the package build (hatch_build.py): `scripts/bootstrap.sh python`.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
POT=plugin/translations/messages.pot
extract() {
  "$BIN/pybabel" -q extract -F babel.cfg -k lazy -k _ -k ngettext:1,2 --no-location --sort-output \
    --project=Leaderled --copyright-holder="Leaderled contributors" -o "$POT" plugin
  # The creation date changes on every run; keep the file stable for the staleness test.
  sed -i '/^"POT-Creation-Date:/d' "$POT"
}
case "${1:-}" in
  extract) extract ;;
  update)
    extract
    "$BIN/pybabel" -q update --no-fuzzy-matching --ignore-obsolete --no-wrap \
      -i "$POT" -d plugin/translations
    # A fixed date in each .po: without one, reading the catalogue stamps "now" into the
    # compiled .mo, and the staleness test would depend on the minute it runs in.
    sed -i 's/^"POT-Creation-Date: .*"$/"POT-Creation-Date: 2026-12-01 00:00+0000\\n"/' \
      plugin/translations/*/LC_MESSAGES/messages.po
    ;;
  init)
    extract
    "$BIN/pybabel" -q init -i "$POT" -d plugin/translations -l "$2" --no-wrap
    ;;
  *) echo "usage: scripts/i18n.sh extract | update | init LL" >&2; exit 2 ;;
esac
