"""Click's side of the SHOP API: sign and send Prepare and Complete as Click's servers do.

The go-live self-test and the benchmark play Click towards a merchant with it, the emulator plays
Click's payments with it, and ``python -m`` runs the fifteen acceptance scenarios of SPEC §4.3
against any merchant.
"""
import argparse
import json
import os
import secrets
import sys
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import requests

from .amounts import format_amount
from .shop import ShopError
from .signing import COMPLETE, PREPARE, TASHKENT, shop_sign_string

CANCELLED_BY_CLICK = -5017
DECLINED_NOTE = 'Payment declined'
BAD_SIGN = '0123456789abcdef0123456789abcdef'
WRONG_AMOUNT = '300'


def new_click_id():
    """A fresh id of the size Click uses for ``click_trans_id`` and ``click_paydoc_id``."""
    return 1_000_000_000 + secrets.randbelow(8_999_999_999)


def click_time():
    """``sign_time`` as Click writes it: Tashkent wall-clock time."""
    return datetime.now(TASHKENT).strftime('%Y-%m-%d %H:%M:%S')


@dataclass
class ShopResponse:
    """What the merchant answered, kept raw so that a malformed answer can be reported."""
    form: dict
    status: int
    content_type: str
    text: str
    body: dict | None = field(default=None)

    @classmethod
    def read(cls, form, response):  # pylint: disable=method-required-super  # not an Odoo model
        """Keep a ``requests`` response, and its JSON body when it has one."""
        try:
            body = response.json()
        except ValueError:
            body = None
        return cls(form, response.status_code, response.headers.get('Content-Type', ''), response.text, body)

    @property
    def error(self):
        return self.body.get('error') if isinstance(self.body, dict) else None


class ShopClient:
    """Plays Click towards one merchant service's Prepare and Complete URLs."""

    def __init__(self, prepare_url, complete_url, service_id, secret_key, session=None, timeout=10):
        self.prepare_url = prepare_url
        self.complete_url = complete_url
        self.service_id = str(service_id)
        self.secret_key = secret_key
        self.session = session or requests.Session()
        self.timeout = timeout

    def build_form(self, action, merchant_trans_id, amount, *, merchant_prepare_id=None,
                   click_trans_id=None, click_paydoc_id=None, error=0, error_note='Success',
                   sign_time=None, sign_string=None, service_id=None):
        """Return a signed form; ``amount`` is sent verbatim when given as text."""
        form = {
            'click_trans_id': str(click_trans_id or new_click_id()),
            'service_id': str(service_id or self.service_id),
            'click_paydoc_id': str(click_paydoc_id or new_click_id()),
            'merchant_trans_id': merchant_trans_id,
            'amount': amount if isinstance(amount, str) else format_amount(amount),
            'action': action,
            'error': str(error),
            'error_note': error_note,
            'sign_time': sign_time or click_time(),
        }
        if action == COMPLETE:
            form['merchant_prepare_id'] = str(merchant_prepare_id)
        form['sign_string'] = sign_string or shop_sign_string(form, self.secret_key)
        return form

    def send(self, form, url=None):
        """POST a form as Click does and read the answer without trusting its shape."""
        url = url or (self.complete_url if form.get('action') == COMPLETE else self.prepare_url)
        return ShopResponse.read(form, self.session.post(url, data=form, timeout=self.timeout))

    def prepare(self, merchant_trans_id, amount, **overrides):
        return self.send(self.build_form(PREPARE, merchant_trans_id, amount, **overrides))

    def complete(self, merchant_trans_id, amount, merchant_prepare_id, **overrides):
        return self.send(self.build_form(
            COMPLETE, merchant_trans_id, amount, merchant_prepare_id=merchant_prepare_id, **overrides
        ))

    def pay(self, merchant_trans_id, amount, declined=False, on_prepared=None, send_complete=True, prepared=None):
        """Run one payment as Click does: Prepare, then Complete with the debit's outcome.

        :param on_prepared: called with the Prepare response before Complete is sent, e.g. to record
            the payment on Click's side
        :param bool send_complete: False loses the Complete, as when Click's call never arrives
        :param ShopResponse prepared: the Prepare response, when the caller sent Prepare itself
        :return: the Prepare response and, when Prepare succeeded and Complete was sent, the Complete
            response
        """
        if prepared is None:
            prepared = self.prepare(merchant_trans_id, amount)
            if on_prepared:
                on_prepared(prepared)
        if prepared.error != ShopError.SUCCESS or not send_complete:
            return [prepared]
        outcome = {'error': CANCELLED_BY_CLICK, 'error_note': DECLINED_NOTE} if declined else {}
        completed = self.complete(
            merchant_trans_id, prepared.form['amount'], prepared.body['merchant_prepare_id'],
            click_trans_id=prepared.form['click_trans_id'], click_paydoc_id=prepared.form['click_paydoc_id'],
            **outcome,
        )
        return [prepared, completed]


@dataclass
class StepResult:
    step: str
    description: str
    expected: int
    response: ShopResponse

    @property
    def passed(self):
        return self.response.status == 200 and self.response.error == self.expected


