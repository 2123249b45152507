#!/usr/bin/env bash
# Benchmark and race check against a real Odoo with --workers 2 (not part of the test suite):
# Prepare/Complete throughput beside /web/health, identical Completes fired at once, and the
# fifteen Click acceptance scenarios played by an independent client over HTTP.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
db=${PAYMENT_CLICK_BENCH_DB:-payment_click_bench}
source "$here/odoo_db.sh"
port=${PAYMENT_CLICK_BENCH_PORT:-8269}
dropdb --if-exists "$db"
"${odoo[@]}" -i payment_click --without-demo=all --stop-after-init --log-level=warn
BENCH_BASE_URL="http://127.0.0.1:$port" "$ODOO_PYTHON" "$ODOO_BIN" shell "${options[@]}" --log-level=warn < "$here/bench_setup.py"
rm -f "$PAYMENT_CLICK_HOME/bench-server.log"
"${odoo[@]}" --http-port="$port" --workers=2 --max-cron-threads=1 --log-level=warn \
  --logfile="$PAYMENT_CLICK_HOME/bench-server.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
"$ODOO_PYTHON" "$here/bench.py" "http://127.0.0.1:$port" "$db" "$@"
