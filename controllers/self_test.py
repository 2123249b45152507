from odoo import http
from odoo.http import request


class ClickSelfTestController(http.Controller):
    _echo_url = '/payment/click/self_test/echo'

    @http.route(_echo_url, type='http', auth='public', methods=['GET'], save_session=False)
    def click_self_test_echo(self):
        """Tell the go-live self-test the address its call reached, as Odoo sees it, and the database."""
        return request.make_json_response({
            'url_root': request.httprequest.url_root,
            'database': request.env['payment.provider']._click_database_token(),
        })
