"""SHOP API signatures (SPEC §2.9): md5 over the raw received strings."""
import hashlib
import hmac
from datetime import timedelta, timezone

PREPARE = '0'
COMPLETE = '1'

# Click's clock: sign_time and the reporting day are Tashkent wall-clock time, which keeps no daylight
# saving time. The one definition; the Odoo side reads it as const.CLICK_TIMEZONE.
CLICK_TIMEZONE = 'Asia/Tashkent'
TASHKENT = timezone(timedelta(hours=5), CLICK_TIMEZONE)


def shop_sign_string(form, secret_key):
    """Return the lowercase md5 hex Click puts in ``sign_string`` for ``form``.

    ``form`` maps field names to the strings exactly as sent; nothing is parsed or reformatted.
    ``merchant_prepare_id`` joins the input only for Complete (``action == '1'``); any other
    action is signed with the Prepare formula.
    """
    parts = [form['click_trans_id'], form['service_id'], secret_key, form['merchant_trans_id']]
    if form['action'] == COMPLETE:
        parts.append(form['merchant_prepare_id'])
    parts += [form['amount'], form['action'], form['sign_time']]
    return hashlib.md5(''.join(parts).encode('utf-8')).hexdigest()


def signature_matches(form, secret_key):
    """Tell, in constant time, whether ``form['sign_string']`` was made with ``secret_key``."""
    expected = shop_sign_string(form, secret_key).encode('utf-8')
    received = form['sign_string'].strip().lower().encode('utf-8')
    return hmac.compare_digest(expected, received)
