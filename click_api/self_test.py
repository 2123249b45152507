"""The go-live self-test seen from outside: calls that get no Click answer, and why.

The merchant's server plays Click's fifteen scenarios (``shop_client.run_scenarios``) and probes its
own public address through ``SelfTestClient``; ``likely_cause`` names the deployment mistake that
most often explains a step that failed.
"""
import enum
import re
from dataclasses import dataclass

import requests

from .shop_client import ShopClient, ShopResponse
from .shop import ShopError


class Cause(enum.Enum):
    """The most likely reason why a call did not get the answer Click expects."""
    TIMEOUT = 'timeout'                  # no answer in time
    SINGLE_WORKER = 'single_worker'      # no answer in time from a server whose single worker runs the test
    SKIPPED = 'skipped'                  # not sent: an earlier call timed out
    SSL = 'ssl'                          # the certificate is not trusted
    UNREACHABLE = 'unreachable'          # refused, no route, unknown host name
    REDIRECT = 'redirect'                # a redirect, which loses the posted form
    HTML = 'html'                        # a web page: the call reached no database, or another one
    HTTP_STATUS = 'http_status'          # an HTTP error from a proxy, a firewall or Odoo
    NOT_CLICK = 'not_click'              # an answer that is not Click's JSON
    KEY_MISMATCH = 'key_mismatch'        # -1: the answering side checks with another secret key
    UNKNOWN_SERVICE = 'unknown_service'  # -8: the answering side has no provider for the service_id
    UNKNOWN_PAYMENT = 'unknown_payment'  # -5: the answering side does not know the test payment
    UNEXPECTED = 'unexpected'            # an answer against Click's rules


# The answer codes that betray a call answered by another database or provider.
_CODE_CAUSES = {
    ShopError.SIGN_CHECK_FAILED: Cause.KEY_MISMATCH,
    ShopError.BAD_REQUEST: Cause.UNKNOWN_SERVICE,
    ShopError.USER_DOES_NOT_EXIST: Cause.UNKNOWN_PAYMENT,
}
_OBJECT_REPR = re.compile(r'<[^<>]*>: ')


@dataclass
class UnansweredCall(ShopResponse):
    """A call that got no answer from a Click handler; ``text`` says what came instead."""
    cause: Cause = Cause.UNREACHABLE


class SelfTestClient(ShopClient):
    """A ShopClient whose calls always return: a failed call becomes an ``UnansweredCall``.

    It follows no redirect, since a redirected POST loses its form. Once a call has timed out it
    sends nothing more: on a server whose only worker is busy running the test, each call would
    wait as long.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.session.max_redirects = 0
        self.timed_out = False

    def send(self, form, url=None):
        return self._call(form, lambda: super(SelfTestClient, self).send(form, url))

    def probe(self, url):
        """GET ``url`` and read the answer like Click's."""
        return self._call({}, lambda: ShopResponse.read({}, self.session.get(url, timeout=self.timeout)))

    def _call(self, form, call):
        if self.timed_out:
            return UnansweredCall(form, 0, '', '', cause=Cause.SKIPPED)
        try:
            return call()
        except requests.TooManyRedirects as error:
            return UnansweredCall(form, error.response.status_code, '', error.response.headers.get('Location', ''),
                                  cause=Cause.REDIRECT)
        except requests.exceptions.SSLError as error:
            return UnansweredCall(form, 0, '', failure_detail(error), cause=Cause.SSL)
        except requests.Timeout as error:
            self.timed_out = True
            return UnansweredCall(form, 0, '', failure_detail(error), cause=Cause.TIMEOUT)
        except requests.RequestException as error:
            return UnansweredCall(form, 0, '', failure_detail(error), cause=Cause.UNREACHABLE)


def failure_detail(error):
    """The innermost reason of a ``requests`` failure, without urllib3's object addresses."""
    reason = error.args[0] if error.args else error
    return _OBJECT_REPR.sub('', str(getattr(reason, 'reason', reason)))


def delivery_problem(response):
    """Why ``response`` is not a JSON answer of the merchant's application, or None when it is one."""
    if isinstance(response, UnansweredCall):
        return response.cause
    if response.status in (200, 404) and (
        'html' in response.content_type or response.text.lstrip().startswith('<')
    ):
        return Cause.HTML
    if response.status != 200:
        return Cause.HTTP_STATUS
    if not isinstance(response.body, dict):
        return Cause.NOT_CLICK
    return None


def likely_cause(result):
    """What most likely made a scenario step (a ``shop_client.StepResult``) fail; None when it passed."""
    if result.passed:
        return None
    if problem := delivery_problem(result.response):
        return problem
    error = result.response.error
    if not isinstance(error, int):
        return Cause.NOT_CLICK
    return _CODE_CAUSES.get(error, Cause.UNEXPECTED)


def read_echo(response):
    """The ``url_root`` and ``database`` a probe of the echo route reports, or None."""
    body = response.body if delivery_problem(response) is None else None
    if body and all(isinstance(body.get(key), str) for key in ('url_root', 'database')):
        return body
    return None
