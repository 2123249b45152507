"""A burst of Completes on a running multi-worker Odoo, then its post-processing; see tools/burst.sh.

The transactions are prepared beforehand (tools/bench_setup.py). The Completes go through wrk as
fast as the server answers them; then the cron post-processes while a few customers' status pages
poll. Every minute, what was post-processed; at the end, SQL checks and each worker's peak memory.
"""
import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import AMOUNT, SECRET_KEY, SERVICE_ID, click_ids, post_all, psql, request_log, wait_for  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from click_api.shop_client import ShopClient  # noqa: E402
from click_api.signing import COMPLETE  # noqa: E402

POLL_EVERY = 1.0  # seconds, as the status page does
SAMPLE_EVERY = 1.0


class Memory(threading.Thread):
    """Samples the resident memory of the server's processes; keeps each one's peak (VmHWM)."""

    def __init__(self, server_pid):
        super().__init__(daemon=True)
        self.server_pid, self.peaks, self.running = server_pid, {}, True

    def run(self):
        while self.running:
            for pid in [self.server_pid, *self.children()]:
                try:
                    status = Path(f'/proc/{pid}/status').read_text()
                    cmdline = Path(f'/proc/{pid}/cmdline').read_text().replace('\0', ' ')
                except OSError:
                    continue
                peak = next(int(line.split()[1]) for line in status.splitlines() if line.startswith('VmHWM'))
                role = 'gevent' if 'gevent' in cmdline.split() else 'main' if pid == self.server_pid else 'worker'
                self.peaks[pid] = (role, max(peak, self.peaks.get(pid, (role, 0))[1]))
            time.sleep(SAMPLE_EVERY)

    def children(self):
        try:
            children = Path(f'/proc/{self.server_pid}/task/{self.server_pid}/children').read_text()
            return [int(pid) for pid in children.split()]
        except OSError:
            return []


class Poller(threading.Thread):
    """A customer's status page: polls its paid transaction until it is post-processed."""

    def __init__(self, base_url, sid, reference, db):
        super().__init__(daemon=True)
        self.url, self.reference, self.db = f'{base_url}/payment/status/poll', reference, db
        self.session = requests.Session()
        self.session.cookies.set('session_id', sid)
        self.polls, self.errors = 0, []

    def run(self):
        while True:
            self.polls += 1
            try:
                body = self.session.post(self.url, json={'jsonrpc': '2.0', 'method': 'call', 'params': {}},
                                         timeout=60).json()
            except requests.RequestException as error:  # the page tries again, as here
                self.errors.append(repr(error))
                body = {}
            if 'error' in body:
                self.errors.append(body['error'].get('data', {}).get('message') or body['error'])
            if psql(self.db, "SELECT state = 'done' AND is_post_processed FROM payment_transaction "
                             f"WHERE reference = '{self.reference}'") == 't':
                return
            time.sleep(POLL_EVERY)


def counts(db):
    """Done transactions, those post-processed, and their payments."""
    return tuple(int(value) for value in psql(db, (
        "SELECT count(*), count(*) FILTER (WHERE is_post_processed), "
        "(SELECT count(*) FROM account_payment WHERE payment_transaction_id IS NOT NULL) "
        "FROM payment_transaction WHERE state = 'done'"
    )).split('|'))


def sql_checks(db):
    """What the database says once the burst is over, each a count that must be 0."""
    return {
        'pending, or done and not post-processed': int(psql(db, (
            "SELECT count(*) FROM payment_transaction WHERE state = 'pending' "
            "OR (state = 'done' AND NOT is_post_processed)"))),
        'done without exactly one payment': int(psql(db, (
            "SELECT count(*) FROM payment_transaction tx WHERE tx.state = 'done' AND (SELECT count(*) "
            "FROM account_payment p WHERE p.payment_transaction_id = tx.id) != 1"))),
        'payments not posted': int(psql(db, (
            "SELECT count(*) FROM account_payment p JOIN account_move m ON m.id = p.move_id "
            "WHERE p.payment_transaction_id IS NOT NULL AND m.state != 'posted'"))),
        'orders left unconfirmed': int(psql(db, (
            "SELECT count(DISTINCT so.id) FROM payment_transaction tx JOIN sale_order_transaction_rel r "
            "ON r.transaction_id = tx.id JOIN sale_order so ON so.id = r.sale_order_id "
            "WHERE tx.state = 'done' AND so.state != 'sale'"))),
    }


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('base_url')
    parser.add_argument('db')
    parser.add_argument('log')
    parser.add_argument('server_pid', type=int)
    parser.add_argument('sessions', help="file of 'session_id reference' lines, the customers who poll")
    parser.add_argument('--size', type=int, default=10000)
    parser.add_argument('--prefix', default='BURST')
    parser.add_argument('--timeout', type=float, default=120, help="minutes to wait for post-processing")
    return parser.parse_args()


