#!/usr/bin/env bash
# Benchmark and race check against a real Odoo with --workers 2 (not part of the test suite):
# Prepare and Complete (each on distinct transactions of shop orders) beside /web/health through
# wrk, their queries and time per call from the request log, identical Completes fired at once,
# and the fifteen Click acceptance scenarios played by an independent client over HTTP.
#   PAYMENT_CLICK_BENCH_DB, _PORT, _TEMPLATE: see tools/bench_db.sh
# Arguments go to bench.py (--count N: distinct transactions per call, 1200).
set -euo pipefail
count=1200
for ((i = 1; i <= $#; i++)); do [ "${!i}" = --count ] && { j=$((i + 1)); count=${!j}; }; done
source "$(dirname "$0")/bench_db.sh"
BENCH_BASE_URL="http://127.0.0.1:$port" BENCH_TRANSACTIONS=$((count + 50)) \
  "$ODOO_PYTHON" "$ODOO_BIN" shell "${options[@]}" --log-level=warn < "$here/bench_setup.py"
log="$PAYMENT_CLICK_HOME/bench-server.log"
rm -f "$log"
server=
stop_server() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  server=
}
trap stop_server EXIT
status=0
# Measured with the crons off (post-processing would share the CPU with /web/health unevenly), then
# checked with one cron thread, which post-processes. Warnings and errors are logged, and werkzeug's
# line per request: its query count, SQL time and other time.
for phase in measure check; do
  "${odoo[@]}" --http-port="$port" --gevent-port=$((port + 1000)) --workers=2 \
    --max-cron-threads=$([ $phase = measure ] && echo 0 || echo 1) --log-level=warn \
    --log-handler=werkzeug:INFO --logfile="$log" &
  server=$!
  "$ODOO_PYTHON" "$here/bench.py" $phase "http://127.0.0.1:$port" "$db" "$log" "$@" || status=$?
  stop_server
done
echo "server log: $log ($(grep -c ' ERROR ' "$log" || true) ERROR lines)"
exit $status
