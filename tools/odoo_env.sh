# Locate Odoo 18 and prepare what payment_click needs to run against it.
# Source this file: it exports ODOO_BIN, ODOO_PYTHON, ODOO_ADDONS_PATH and
# PAYMENT_CLICK_HOME, or stops with a message saying how to point it at Odoo.
#
#   ODOO_SRC=/path/to/odoo-18-source   a source tree holding odoo-bin (git clone
#                                      of https://github.com/odoo/odoo -b 18.0)
#   ODOO_PYTHON=/path/to/python        a Python that already imports odoo 18
#                                      (an existing install); skips the venv
#   both                               that Python (a venv holding Odoo's
#                                      requirements) runs that source tree
_pc_fail() { echo "payment_click: $*" >&2; return 1 2>/dev/null || exit 1; }

PAYMENT_CLICK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PAYMENT_CLICK_HOME=${PAYMENT_CLICK_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/payment_click}
mkdir -p "$PAYMENT_CLICK_HOME/addons"

_pc_find_src() {
  local candidate
  for candidate in "${ODOO_SRC:-}" "$PAYMENT_CLICK_ROOT/../odoo" "$PAYMENT_CLICK_ROOT/../odoo-18.0" \
                   /opt/odoo18 /opt/odoo /usr/src/odoo "$HOME/odoo"; do
    [ -n "$candidate" ] && [ -f "$candidate/odoo-bin" ] && [ -d "$candidate/addons/payment" ] \
      && { (cd "$candidate" && pwd); return 0; }
  done
  return 1
}

if [ -n "${ODOO_PYTHON:-}" ] && [ -n "${ODOO_SRC:-}" ]; then
  [ -f "$ODOO_SRC/odoo-bin" ] || _pc_fail "ODOO_SRC=$ODOO_SRC holds no odoo-bin." || return 1 2>/dev/null
  ODOO_SRC=$(cd "$ODOO_SRC" && pwd)
  # The source tree comes first on the path, before any Odoo installed in that Python.
  export PYTHONPATH="$ODOO_SRC${PYTHONPATH:+:$PYTHONPATH}"
  "$ODOO_PYTHON" -c 'import odoo.release as r, phonenumbers; assert r.version_info[0] == 18' 2>/dev/null \
    || _pc_fail "ODOO_PYTHON=$ODOO_PYTHON cannot run the Odoo 18 in ODOO_SRC=$ODOO_SRC. Install its requirements:
  $ODOO_PYTHON -m pip install -r $ODOO_SRC/requirements.txt phonenumbers websocket-client" || return 1 2>/dev/null
elif [ -n "${ODOO_PYTHON:-}" ]; then
  "$ODOO_PYTHON" -c 'import odoo.release as r; assert r.version_info[0] == 18' 2>/dev/null \
    || _pc_fail "ODOO_PYTHON=$ODOO_PYTHON does not import Odoo 18." || return 1 2>/dev/null
  ODOO_SRC=$("$ODOO_PYTHON" -c 'import os, odoo; print(os.path.dirname(os.path.dirname(odoo.__file__)))')
else
  ODOO_SRC=$(_pc_find_src) || _pc_fail "cannot find Odoo 18.
  Get it from upstream:   git clone --depth 1 -b 18.0 https://github.com/odoo/odoo /opt/odoo18
  or point at a tree:     export ODOO_SRC=/path/to/odoo   (the folder holding odoo-bin)
  or at an installation:  export ODOO_PYTHON=/path/to/python-that-imports-odoo" || return 1 2>/dev/null
  grep -q "version_info = (18, 0" "$ODOO_SRC/odoo/release.py" \
    || _pc_fail "$ODOO_SRC is not Odoo 18.0." || return 1 2>/dev/null
  _pc_venv="$PAYMENT_CLICK_HOME/venv"
  if ! "$_pc_venv/bin/python" -c 'import werkzeug, psycopg2, lxml, requests, websocket, gevent, phonenumbers' 2>/dev/null \
       || [ "$ODOO_SRC/requirements.txt" -nt "$_pc_venv/.installed" ]; then
    echo "payment_click: installing Odoo's Python requirements into $_pc_venv (once)" >&2
    python3 -m venv "$_pc_venv" || _pc_fail "python3 -m venv failed" || return 1 2>/dev/null
    "$_pc_venv/bin/pip" install -q 'setuptools<81' 'setuptools_scm<8' wheel
    # psycopg2-binary avoids a compiler; python-ldap (only for auth_ldap) needs C headers.
    # gevent (the websocket worker) finds zope.* through pkg_resources, gone in setuptools 81,
    # and does not see the newest zope releases' metadata. phonenumbers, left out of Odoo's
    # requirements.txt, lets phone_validation check the numbers Click invoices go to.
    sed -E -e 's/^psycopg2==/psycopg2-binary==/' -e '/^python-ldap/d' "$ODOO_SRC/requirements.txt" > "$_pc_venv/requirements.txt"
    PIP_CONSTRAINT= "$_pc_venv/bin/pip" install -q --no-build-isolation -r "$_pc_venv/requirements.txt" \
      websocket-client phonenumbers 'setuptools<81' 'zope.interface<7' 'zope.event<6' \
      || _pc_fail "installing Odoo's requirements failed (see pip's output above)" || return 1 2>/dev/null
    touch "$_pc_venv/.installed"
  fi
  ODOO_PYTHON="$_pc_venv/bin/python"
fi
export ODOO_SRC ODOO_PYTHON
export ODOO_BIN="$ODOO_SRC/odoo-bin"
# Odoo loads an addon only from a folder named after it.
ln -sfn "$PAYMENT_CLICK_ROOT" "$PAYMENT_CLICK_HOME/addons/payment_click"
export ODOO_ADDONS_PATH="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$PAYMENT_CLICK_HOME/addons"
