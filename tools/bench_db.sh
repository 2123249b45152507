# Sourced by bench.sh and burst.sh: the scratch database, rebuilt from scratch or from a template.
#   PAYMENT_CLICK_BENCH_DB        scratch database (payment_click_bench), dropped and rebuilt
#   PAYMENT_CLICK_BENCH_PORT      its HTTP port (8269; the websocket port is 1000 above)
#   PAYMENT_CLICK_BENCH_TEMPLATE  a database with payment_click and website_sale to copy and update,
#                                 instead of installing them
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
db=${PAYMENT_CLICK_BENCH_DB:-payment_click_bench}
source "$here/odoo_db.sh"
port=${PAYMENT_CLICK_BENCH_PORT:-8269}
template=${PAYMENT_CLICK_BENCH_TEMPLATE:-}
dropdb --if-exists "$db"
filestore=~/.local/share/Odoo/filestore
rm -rf "${filestore:?}/$db"
if [ -n "$template" ]; then
  createdb -T "$template" "$db"
  [ -d "$filestore/$template" ] && cp -r "$filestore/$template" "$filestore/$db"
  "${odoo[@]}" -u payment_click --stop-after-init --log-level=warn
else
  "${odoo[@]}" -i payment_click,website_sale --without-demo=all --stop-after-init --log-level=warn
fi
