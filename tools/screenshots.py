"""Pay in the demo's shop through Click's inline window as a new visitor, check that the shop's page
was never left, and take the Apps listing's screenshots of the real screens on the way.

Start the demo first (tools/run.sh), then, with Odoo's Python (it has websocket-client and Pillow):
    "$ODOO_PYTHON" tools/screenshots.py http://localhost:8069 static/description
It switches the demo's Click provider to the inline window and turns on automatic invoicing.
"""
import argparse
import io
import json
import shutil
import socket
import subprocess
import tempfile
import time
from urllib.parse import urlsplit
from urllib.request import urlopen

import websocket
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1280, 860
MAX_BYTES = 200_000


class Chrome:
    """A headless Chromium driven over the DevTools protocol; remembers where its top page went."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix='click-screenshots-')
        with socket.socket() as probe:
            probe.bind(('127.0.0.1', 0))
            port = probe.getsockname()[1]
        self.process = subprocess.Popen([
            shutil.which('chromium') or shutil.which('google-chrome'), '--headless=new', '--no-sandbox',
            '--hide-scrollbars', f'--window-size={WIDTH},{HEIGHT}', f'--remote-debugging-port={port}',
            f'--user-data-dir={self.profile}', 'about:blank',
        ], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _attempt in range(100):
            try:
                with urlopen(f'http://127.0.0.1:{port}/json/list') as response:
                    pages = [target for target in json.load(response) if target['type'] == 'page']
                break
            except OSError:
                time.sleep(0.2)
        self.ws = websocket.create_connection(pages[0]['webSocketDebuggerUrl'], suppress_origin=True, timeout=120)
        self.next_id = 0
        self.top_urls = []
        self.call('Page.enable')
        self.call('Emulation.setDeviceMetricsOverride', width=WIDTH, height=HEIGHT, deviceScaleFactor=1, mobile=False)

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({'id': self.next_id, 'method': method, 'params': params}))
        while True:
            message = json.loads(self.ws.recv())
            frame = message.get('params', {}).get('frame', {})
            if message.get('method') == 'Page.frameNavigated' and not frame.get('parentId'):
                self.top_urls.append(frame['url'])
            if message.get('id') == self.next_id:
                if 'error' in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message['result']

    def js(self, expression):
        result = self.call('Runtime.evaluate', expression=expression, awaitPromise=True, returnByValue=True)
        if 'exceptionDetails' in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result['result'].get('value')

    def wait(self, expression, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.js(f'(() => {{ try {{ return !!({expression}); }} catch {{ return false; }} }})()'):
                    return
            except RuntimeError:
                pass  # the page is being replaced
            time.sleep(0.3)
        raise TimeoutError(f"not true after {timeout} s: {expression}")

    def go(self, url, ready='document.readyState === "complete"'):
        self.call('Page.navigate', url=url)
        time.sleep(0.5)
        self.wait(ready)

    def screenshot(self, path, width=1000):
        """Save the viewport, scaled to ``width`` pixels, as a PNG or a JPEG under MAX_BYTES."""
        data = self.call('Page.captureScreenshot', format='png')['data']
        image = Image.open(io.BytesIO(__import__('base64').b64decode(data))).convert('RGB')
        image = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
        for quality in (85, 75, 65, 55):
            buffer = io.BytesIO()
            if path.endswith('.png'):
                image.quantize(colors=256).save(buffer, 'PNG', optimize=True)
            else:
                image.save(buffer, 'JPEG', quality=quality, optimize=True, progressive=True)
            if buffer.tell() <= MAX_BYTES:
                break
        with open(path, 'wb') as file:
            file.write(buffer.getvalue())
        print(f"{path}: {image.width}x{image.height}, {buffer.tell() // 1000} kB")

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def rpc(chrome, model, method, *args, **kwargs):
    """Call the ORM as the browser's user."""
    body = json.dumps({'jsonrpc': '2.0', 'method': 'call', 'params': {
        'model': model, 'method': method, 'args': list(args), 'kwargs': kwargs}})
    answer = chrome.js(f"""fetch('/web/dataset/call_kw', {{method: 'POST',
        headers: {{'Content-Type': 'application/json'}}, body: {json.dumps(body)}}}).then(r => r.json())""")
    if 'error' in answer:
        raise RuntimeError(answer['error']['data']['message'])
    return answer['result']


