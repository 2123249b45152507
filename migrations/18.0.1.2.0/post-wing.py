"""The emulator's fault switch leaves the provider for the emulator's own settings (payment.click.emulator.service).

A fault set on a provider of an earlier version is carried over to its emulated service; Odoo drops the
provider's column at the end of the upgrade, as it does for every removed field.
"""
from odoo.tools.sql import column_exists


def migrate(cr, version):
    if not column_exists(cr, 'payment_provider', 'click_emulator_fault'):
        return
    cr.execute("""
        INSERT INTO payment_click_emulator_service (provider_id, fault, create_uid, create_date, write_uid, write_date)
        SELECT id, click_emulator_fault, 1, NOW() AT TIME ZONE 'UTC', 1, NOW() AT TIME ZONE 'UTC'
          FROM payment_provider
         WHERE code = 'click' AND COALESCE(click_emulator_fault, 'none') != 'none'
        ON CONFLICT (provider_id) DO UPDATE SET fault = EXCLUDED.fault
    """)
