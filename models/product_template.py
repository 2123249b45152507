from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.payment_click.click_api import fiscal


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

    click_marking_required = fields.Boolean(
        string="Marking Codes Required",
        help="For goods under mandatory marking (tobacco, alcohol, medicines, ...): every unit sold carries its own "
             "code on the fiscal receipt. Odoo does not know which units an online order took, so it sends no "
             "receipt for them: your cash register issues it, and you attach it to the Click payment.",
    )
    click_commission_partner_id = fields.Many2one(
        string="Sold on Commission For", comodel_name='res.partner', ondelete='restrict',
        help="For goods you sell as a commission agent: the owner of the goods, whose TIN (9 digits) or PINFL "
             "(14 digits, for an individual), kept in its Tax ID, the fiscal receipt carries instead of your "
             "company's TIN.",
    )

    @api.constrains('click_commission_partner_id')
    def _check_click_commission_partner_id(self):
        for template in self.filtered('click_commission_partner_id'):
            partner = template.click_commission_partner_id
            kind, tax_id = next(iter(template._click_commission_info().items()))
            if not fiscal.COMMISSION_ID_PATTERNS[kind].fullmatch(tax_id):
                raise ValidationError(_(
                    "%(partner)s sells %(product)s through you on commission: set its TIN (9 digits) or PINFL "
                    "(14 digits) in its Tax ID first; it is now \"%(vat)s\".",
                    partner=partner.display_name, product=template.display_name, vat=partner.vat or '',
                ))

    def _click_commission_info(self):
        """``CommissionInfo`` of goods sold on commission: ``{'TIN': …}`` or ``{'PINFL': …}`` of the principal,
        None for own goods. A Tax ID that is neither goes as a TIN, which the builder refuses naming the line."""
        self.ensure_one()
        partner = self.click_commission_partner_id
        return fiscal.commission_info_of(partner.vat) if partner else None

    @api.constrains('click_spic')
    def _check_click_spic(self):
        for template in self:
            if template.click_spic and not fiscal.SPIC_PATTERN.fullmatch(template.click_spic):
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