def log_in(chrome, base):
    chrome.go(f'{base}/web/login')
    chrome.js("""document.querySelector('input[name=login]').value = 'admin';
        document.querySelector('input[name=password]').value = 'admin';
        document.querySelector('form.oe_login_form').submit();""")
    chrome.wait('location.pathname.startsWith("/odoo")')


def back_office(chrome, base, out):
    """Set the demo up for the inline window, and photograph the provider's form."""
    log_in(chrome, base)
    provider_id = rpc(chrome, 'payment.provider', 'search', [('code', '=', 'click')], limit=1)[0]
    rpc(chrome, 'payment.provider', 'write', [provider_id], {'click_payment_window': 'inline'})
    rpc(chrome, 'ir.config_parameter', 'set_param', 'sale.automatic_invoice', 'True')
    chrome.go(f'{base}/odoo/action-payment.action_payment_provider/{provider_id}',
              'document.querySelector(".o_form_view [name=click_prepare_url]")')
    time.sleep(1)
    chrome.screenshot(f'{out}/screenshot_provider.png')


def buy_inline(chrome, base, out):
    """A new visitor buys a product and pays in Click's window; return the order's reference."""
    chrome.go(f'{base}/shop')
    chrome.js("document.querySelector('.oe_product_cart a.oe_product_image_link, .oe_product_cart a').click()")
    chrome.wait('document.querySelector("#add_to_cart") && document.readyState === "complete"')
    time.sleep(1)
    product_id = chrome.js('document.querySelector("input.product_id").value')
    chrome.js(f"""fetch('/shop/cart/update_json', {{method: 'POST', headers: {{'Content-Type': 'application/json'}},
        body: JSON.stringify({{jsonrpc: '2.0', method: 'call',
                               params: {{product_id: {int(product_id)}, add_qty: 1}}}})}}).then(r => r.json())""")
    chrome.go(f'{base}/shop/checkout', 'document.querySelector("form.checkout_autoformat, #o_payment_form")')
    if chrome.js('!!document.querySelector("form.checkout_autoformat")'):
        chrome.js("""(() => {
            const form = document.querySelector('form.checkout_autoformat');
            const set = (name, value) => { const el = form.querySelector(`[name=${name}]`);
                if (el) { el.value = value; el.dispatchEvent(new Event('change', {bubbles: true})); } };
            set('name', 'Dilnoza Karimova'); set('email', 'dilnoza@example.uz'); set('phone', '+998 90 123 45 67');
            set('street', "Navoiy ko'chasi 12"); set('city', 'Tashkent'); set('zip', '100011');
            const uz = [...form.querySelector('[name=country_id]').options].find(o => o.text.trim() === 'Uzbekistan');
            set('country_id', uz.value);
        })()""")
        time.sleep(1)
        chrome.js('document.querySelector("#save_address").click()')
    chrome.wait('document.querySelector("#o_payment_form") || location.pathname === "/shop/checkout"'
                ' && document.querySelector("[name=website_sale_main_button]")')
    time.sleep(1)
    if not chrome.js('!!document.querySelector("#o_payment_form")'):  # the delivery step: confirm it
        chrome.js('document.querySelector("[name=website_sale_main_button]").click()')
    chrome.wait('document.querySelector("#o_payment_form")')
    chrome.wait('document.querySelector("input[data-payment-method-code=click]")')
    chrome.js('document.querySelector("input[data-payment-method-code=click]").click()')
    time.sleep(2)
    chrome.screenshot(f'{out}/screenshot_checkout.png')
    chrome.js('document.querySelector("button[name=o_payment_submit_button]").click()')
    chrome.wait('document.querySelector("iframe.o_click_checkout_frame")'
                '?.contentDocument?.querySelector("button.o_click_pay")')
    time.sleep(1.5)
    chrome.screenshot(f'{out}/screenshot_emulator.png')
    chrome.js('document.querySelector("iframe.o_click_checkout_frame").contentDocument'
              '.querySelector("button.o_click_pay").click()')
    chrome.wait('location.pathname === "/shop/confirmation"', timeout=120)
    chrome.wait('document.querySelector(".oe_website_sale_tx_status .alert-success")', timeout=60)
    time.sleep(1)
    chrome.screenshot(f'{out}/screenshot_confirmation.png')
    return chrome.js('document.querySelector("h1, h3")?.closest("main")?.innerText.match(/S\\d{5}/)?.[0]')


