#!/usr/bin/env bash
# Demo: Odoo with the eCommerce and payment_click on a local database with demo data, prices in
# Uzbek so'm and Click in test mode against the built-in Click emulator.
# Open http://localhost:8069/shop, buy something, choose Click and press Pay.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
db=${PAYMENT_CLICK_DEMO_DB:-payment_click_demo}
source "$here/odoo_db.sh"
port=${PAYMENT_CLICK_DEMO_PORT:-8069}
if ! psql -d "$db" -c 'SELECT 1 FROM payment_provider LIMIT 1' >/dev/null 2>&1; then
  echo "payment_click: creating the demo database $db (a few minutes, once)" >&2
  "${odoo[@]}" -i website_sale,payment_click --stop-after-init --log-level=warn
  DEMO_BASE_URL="http://localhost:$port" "$ODOO_PYTHON" "$ODOO_BIN" shell "${options[@]}" --log-level=warn < "$here/demo_setup.py"
fi
echo "payment_click: shop at http://localhost:$port/shop (back office: admin / admin)" >&2
exec "${odoo[@]}" --http-port="$port" "$@"