def complete_forms(client, db, prefix):
    """The signed Complete of each prepared transaction ``prefix``-N, in order."""
    ids = dict(line.split('|') for line in psql(db, (
        f"SELECT reference, id FROM payment_transaction WHERE reference LIKE '{prefix}-%'"
    )).splitlines())
    forms = []
    for index in range(len(ids)):
        trans_id, paydoc_id = click_ids(index)
        forms.append(client.build_form(COMPLETE, f'{prefix}-{index}', AMOUNT, click_trans_id=trans_id,
                                       click_paydoc_id=paydoc_id,
                                       merchant_prepare_id=ids[f'{prefix}-{index}']))
    return forms


def main():
    args = parse_args()
    db, size = args.db, args.size
    memory = Memory(args.server_pid)
    memory.start()
    wait_for(f'{args.base_url}/web/health')
    client = ShopClient(f'{args.base_url}/payment/click/prepare', f'{args.base_url}/payment/click/complete',
                        SERVICE_ID, SECRET_KEY)
    forms = complete_forms(client, db, args.prefix)
    print(f"burst of {size} Completes (wrk -t2 -c8) on Odoo --workers 2 --max-cron-threads 1 at {args.base_url}")
    started = time.monotonic()
    result = post_all(client.complete_url, forms, size)
    answered = time.monotonic() - started
    rows = request_log(args.log, '/payment/click/complete')
    print(f"Completes: {result['requests']} answered in {result['seconds']:.1f} s "
          f"({result['requests'] / result['seconds']:.1f}/s), p50 {result['p50_ms']:.0f} ms, "
          f"p99 {result['p99_ms']:.0f} ms, failed {result['failed'] + result['socket_errors'] + result['non_2xx']}; "
          f"queries per Complete (median) {statistics.median(r[0] for r in rows):.0f}")

    # Back from Click once it has paid: polling a payment whose Complete is still to come asks Click,
    # here the emulator, served by the same two workers.
    pollers = [Poller(args.base_url, *line.split(), db) for line in Path(args.sessions).read_text().splitlines()]
    for poller in pollers:
        poller.start()
    print(f"{len(pollers)} customers poll their status page every {POLL_EVERY:.0f} s until post-processed")
    print("minute  done  post-processed  payments  (+ in the minute)")
    deadline, minute, last = started + args.timeout * 60, 0, 0
    while time.monotonic() < deadline:
        done, processed, payments = counts(db)
        if processed == done >= size:
            break
        if time.monotonic() - started >= (minute + 1) * 60:
            minute += 1
            print(f"{minute:6} {done:5} {processed:15} {payments:9}  (+{processed - last})", flush=True)
            last = processed
        time.sleep(1)
    finished = time.monotonic() - started
    done, processed, payments = counts(db)
    print(f"{minute + 1:6} {done:5} {processed:15} {payments:9}  (+{processed - last}, last)")
    for poller in pollers:
        poller.join(timeout=30)
    memory.running = False

    checks = sql_checks(db)
    print(f"Completes answered after {answered:.0f} s; all post-processed after {finished:.0f} s "
          f"({'yes' if processed == done >= size else 'NO'})")
    drafts = psql(db, "SELECT count(*) FROM payment_transaction WHERE state = 'draft'")
    print(f"done: {done}, post-processed: {processed}, never completed (drafts): {drafts}")
    print("checks: " + '; '.join(f"{name}: {value}" for name, value in checks.items()))
    print(f"status polls: {sum(p.polls for p in pollers)}, errors: {sum(len(p.errors) for p in pollers)} "
          f"{[e for p in pollers for e in p.errors][:3]}")
    print("peak RSS (VmHWM): " + ', '.join(
        f"{role} {pid} {peak / 1024:.0f} MB" for pid, (role, peak) in sorted(memory.peaks.items())
    ))
    lines = [line for line in Path(args.log).read_text(errors='replace').splitlines() if ' ERROR ' in line]
    # A connection wrk opened as it was stopped sends no request: the worker logs that it timed out.
    errors = [line for line in lines if 'Request timed out' not in line]
    print(f"ERROR lines in the server log: {len(errors)} (and {len(lines) - len(errors)} for the connections wrk "
          "left unused as it stopped)")
    ok = (processed == done >= size and checks['pending, or done and not post-processed'] == 0
          and checks['done without exactly one payment'] == checks['payments not posted'] == 0 and not errors)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
