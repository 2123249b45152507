"""One meaning per field on Click transactions.

- ``click_prepare_date`` says when Click announced a payment (Prepare); a saved card's or CLICK Pass
  charge's start moves to ``click_charge_date``, which the status sync and the charges under way read.
- ``click_trans_id`` holds Click's click_trans_id only: the payment id a charge, or a status answer
  without any Prepare, wrote there is cleared (it stays the Provider Reference).
"""

CHARGES = """
    payment_transaction tx
    WHERE (tx.click_is_pass OR tx.payment_method_id IN (SELECT id FROM payment_method WHERE code = 'click_card'))
"""


def migrate(cr, version):
    cr.execute(f"""
        UPDATE payment_transaction t SET click_charge_date = t.click_prepare_date, click_prepare_date = NULL
          FROM {CHARGES} AND tx.id = t.id AND t.click_prepare_date IS NOT NULL
    """)
    cr.execute(f"UPDATE payment_transaction t SET click_trans_id = NULL FROM {CHARGES} AND tx.id = t.id")
    cr.execute("""
        UPDATE payment_transaction SET click_trans_id = NULL
         WHERE click_trans_id = provider_reference AND click_prepare_date IS NULL
    """)
