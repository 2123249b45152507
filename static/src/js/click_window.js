/** @odoo-module **/

/**
 * Click's inline window, for the `click` payment method when the provider opens it on the page.
 *
 * Adds: loading Click's checkout.js (the emulator's in test mode), opening the window with the
 * payment button's parameters, and what the form does when the window closes.
 *
 * Relies on: the patch of payment_form.js, which mixes these methods into core's payment form,
 * calls them from its hooks and provides `_clickInlineForm`; core's `_displayErrorDialog`,
 * `_enableButton` and the `ui` service.
 */

import { loadJS } from '@web/core/assets';
import { _t } from '@web/core/l10n/translation';

// How long the payment form waits for Click's checkout.js before keeping Click's page instead.
const CHECKOUT_SCRIPT_TIMEOUT = 8000;

export const clickWindowMethods = {

    /**
     * The address of the checkout.js that opens Click's window, if the provider opens it on the page.
     *
     * @private
     * @return {string|undefined}
     */
    _clickWindowScriptUrl() {
        return this._clickInlineForm()?.querySelector('[name="o_click_checkout"]')?.dataset.clickCheckoutScript;
    },

    /**
     * Load Click's checkout.js and tell whether it is usable.
     *
     * A blocked, unreachable or slow script leaves the customer with Click's page.
     *
     * @private
     * @param {string} url - The script's address.
     * @return {Promise<boolean>}
     */
    async _clickWindowLoadScript(url) {
        let timer;
        try {
            await Promise.race([
                loadJS(url),
                new Promise((_resolve, reject) => {
                    timer = setTimeout(() => reject(new Error('timeout')), CHECKOUT_SCRIPT_TIMEOUT);
                }),
            ]);
        } catch {
            console.warn(`Click's checkout script ${url} did not load: Click's page is used instead.`);
            return false;
        } finally {
            clearTimeout(timer);
        }
        return typeof window.createPaymentRequest === 'function';
    },

    /**
     * Open Click's window with the payment button's parameters.
     *
     * @private
     * @param {object} params - The payment button's parameters (SPEC §6.2).
     * @return {void}
     */
    _clickWindowOpen(params) {
        try {
            window.createPaymentRequest(params, (data) => this._clickWindowClosed(data));
        } catch (error) {
            this._displayErrorDialog(_t("Click's payment window did not open"), error.message);
            this._enableButton(); // The button has been disabled before initiating the flow.
            return;
        }
        // Click's window takes the customer's input; the button stays disabled meanwhile.
        this.call('ui', 'unblock');
    },

    /**
     * Follow the payment on the status page if Click's window says it was made or is under way
     * (status 0, 1 or 2, SPEC §6.3); on an error status (a declined payment, or the window closed
     * before paying) stay on the payment step, where the order is intact and Pay starts a new
     * payment. Only Click's Complete decides the payment's state either way.
     *
     * @private
     * @param {object} data - What Click's window reports when it closes.
     * @return {void}
     */
    _clickWindowClosed(data) {
        if (Number(data?.status) >= 0) {
            window.location = '/payment/status';
            return;
        }
        this._displayErrorDialog(
            _t("No payment was made"),
            _t("Click's window closed before paying, and nothing was charged. You can pay again."),
        );
        this._enableButton(false); // The UI was unblocked when the window opened.
    },

};
