"""Measure Click callbacks on a running multi-worker Odoo; see tools/bench.sh.

Throughput and latency come from wrk (``-t2 -c8``), each Prepare and Complete on a transaction of
its own, beside ``/web/health`` in the same run; queries and time per call from the server's
request log (the werkzeug line: query count, query time, other time).
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import signal
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from click_api.shop_client import ShopClient, run_scenarios  # noqa: E402
from click_api.signing import COMPLETE, PREPARE  # noqa: E402

HERE = Path(__file__).resolve().parent
SERVICE_ID, SECRET_KEY = '20002', 'bench-secret-key'
AMOUNT = Decimal('15000')
THREADS, CONNECTIONS = 2, 8
SPARE = CONNECTIONS  # lines past the count, for the requests in flight when wrk stops
HEALTH_SECONDS = 8
ODOO_SOCKET_TIMEOUT = 2.5  # a prefork worker waits 2 s for an opened connection's request
RACES, RACERS = 30, 8
LOG_LINE = re.compile(r'"(?:GET|POST) (\S+) HTTP/[\d.]+" (\d+) - (\d+) ([\d.]+) ([\d.]+)')


def wait_for(url, seconds=180):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=10).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    sys.exit(f"the server did not answer {url}")


def wrk(url, bodies=None, count=None, seconds=HEALTH_SECONDS):
    """Run wrk against ``url`` with tools/bench.lua for ``seconds``, or until it has posted ``count``
    of the forms in the file ``bodies``; return its JSON summary."""
    command = ['wrk', f'-t{THREADS}', f'-c{CONNECTIONS}', f'-d{seconds if bodies is None else 600}s',
               '--timeout', '10s', '-s', str(HERE / 'bench.lua'), url]
    if bodies:
        command += ['--', bodies, str(count)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True,
                               env=dict(os.environ, BENCH_THREADS=str(THREADS)))
    if bodies:
        markers = [Path(f'{bodies}.{thread}') for thread in range(THREADS)]
        while process.poll() is None and not all(marker.exists() for marker in markers):
            time.sleep(0.01)
        process.send_signal(signal.SIGINT)  # wrk's time ends here
    output = process.communicate()[0]
    time.sleep(ODOO_SOCKET_TIMEOUT)  # connections wrk opened last time out in the workers
    return json.loads(output.strip().splitlines()[-1])


def post_all(url, forms, count):
    """POST ``count`` of ``forms`` (one transaction each) through wrk; return its summary."""
    with tempfile.TemporaryDirectory() as folder:
        bodies = Path(folder, 'forms')
        bodies.write_text(''.join(urlencode(form) + '\n' for form in forms))
        return wrk(url, bodies, count)


def show(name, result, health=None):
    rate = result['requests'] / result['seconds']
    ratio = f"{rate / health:5.2f}x" if health else '     '
    failed = result.get('failed', 0) + result['socket_errors'] + result['non_2xx']
    print(f"{name:12} {result['requests']:6} req {rate:7.1f} req/s {ratio}  p50 {result['p50_ms']:6.1f} ms  "
          f"p99 {result['p99_ms']:6.1f} ms  failed {failed}")
    return rate


def request_log(path, route):
    """Queries, query time and other time (ms) of each ``route`` request in the server's log."""
    rows = []
    for line in Path(path).read_text(errors='replace').splitlines():
        match = LOG_LINE.search(line)
        if match and match[1].split('?')[0] == route:
            rows.append((int(match[3]), float(match[4]) * 1000, float(match[5]) * 1000))
    return rows


def show_log(name, rows):
    if not rows:
        print(f"{name:12} no request in the server log (is werkzeug logged at INFO?)")
        return
    queries, sql, other = zip(*rows, strict=True)
    print(f"{name:12} {len(rows):6} logged: queries median {statistics.median(queries):4.0f} "
          f"(min {min(queries)}, max {max(queries)}), SQL {statistics.median(sql):5.1f} ms, "
          f"Python {statistics.median(other):5.1f} ms (medians)")


def psql(db, query):
    return subprocess.run(['psql', '-d', db, '-tAc', query], check=True, capture_output=True,
                          text=True).stdout.strip()


def click_ids(index):
    """The click_trans_id and click_paydoc_id of the bench's payment ``index``: fixed, so that
    Complete repeats those of its Prepare."""
    return 7_000_000_000 + index, 8_000_000_000 + index


def clients(base_url):
    """The signing client, and one per thread (hence one HTTP connection each)."""
    urls = (f'{base_url}/payment/click/prepare', f'{base_url}/payment/click/complete')
    local = threading.local()

    def get_client():
        if not hasattr(local, 'client'):
            local.client = ShopClient(*urls, SERVICE_ID, SECRET_KEY)
        return local.client
    return ShopClient(*urls, SERVICE_ID, SECRET_KEY), get_client


