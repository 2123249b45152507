/** @odoo-module **/

import { loadJS } from '@web/core/assets';
import { _t } from '@web/core/l10n/translation';
import paymentForm from '@payment/js/payment_form';

// How long the payment form waits for Click's checkout.js before keeping Click's page instead.
const CHECKOUT_SCRIPT_TIMEOUT = 8000;

paymentForm.include({

    // #=== DOM MANIPULATION ===#

    /**
     * Pay in Click's inline window through the direct flow when the provider asks for it and
     * Click's script loads; otherwise keep the redirect flow to Click's page.
     *
     * @override method from @payment/js/payment_form
     * @private
     * @param {number} providerId - The id of the selected payment option's provider.
     * @param {string} providerCode - The code of the selected payment option's provider.
     * @param {number} paymentOptionId - The id of the selected payment option.
     * @param {string} paymentMethodCode - The code of the selected payment method, if any.
     * @param {string} flow - The online payment flow of the selected payment option.
     * @return {void}
     */
    async _prepareInlineForm(providerId, providerCode, paymentOptionId, paymentMethodCode, flow) {
        const radio = this.el.querySelector('input[name="o_payment_radio"]:checked');
        const checkout = providerCode === 'click' && flow !== 'token'
            && this._getInlineForm(radio)?.querySelector('[name="o_click_checkout"]');
        if (!checkout) {
            this._super(...arguments);
            return;
        }
        if (await this._clickLoadCheckout(checkout.dataset.clickCheckoutScript)) {
            this._setPaymentFlow('direct');
        }
    },

    // #=== PAYMENT FLOW ===#

    /**
     * Open Click's window with the payment button's parameters.
     *
     * @override method from @payment/js/payment_form
     * @private
     * @param {string} providerCode - The code of the selected payment option's provider.
     * @param {number} paymentOptionId - The id of the selected payment option.
     * @param {string} paymentMethodCode - The code of the selected payment method, if any.
     * @param {object} processingValues - The processing values of the transaction.
     * @return {void}
     */
    async _processDirectFlow(providerCode, paymentOptionId, paymentMethodCode, processingValues) {
        const params = processingValues.click_checkout_params;
        if (providerCode !== 'click' || !params) {
            this._super(...arguments);
            return;
        }
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

    // #=== GETTERS ===#

    /**
     * Load Click's checkout.js (or the emulator's in test mode) and tell whether it is usable.
     *
     * A blocked, unreachable or slow script leaves the customer with Click's page.
     *
     * @private
     * @param {string} url - The script's address.
     * @return {Promise<boolean>}
     */
    async _clickLoadCheckout(url) {
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

});
