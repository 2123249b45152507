from odoo import http


class ClickMerchantEmulatorController(http.Controller):
    """Click's Merchant API (SPEC §7), played by Odoo for providers in test mode."""
    _base_url = '/payment/click/emulator/v2/merchant/'
