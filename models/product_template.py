import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.payment_click.click_api import fiscal

_SPIC = re.compile(r'[0-9]{17}')


class ProductTemplate(models.Model):
    _inherit = 'product.template'

    # === BUSINESS METHODS - FISCAL RECEIPTS === #

    click_spic = fields.Char(
        string="IKPU (SPIC)",
        help="The product's 17-digit code in the tax office's classifier (tasnif.soliq.uz), printed on "
             "the fiscal receipts Click issues for it.",
    )
    click_package_code = fields.Char(
        string="Package Code",
        help="The classifier's package code of the product's unit (tasnif.soliq.uz), required on fiscal "
             "receipts.",
    )
    click_units_code = fields.Integer(
        string="Unit Code",
        help="Optional: the classifier's code of the unit of measure, sent on fiscal receipts when set.",
    )

    @api.constrains('click_spic')
    def _check_click_spic(self):
        for template in self:
            if template.click_spic and not _SPIC.fullmatch(template.click_spic):
                raise ValidationError(_(
                    "The IKPU of %(product)s must be 17 digits (from tasnif.soliq.uz), not \"%(code)s\".",
                    product=template.display_name, code=template.click_spic,
                ))

    @api.constrains('click_package_code')
    def _check_click_package_code(self):
        for template in self:
            if template.click_package_code and len(template.click_package_code) > fiscal.MAX_PACKAGE_CODE_LENGTH:
                raise ValidationError(_(
                    "The package code of %(product)s must be at most %(length)s characters.",
                    product=template.display_name, length=fiscal.MAX_PACKAGE_CODE_LENGTH,
                ))

    @api.constrains('click_units_code')
    def _check_click_units_code(self):
        for template in self:
            if template.click_units_code < 0:
                raise ValidationError(_("The unit code of %s cannot be negative.", template.display_name))
