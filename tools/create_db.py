"""Create the demo database the way Odoo's database manager does, for an Uzbek company.

Run by tools/run.sh with odoo-bin's options: ``create_db.py --addons-path=... -d DB ...``.
Odoo sets the company's country and currency (so'm) from the country code; the demo data is on,
the language en_US and the login admin / admin.
"""
import os
import sys

sys.path.insert(0, os.environ['ODOO_SRC'])  # a source tree is not on the venv's path
import odoo  # noqa: E402
from odoo.service import db  # noqa: E402

odoo.tools.config.parse_config(sys.argv[1:])
name = odoo.tools.config['db_name']
db.exp_create_database(name, True, 'en_US', 'admin', 'admin', 'UZ', None)

# Odoo logs a failed initialization and carries on: check it, and leave no half-made database.
registry = odoo.modules.registry.Registry(name)
with registry.cursor() as cr:
    company = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}).ref('base.main_company')
    made = company.country_id.code == 'UZ' and company.currency_id.name == 'UZS'
if not made:
    db.exp_drop(name)
    sys.exit(f"payment_click: creating the database {name} failed (see Odoo's log above)")
