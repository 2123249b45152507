"""Measure Click callbacks on a running multi-worker Odoo; see tools/bench.sh."""
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from click_api.shop_client import ShopClient, run_scenarios  # noqa: E402

SERVICE_ID, SECRET_KEY = '20002', 'bench-secret-key'
CONCURRENCY = 8
PER_RUN = 600
RACES, RACERS = 30, 8


def wait_for(url, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    sys.exit(f"the server did not answer {url}")


def measure(name, calls):
    """Run ``calls`` (callables returning an HTTP status or Click code), print and return the rate."""
    latencies, outcomes = [], []
    lock = threading.Lock()

    def timed(call):
        start = time.perf_counter()
        outcome = call()
        with lock:
            latencies.append(time.perf_counter() - start)
            outcomes.append(outcome)

    start = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        list(pool.map(timed, calls))
    elapsed = time.perf_counter() - start
    latencies.sort()
    print(f"{name:18} {len(calls):5} requests  {len(calls) / elapsed:7.1f} req/s  "
          f"p50 {statistics.median(latencies) * 1000:6.1f} ms  "
          f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:6.1f} ms  outcomes {sorted(set(outcomes))}")
    return len(calls) / elapsed


def psql(db, query):
    return subprocess.run(['psql', '-d', db, '-tAc', query], check=True, capture_output=True,
                          text=True).stdout.strip()


def main(base_url, db):
    wait_for(f'{base_url}/web/health')
    urls = (f'{base_url}/payment/click/prepare', f'{base_url}/payment/click/complete')
    client = ShopClient(*urls, SERVICE_ID, SECRET_KEY)
    local = threading.local()

    def get_client():
        """One client, hence one HTTP connection, per thread."""
        if not hasattr(local, 'client'):
            local.client = ShopClient(*urls, SERVICE_ID, SECRET_KEY)
        return local.client

    health = requests.Session()
    print(f"Odoo --workers 2 at {base_url}, {CONCURRENCY} concurrent clients")
    health_rate = measure('/web/health', [lambda: health.get(f'{base_url}/web/health').status_code] * PER_RUN)
    refs = [f'BENCH-{i}' for i in range(PER_RUN)]
    prepared = {}

    def prepare(ref):
        response = get_client().prepare(ref, Decimal('15000'))
        prepared[ref] = response
        return response.error
    prepare_rate = measure('Prepare', [lambda ref=ref: prepare(ref) for ref in refs])

    def complete(ref):
        response = prepared[ref]
        return get_client().complete(ref, Decimal('15000'), response.body['merchant_prepare_id'],
                                     click_trans_id=response.form['click_trans_id'],
                                     click_paydoc_id=response.form['click_paydoc_id']).error
    complete_rate = measure('Complete', [lambda ref=ref: complete(ref) for ref in refs])
    print(f"throughput as a share of /web/health: Prepare {prepare_rate / health_rate:.0%}, "
          f"Complete {complete_rate / health_rate:.0%}")

    # Identical Completes fired at once at both workers.
    race_refs = [f'BENCH-{i}' for i in range(PER_RUN, PER_RUN + RACES)]
    answers = []
    for ref in race_refs:
        response = get_client().prepare(ref, Decimal('15000'))
        form = client.build_form('1', ref, Decimal('15000'),
                                 merchant_prepare_id=response.body['merchant_prepare_id'],
                                 click_trans_id=response.form['click_trans_id'],
                                 click_paydoc_id=response.form['click_paydoc_id'])
        barrier = threading.Barrier(RACERS)

        def fire(form=form, barrier=barrier):
            session = requests.Session()
            barrier.wait()
            return session.post(client.complete_url, data=form, timeout=60).json()['error']
        with ThreadPoolExecutor(RACERS) as pool:
            answers.append(sorted(pool.map(lambda _i: fire(), range(RACERS))))
    race_ok = all(a == [-4] * (RACERS - 1) + [0] for a in answers)
    in_refs = ','.join(f"'{r}'" for r in race_refs)
    done = psql(db, f"SELECT count(*) FROM payment_transaction WHERE state = 'done' AND reference IN ({in_refs})")
    print(f"race: {RACES} payments x {RACERS} identical Completes -> "
          f"{'each got one 0 and seven -4' if race_ok else answers}; done transactions: {done}")

    # Post-processing (the cron, triggered by Complete) makes one account.payment per payment.
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        payments = psql(db, "SELECT count(*), count(DISTINCT payment_transaction_id) FROM account_payment "
                            f"WHERE payment_transaction_id IN (SELECT id FROM payment_transaction "
                            f"WHERE reference IN ({in_refs}))")
        if payments.split('|')[1] == str(RACES):
            break
        time.sleep(2)
    count, distinct = payments.split('|')
    print(f"account.payment rows for the raced payments: {count} (for {distinct} transactions)")

    results = run_scenarios(get_client(), {
        'A': ('BENCH-1990', Decimal('15000')), 'B': ('BENCH-1991', Decimal('15000')),
        'C': ('BENCH-1992', Decimal('15000')),
    }, 'NO-SUCH-ORDER')
    passed = sum(r.passed for r in results)
    print("acceptance scenarios: " + ' '.join(f"{r.step}:{'ok' if r.passed else r.response.error}" for r in results))
    print(f"{passed} passed, {len(results) - passed} failed")
    ok = race_ok and int(done) == RACES and count == distinct == str(RACES) and passed == len(results)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:3]))
