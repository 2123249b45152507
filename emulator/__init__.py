"""Click in test mode: its payment page, app and Merchant API, played by Odoo. Production code never imports it."""
from . import controllers
from . import models
