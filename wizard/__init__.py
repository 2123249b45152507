from . import payment_click_document_wizard
from . import payment_click_fiscal_receipt_wizard
from . import payment_click_invoice_wizard
from . import payment_click_pass_wizard
from . import payment_refund_wizard
from . import payment_click_refund_wizard
from . import payment_click_telegram_link_wizard
