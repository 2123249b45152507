"""Click's wire protocol in plain Python: no Odoo import anywhere in this package."""
