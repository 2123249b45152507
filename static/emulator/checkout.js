/*
 * Click's checkout.js as the payment_click module plays it for providers in test mode.
 *
 * Same global as https://my.click.uz/pay/checkout.js (SPEC §6.2): createPaymentRequest(params,
 * callback) opens the module's emulated Click page in a modal window on the shop's page, and calls
 * callback({status}) when the window closes, on Click's scale (SPEC §6.3: below 0 an error, 0 created,
 * 1 processing, 2 paid): 2 after Pay, Click's error code after Decline, and an error, -1, when the
 * customer closes it with × before paying. Not an Odoo asset: the payment form loads it on demand, from
 * an address whose `payment_page` query parameter names the emulated page to open.
 */
(function () {
    'use strict';

    const PAYMENT_PAGE = new URL(document.currentScript.src).searchParams.get('payment_page');
    const CLOSED_UNPAID = -1;

    window.createPaymentRequest = function (params, callback) {
        const query = new URLSearchParams();
        for (const [key, value] of Object.entries(params || {})) {
            if (value !== undefined && value !== null && value !== '') {
                query.set(key, value);
            }
        }
        query.set('inline', '1');

        const overlay = document.createElement('div');
        overlay.className = 'o_click_checkout_window';
        overlay.setAttribute('role', 'dialog');
        overlay.setAttribute('aria-modal', 'true');
        overlay.setAttribute('aria-label', 'CLICK');
        overlay.style.cssText = 'position:fixed;inset:0;z-index:10000;display:flex;align-items:center;'
            + 'justify-content:center;background:rgba(0,0,0,.55);';
        const box = document.createElement('div');
        box.style.cssText = 'position:relative;width:min(460px,94vw);height:min(560px,92vh);'
            + 'background:#f2f5fa;border-radius:12px;overflow:hidden;box-shadow:0 8px 32px #0006;';
        const close = document.createElement('button');
        close.type = 'button';
        close.className = 'o_click_checkout_close';
        close.setAttribute('aria-label', 'Close');
        close.textContent = '\u00d7';
        close.style.cssText = 'position:absolute;top:6px;right:10px;z-index:1;border:0;background:none;'
            + 'font-size:28px;line-height:1;cursor:pointer;color:#555;';
        const frame = document.createElement('iframe');
        frame.className = 'o_click_checkout_frame';
        frame.title = 'CLICK';
        frame.src = `${PAYMENT_PAGE}?${query}`;
        frame.style.cssText = 'width:100%;height:100%;border:0;';

        let closed = false;
        const finish = (status) => {
            if (closed) {
                return;
            }
            closed = true;
            window.removeEventListener('message', onMessage);
            overlay.remove();
            if (typeof callback === 'function') {
                callback({ status: status });
            }
        };
        const onMessage = (event) => {
            if (event.source === frame.contentWindow && event.origin === window.location.origin
                    && typeof event.data?.clickEmulatorStatus === 'number') {
                finish(event.data.clickEmulatorStatus);
            }
        };
        window.addEventListener('message', onMessage);
        close.addEventListener('click', () => finish(CLOSED_UNPAID));

        box.append(close, frame);
        overlay.append(box);
        document.body.append(overlay);
    };
})();
