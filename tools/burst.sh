#!/usr/bin/env bash
# A burst of Click payments on a real Odoo with --workers 2 --max-cron-threads 1 (not a test):
# --size transactions of shop orders are prepared through the ORM, their Completes sent as fast as
# the server answers them, then the post-processing cron books every payment while a few customers'
# status pages poll. Prints the time to answer the Completes, the time until all are post-processed,
# what was post-processed each minute, SQL checks, each process's peak RSS and the log's ERROR lines.
#   PAYMENT_CLICK_BENCH_DB, _PORT, _TEMPLATE: see tools/bench_db.sh
#   PAYMENT_CLICK_BURST_ORDER_PDF=1  keep the order's PDF in sale's confirmation e-mail (wkhtmltopdf
#                                    takes seconds an order here: it is taken off by default)
# Usage: tools/burst.sh [--size N] [--timeout MINUTES]   (N = 10000 by default)
set -euo pipefail
size=10000
for ((i = 1; i <= $#; i++)); do [ "${!i}" = --size ] && { j=$((i + 1)); size=${!j}; }; done
source "$(dirname "$0")/bench_db.sh"
[ -n "${PAYMENT_CLICK_BURST_ORDER_PDF:-}" ] || export BENCH_NO_ORDER_PDF=1
sessions=$(mktemp)
start=$(date +%s)
BENCH_BASE_URL="http://127.0.0.1:$port" BENCH_TRANSACTIONS=$((size + 16)) BENCH_PREFIX=BURST BENCH_PREPARED=1 BENCH_SESSIONS=8 BENCH_SESSIONS_LAST=$((size - 1)) \
  BENCH_SESSIONS_FILE="$sessions" "$ODOO_PYTHON" "$ODOO_BIN" shell "${options[@]}" --log-level=warn \
  < "$here/bench_setup.py"
echo "$((size + 16)) shop orders and their transactions prepared in $(($(date +%s) - start)) s"
log="$PAYMENT_CLICK_HOME/$db-server.log"
rm -f "$log"
# Warnings and errors, werkzeug's line per request, and the cron's line per run.
"${odoo[@]}" --http-port="$port" --gevent-port=$((port + 1000)) --workers=2 --max-cron-threads=1 \
  --log-level=warn --log-handler=werkzeug:INFO --log-handler=odoo.addons.base.models.ir_cron:INFO \
  --logfile="$log" &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -f "$sessions"' EXIT
"$ODOO_PYTHON" "$here/burst.py" "http://127.0.0.1:$port" "$db" "$log" "$server" "$sessions" "$@"
