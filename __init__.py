from . import controllers
from . import emulator
from . import models
from . import wizard

from odoo.addons.payment import setup_provider, reset_payment_provider
from odoo.addons.payment_click.const import UZBEK_LANGUAGE


def post_init_hook(env):
    setup_provider(env, 'click')
    env['payment.provider'].search([('code', '=', 'click')]).filtered('journal_id')._click_setup_settlement()
    languages = env['res.lang'].with_context(active_test=False)
    if not languages.search_count([('code', '=', UZBEK_LANGUAGE['code'])]):
        languages.create(UZBEK_LANGUAGE)


def uninstall_hook(env):
    reset_payment_provider(env, 'click')
