#!/usr/bin/env bash
# Run payment_click's whole test suite inside Odoo 18 on a fresh PostgreSQL database.
# Usage: tools/test.sh [extra odoo-bin options, e.g. --test-tags /payment_click:TestShopCallbacks]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
db=${PAYMENT_CLICK_TEST_DB:-payment_click_test}
source "$here/odoo_db.sh"
dropdb --if-exists "$db"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
"${odoo[@]}" -i payment_click,website_sale --without-demo=all --test-tags /payment_click --stop-after-init \
  --http-port="${PAYMENT_CLICK_TEST_PORT:-8169}" --log-level=test "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
# Odoo's closing line: "N failed, M error(s) of T tests when loading database ..."
read -r n_failed n_errors n_tests < <(sed -nE \
  's/.*odoo\.tests\.result: ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests when loading.*/\1 \2 \3/p' "$log" | tail -n 1)
if [ -z "${n_tests:-}" ]; then
  echo "payment_click: Odoo printed no test summary (exit code $rc)" >&2
  exit 1
fi
# Odoo skips a browser tour, and counts it as passed, when it finds no Chrome or no websocket-client.
skipped=$(grep -E 'odoo\.addons\.payment_click\.tests\.[a-z_]+: skipped ' "$log" || true)
if [ -n "$skipped" ]; then
  echo "payment_click: tests were skipped, which the suite does not allow:" >&2
  echo "$skipped" >&2
  echo "payment_click: browser tours need Chromium (apt-get install chromium) and websocket-client." >&2
  n_errors=$((n_errors + $(printf '%s\n' "$skipped" | wc -l)))
fi
# A routine run logs no ERROR: a test that provokes one on purpose mutes it (mute_logger, assertLogs).
# Odoo's own lines about failed tests are counted above already.
unexpected=$(grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$log" \
  | grep -vE ' odoo\.(tests\.result|addons\.payment_click\.tests\.[a-z_]+): (ERROR|FAIL): |odoo\.tests\.result: [0-9]+ failed' || true)
if [ -n "$unexpected" ]; then
  echo "payment_click: the server logged ERROR lines that no test asked for:" >&2
  echo "$unexpected" >&2
  n_errors=$((n_errors + $(printf '%s\n' "$unexpected" | wc -l)))
fi
echo "$((n_tests - n_failed - n_errors)) passed, $((n_failed + n_errors)) failed"
[ "$rc" -eq 0 ] && [ "$n_tests" -gt 0 ] && [ "$n_failed" -eq 0 ] && [ "$n_errors" -eq 0 ]
