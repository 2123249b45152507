#!/usr/bin/env bash
# Demo: Odoo with the eCommerce and payment_click on a local database with demo data for a company
# in Tashkent (so'm prices, Russian and Uzbek on the website) and Click in test mode against the
# built-in Click emulator.
# Open http://localhost:8069/shop, buy something, choose Click and press Pay.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
db=${PAYMENT_CLICK_DEMO_DB:-payment_click_demo}
source "$here/odoo_db.sh"
port=${PAYMENT_CLICK_DEMO_PORT:-8069}
# Odoo renders the order confirmation PDF it e-mails when the payment goes through.
if ! command -v wkhtmltopdf >/dev/null; then
  echo "payment_click: installing wkhtmltopdf from Debian's packages (Odoo's PDF renderer)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wkhtmltopdf >/dev/null
fi
if ! psql -d "$db" -c 'SELECT 1' >/dev/null 2>&1; then
  echo "payment_click: creating the demo database $db for a company in Uzbekistan (a few minutes, once)" >&2
  "$ODOO_PYTHON" "$here/create_db.py" "${options[@]}" --log-level=warn
fi
installed="SELECT 1 FROM ir_module_module WHERE name = 'payment_click' AND state = 'installed'"
if ! psql -d "$db" -tAc "$installed" | grep -q 1; then
  "${odoo[@]}" -i website_sale,payment_click --stop-after-init --log-level=warn
fi
configured="SELECT 1 FROM payment_provider WHERE code = 'click' AND state = 'test'"
if ! psql -d "$db" -tAc "$configured" | grep -q 1; then
  DEMO_BASE_URL="http://localhost:$port" "$ODOO_PYTHON" "$ODOO_BIN" shell "${options[@]}" --log-level=warn < "$here/demo_setup.py"
fi
echo "payment_click: shop at http://localhost:$port/shop (back office: admin / admin)" >&2
exec "${odoo[@]}" --http-port="$port" "$@"