def measure(args):
    """Prepare, then Complete, each on ``count`` distinct transactions, between two /web/health runs."""
    base_url, db, count = args.base_url, args.db, args.count
    client, get_client = clients(base_url)
    refs = [f'{args.prefix}-{i}' for i in range(count + SPARE)]
    print(f"Odoo --workers 2 at {base_url}, crons off; wrk -t{THREADS} -c{CONNECTIONS}; "
          f"{count} distinct transactions per call")
    wrk(f'{base_url}/web/health', seconds=3)  # warm both workers
    get_client().pay(f'{args.prefix}-{count + SPARE}', AMOUNT)  # and the callback's code
    before = show('/web/health', wrk(f'{base_url}/web/health'))

    def form(action, index, **extra):
        trans_id, paydoc_id = click_ids(index)
        return client.build_form(action, refs[index], AMOUNT, click_trans_id=trans_id, click_paydoc_id=paydoc_id,
                                 **extra)
    prepare = post_all(client.prepare_url, [form(PREPARE, i) for i in range(len(refs))], count)
    prepared = dict(line.split('|') for line in psql(db, (
        "SELECT reference, id FROM payment_transaction WHERE click_trans_id IS NOT NULL "
        f"AND reference IN ({','.join(repr(ref) for ref in refs)})"
    )).splitlines())
    complete = post_all(client.complete_url, [
        form(COMPLETE, i, merchant_prepare_id=prepared[ref]) for i, ref in enumerate(refs) if ref in prepared
    ], count)
    after = show('/web/health', wrk(f'{base_url}/web/health'))
    health = (before + after) / 2
    print(f"{'health mean':12} {'':10} {health:7.1f} req/s")
    prepare_rate = show('Prepare', prepare, health)
    complete_rate = show('Complete', complete, health)
    time.sleep(1)  # the log's last lines
    show_log('Prepare', request_log(args.log, '/payment/click/prepare'))
    show_log('Complete', request_log(args.log, '/payment/click/complete'))
    show_log('/web/health', request_log(args.log, '/web/health'))
    goals = (prepare_rate >= 0.8 * health and prepare['p99_ms'] < 100,
             complete_rate >= 0.5 * health and complete['p99_ms'] < 150)
    print(f"goals: Prepare >= 0.8x and p99 < 100 ms: {'met' if goals[0] else 'NOT met'}; "
          f"Complete >= 0.5x and p99 < 150 ms: {'met' if goals[1] else 'NOT met'}")
    return prepare['failed'] == complete['failed'] == 0 and len(prepared) >= count


def check(args):
    """Identical Completes fired at once, their post-processing, and the fifteen scenarios."""
    db, first = args.db, args.count + SPARE + 1
    client, get_client = clients(args.base_url)
    race_refs = [f'{args.prefix}-{i}' for i in range(first, first + RACES)]
    answers = []
    for ref in race_refs:
        response = get_client().prepare(ref, AMOUNT)
        race_form = client.build_form(COMPLETE, ref, AMOUNT,
                                      merchant_prepare_id=response.body['merchant_prepare_id'],
                                      click_trans_id=response.form['click_trans_id'],
                                      click_paydoc_id=response.form['click_paydoc_id'])
        barrier = threading.Barrier(RACERS)

        def fire(race_form=race_form, barrier=barrier):
            session = requests.Session()
            barrier.wait()
            return session.post(client.complete_url, data=race_form, timeout=60).json()['error']
        with ThreadPoolExecutor(RACERS) as pool:
            answers.append(sorted(pool.map(lambda _i: fire(), range(RACERS))))
    race_ok = all(a == [-4] * (RACERS - 1) + [0] for a in answers)
    in_refs = ','.join(f"'{r}'" for r in race_refs)
    done = psql(db, f"SELECT count(*) FROM payment_transaction WHERE state = 'done' AND reference IN ({in_refs})")
    print(f"race: {RACES} payments x {RACERS} identical Completes -> "
          f"{'each got one 0 and seven -4' if race_ok else answers}; done transactions: {done}")

    # Post-processing (the cron, triggered by Complete) makes one account.payment per raced payment.
    started, deadline = time.monotonic(), time.monotonic() + 600
    while time.monotonic() < deadline:
        left = psql(db, "SELECT count(*) FROM payment_transaction WHERE state = 'done' AND NOT is_post_processed "
                        f"AND reference IN ({in_refs})")
        if left == '0':
            break
        time.sleep(2)
    payments = psql(db, "SELECT count(*), count(DISTINCT payment_transaction_id) FROM account_payment "
                        f"WHERE payment_transaction_id IN (SELECT id FROM payment_transaction "
                        f"WHERE reference IN ({in_refs}))")
    paid, distinct = payments.split('|')
    print(f"account.payment rows for the raced payments: {paid} (for {distinct} transactions), "
          f"all post-processed after {time.monotonic() - started:.0f} s: {left == '0'}")
    first += RACES
    results = run_scenarios(get_client(), {
        'A': (f'{args.prefix}-{first}', AMOUNT), 'B': (f'{args.prefix}-{first + 1}', AMOUNT),
        'C': (f'{args.prefix}-{first + 2}', AMOUNT),
    }, 'NO-SUCH-ORDER')
    passed = sum(r.passed for r in results)
    print("acceptance scenarios: " + ' '.join(f"{r.step}:{'ok' if r.passed else r.response.error}" for r in results))
    print(f"{passed} passed, {len(results) - passed} failed")
    return (race_ok and int(done) == RACES and paid == distinct == str(RACES) and left == '0'
            and passed == len(results))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('phase', choices=('measure', 'check'))
    parser.add_argument('base_url')
    parser.add_argument('db')
    parser.add_argument('log', help="the server's log file, werkzeug at INFO")
    parser.add_argument('--count', type=int, default=1200, help="distinct transactions per call (1200)")
    parser.add_argument('--prefix', default='BENCH')
    args = parser.parse_args()
    wait_for(f'{args.base_url}/web/health')
    available = int(psql(args.db, "SELECT count(*) FROM payment_transaction WHERE state = 'draft' "
                                  f"AND click_trans_id IS NULL AND reference LIKE '{args.prefix}-%'"))
    needed = args.count + SPARE + 1 + RACES + 3  # the measured calls, a warm-up, the race, the scenarios
    if args.phase == 'measure' and available < needed:
        sys.exit(f"{available} draft transactions in {args.db}, {needed} needed: set up a larger bench")
    return 0 if (measure if args.phase == 'measure' else check)(args) else 1


if __name__ == '__main__':
    sys.exit(main())
