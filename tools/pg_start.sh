# Start a local PostgreSQL (Debian's cluster) and give the current user a role.
# Sourced by the other tools; exports PGHOST for Odoo's unix-socket connection.
if ! command -v pg_ctlcluster >/dev/null; then
  echo "payment_click: installing PostgreSQL from Debian's packages" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
_pg_version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
pg_lsclusters -h | grep -q "^$_pg_version main" || pg_createcluster "$_pg_version" main >/dev/null
pg_lsclusters -h | grep -q "^$_pg_version main .* online" || pg_ctlcluster "$_pg_version" main start
_pg_user=$(id -un)
if [ "$_pg_user" = postgres ]; then
  echo "payment_click: run Odoo as a user other than postgres" >&2
  exit 1
fi
# Creating the role needs the postgres account: root reaches it with su, others with sudo.
_as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi; }
_as_postgres "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='$_pg_user'\"" | grep -q 1 \
  || _as_postgres "createuser --createdb '$_pg_user'"
export PGHOST=/var/run/postgresql