def paid_invoice(chrome, base, out, order_name):
    log_in(chrome, base)
    order = rpc(chrome, 'sale.order', 'search_read', [('name', '=', order_name)], fields=['invoice_ids'])
    invoice_id = order[0]['invoice_ids'][0]
    chrome.go(f'{base}/odoo/action-account.action_move_out_invoice_type/{invoice_id}',
              'document.querySelector(".o_form_view .o_field_widget[name=partner_id]")')
    time.sleep(1.5)
    chrome.screenshot(f'{out}/screenshot_invoice.png')
    return rpc(chrome, 'account.move', 'read', [invoice_id], ['name', 'payment_state'])[0]


def banner(out):
    """The manifest's image (560x280): the module's name beside the emulated Click window."""
    image = Image.new('RGB', (560, 280), '#0071ce')
    window = Image.open(f'{out}/screenshot_emulator.png').convert('RGB')
    scale = window.width / WIDTH
    window = window.crop(tuple(round(v * scale) for v in (400, 185, 880, 675)))
    window.thumbnail((250, 256))
    image.paste(window, (290, (280 - window.height) // 2))
    icon = Image.open(f'{out}/icon.png').convert('RGBA').resize((64, 64))
    image.paste(icon, (24, 24), icon)
    draw = ImageDraw.Draw(image)
    font = '/usr/share/fonts/truetype/dejavu/DejaVuSans{}.ttf'
    draw.text((24, 104), "Click for Odoo 18", fill='white', font=ImageFont.truetype(font.format('-Bold'), 26))
    small = ImageFont.truetype(font.format(''), 15)
    for row, text in enumerate(("Uzcard and Humo in so'm", "Click's window on your shop",
                                "Refunds, fiscal receipts", "A Click emulator for test mode")):
        draw.text((24, 150 + 26 * row), text, fill='#e6f1fb', font=small)
    image.save(f'{out}/banner.png', optimize=True)
    print(f"{out}/banner.png")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('base_url')
    parser.add_argument('out_dir')
    args = parser.parse_args()
    base = args.base_url.rstrip('/')
    admin, visitor = Chrome(), Chrome()
    try:
        back_office(admin, base, args.out_dir)
        try:
            order_name = buy_inline(visitor, base, args.out_dir)
        except Exception:
            visitor.screenshot(f'{args.out_dir}/failed.png')
            print(visitor.top_urls)
            raise
        shop_host = urlsplit(base).netloc
        left = [url for url in visitor.top_urls if urlsplit(url).netloc != shop_host
                or urlsplit(url).path.startswith('/payment/click/emulator')]
        print(f"order {order_name}; the visitor's page went through: {visitor.top_urls}")
        print("never left the shop" if not left else f"LEFT THE SHOP: {left}")
        print(f"invoice: {paid_invoice(admin, base, args.out_dir, order_name)}")
        banner(args.out_dir)
    finally:
        admin.close()
        visitor.close()


if __name__ == '__main__':
    main()