def run_scenarios(client, orders, unknown_reference, paid_cancel_expectation=ShopError.ALREADY_PAID):
    """Run the fifteen scenarios of SPEC §4.3 (order N) against a merchant.

    :param dict orders: ``{'A': (reference, amount), 'B': ..., 'C': ...}``, three fresh unpaid orders
    :param str unknown_reference: a ``merchant_trans_id`` the merchant does not know
    :param int paid_cancel_expectation: the answer expected in step A8 (SPEC §11 item A)
    :return: one StepResult per step, in order
    """
    if any(format_amount(amount) == format_amount(Decimal(WRONG_AMOUNT)) for _ref, amount in orders.values()):
        raise ValueError(f"an order of {WRONG_AMOUNT} cannot be told apart from the wrong amount")
    results = []

    def step(name, description, expected, response):
        results.append(StepResult(name, description, int(expected), response))
        return response

    def prepared_id(response):
        return response.body.get('merchant_prepare_id') if isinstance(response.body, dict) else None

    cancel = {'error': CANCELLED_BY_CLICK, 'error_note': 'Payment cancelled'}
    ref, amount = orders['A']
    paydoc = new_click_id()
    step('A1', "Prepare with a wrong signature", ShopError.SIGN_CHECK_FAILED,
         client.prepare(ref, amount, click_paydoc_id=paydoc, sign_string=BAD_SIGN))
    step('A2', "Prepare for an unknown order", ShopError.USER_DOES_NOT_EXIST,
         client.prepare(unknown_reference, amount))
    prepare_id = prepared_id(step('A3', "Prepare", ShopError.SUCCESS,
                                  client.prepare(ref, amount, click_paydoc_id=paydoc)))
    step('A4', "Complete with a wrong signature", ShopError.SIGN_CHECK_FAILED,
         client.complete(ref, amount, prepare_id, click_paydoc_id=paydoc, sign_string=BAD_SIGN))
    step('A5', "Complete with a wrong amount", ShopError.INCORRECT_AMOUNT,
         client.complete(ref, WRONG_AMOUNT, prepare_id, click_paydoc_id=paydoc))
    step('A6', "Complete", ShopError.SUCCESS,
         client.complete(ref, amount, prepare_id, click_paydoc_id=paydoc))
    step('A7', "Complete again", ShopError.ALREADY_PAID,
         client.complete(ref, amount, prepare_id, click_paydoc_id=paydoc))
    step('A8', "Cancel a paid order", paid_cancel_expectation,
         client.complete(ref, amount, prepare_id, click_paydoc_id=paydoc, **cancel))

    ref, amount = orders['B']
    paydoc = new_click_id()
    prepare_id = prepared_id(step('B1', "Prepare", ShopError.SUCCESS,
                                  client.prepare(ref, amount, click_paydoc_id=paydoc)))
    step('B2', "Complete with an unknown merchant_prepare_id", ShopError.TRANSACTION_DOES_NOT_EXIST,
         client.complete(ref, amount, 999999999, click_paydoc_id=paydoc))
    step('B3', "Complete", ShopError.SUCCESS,
         client.complete(ref, amount, prepare_id, click_paydoc_id=paydoc))

    ref, amount = orders['C']
    paydoc = new_click_id()
    prepare_id = prepared_id(step('C1', "Prepare", ShopError.SUCCESS,
                                  client.prepare(ref, amount, click_paydoc_id=paydoc)))
    step('C2', "Complete with a cancellation", ShopError.TRANSACTION_CANCELLED,
         client.complete(ref, amount, prepare_id, click_paydoc_id=paydoc, **cancel))
    step('C3', "Cancellation repeated", ShopError.TRANSACTION_CANCELLED,
         client.complete(ref, amount, prepare_id, click_paydoc_id=paydoc, **cancel))
    step('C4', "Complete after the cancellation", ShopError.TRANSACTION_CANCELLED,
         client.complete(ref, amount, prepare_id, click_paydoc_id=paydoc))
    return results



def main(argv=None):
    """Run the acceptance scenarios against a merchant and print a report."""
    # pylint: disable=print-used  # a command-line client prints its report
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument('--prepare-url', required=True)
    parser.add_argument('--complete-url', required=True)
    parser.add_argument('--service-id', required=True)
    parser.add_argument('--order', nargs=2, action='append', metavar=('REFERENCE', 'AMOUNT'),
                        required=True, help="three fresh unpaid orders, for chains A, B and C")
    parser.add_argument('--unknown-reference', default='NO-SUCH-ORDER')
    parser.add_argument('--paid-cancel-expectation', type=int, choices=(-4, -9), default=-4)
    args = parser.parse_args(argv)
    secret_key = os.environ.get('CLICK_SECRET_KEY')
    if not secret_key or len(args.order) != 3:
        parser.error("set CLICK_SECRET_KEY in the environment and give --order three times")
    client = ShopClient(args.prepare_url, args.complete_url, args.service_id, secret_key)
    orders = {chain: (ref, Decimal(amount)) for chain, (ref, amount) in zip('ABC', args.order, strict=True)}
    results = run_scenarios(client, orders, args.unknown_reference, args.paid_cancel_expectation)
    for result in results:
        print(f"{result.step:3} {'PASS' if result.passed else 'FAIL'} expected {result.expected:>2}, "
              f"got {result.response.error!s:>4}  {result.description}  {json.dumps(result.response.body)}")
    passed = sum(r.passed for r in results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == '__main__':
    sys.exit(main())
