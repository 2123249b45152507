# Source with $db set: finds Odoo, starts PostgreSQL, and defines the odoo-bin command for $db:
#   options  the addons path and database options, for subcommands (odoo-bin shell "${options[@]}")
#   odoo     odoo-bin with those options
_tools=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$_tools/odoo_env.sh"
source "$_tools/pg_start.sh"
options=(--addons-path="$ODOO_ADDONS_PATH" -d "$db" --db-filter="^$db\$")
odoo=("$ODOO_PYTHON" "$ODOO_BIN" "${options[@]}")
cd "$PAYMENT_CLICK_HOME"
