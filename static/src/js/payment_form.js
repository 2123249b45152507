/** @odoo-module **/

/**
 * The payment form's one patch for Click.
 *
 * Adds: each hook of core's payment form that Click needs is overridden here, once, and routed to
 * the selected Click payment method, each of which has its own module of methods:
 * - `click`: Click's page (core's redirect flow) or, when the provider opens it on the page,
 *   Click's inline window (click_window.js);
 * - `click_app`: Click's invoice to the customer's phone, paid in the Click app (click_app.js);
 * - `click_card`: a card typed in the form, confirmed with the code Click texts (click_card.js);
 * - `click_telegram`: the link of a payment inside Telegram, opened in a new tab (click_telegram.js).
 * Anything else (other providers, a saved card's token flow) goes to `this._super`.
 *
 * Relies on: core's `@payment/js/payment_form`. The four method modules only add methods of
 * their own name (`_clickWindow*`, `_clickApp*`, `_clickCard*`, `_clickTelegram*`) and override nothing, so the order
 * of the assets does not change the behaviour.
 */

import paymentForm from '@payment/js/payment_form';
import { clickAppMethods } from '@payment_click/js/click_app';
import { clickCardMethods } from '@payment_click/js/click_card';
import { clickTelegramMethods } from '@payment_click/js/click_telegram';
import { clickWindowMethods } from '@payment_click/js/click_window';

paymentForm.include({
    ...clickWindowMethods,
    ...clickAppMethods,
    ...clickCardMethods,
    ...clickTelegramMethods,

    // #=== DOM MANIPULATION ===#

    /**
     * Choose the flow of the selected Click method: the direct flow for the Click app, a typed
     * card, and Click's inline window once its script is loaded; the redirect flow otherwise.
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
        const method = this._clickMethod(providerCode, paymentMethodCode, flow);
        const windowScript = method === 'click' && this._clickWindowScriptUrl();
        if (method === 'click_app') {
            this._setPaymentFlow('direct');
        } else if (method === 'click_card') {
            this._clickCardShowCodeStep(false);
            this._setPaymentFlow('direct');
        } else if (windowScript) {
            if (await this._clickWindowLoadScript(windowScript)) {
                this._setPaymentFlow('direct');
            }
        } else {
            return this._super(...arguments);
        }
    },

    // #=== PAYMENT FLOW ===#

    /**
     * Check what the customer typed for the Click app or a card before the transaction is created:
     * a payment that cannot go through leaves no transaction behind.
     *
     * @override method from @payment/js/payment_form
     * @private
     * @param {string} providerCode - The code of the selected payment option's provider.
     * @param {number} paymentOptionId - The id of the selected payment option.
     * @param {string} paymentMethodCode - The code of the selected payment method, if any.
     * @param {string} flow - The payment flow of the selected payment option.
     * @return {void}
     */
    async _initiatePaymentFlow(providerCode, paymentOptionId, paymentMethodCode, flow) {
        const _super = this._super.bind(this); // this._super is gone after an await
        const method = this._clickMethod(providerCode, paymentMethodCode, flow);
        const ready = method === 'click_app' ? await this._clickAppCheckPhone()
            : method === 'click_card' ? this._clickCardCheckValues()
            : true;
        if (!ready) {
            this._enableButton(); // The button has been disabled before initiating the flow.
            return;
        }
        await _super(...arguments);
    },

    /**
     * Open a payment in Telegram in a new tab, rather than leave the page for it.
     *
     * @override method from @payment/js/payment_form
     * @private
     * @param {string} providerCode - The code of the selected payment option's provider.
     * @param {number} paymentOptionId - The id of the selected payment option.
     * @param {string} paymentMethodCode - The code of the selected payment method, if any.
     * @param {object} processingValues - The processing values of the transaction.
     * @return {void}
     */
    _processRedirectFlow(providerCode, paymentOptionId, paymentMethodCode, processingValues) {
        if (this._clickMethod(providerCode, paymentMethodCode, 'redirect') === 'click_telegram') {
            this._clickTelegramOpen(processingValues.redirect_form_html);
        } else {
            return this._super(...arguments);
        }
    },

    /**
     * Pay with the selected Click method once the transaction exists.
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
        const method = this._clickMethod(providerCode, paymentMethodCode, 'direct');
        if (method === 'click_app') {
            await this._clickAppSendInvoice(processingValues.reference);
        } else if (method === 'click_card') {
            await this._clickCardRequestFirstCode(processingValues.reference);
        } else if (method === 'click' && processingValues.click_checkout_params) {
            this._clickWindowOpen(processingValues.click_checkout_params);
        } else {
            return this._super(...arguments);
        }
    },

    // #=== GETTERS ===#

    /**
     * The Click payment method that handles the selected option, or nothing if core does (another
     * provider, or a saved card, which pays through the token flow).
     *
     * @private
     * @param {string} providerCode - The code of the selected payment option's provider.
     * @param {string} paymentMethodCode - The code of the selected payment method, if any.
     * @param {string} flow - The payment flow of the selected payment option.
     * @return {string|undefined} `click`, `click_app`, `click_card` or `click_telegram`.
     */
    _clickMethod(providerCode, paymentMethodCode, flow) {
        if (providerCode === 'click' && flow !== 'token'
            && ['click', 'click_app', 'click_card', 'click_telegram'].includes(paymentMethodCode)) {
            return paymentMethodCode;
        }
    },

    /**
     * The inline form of the selected payment option.
     *
     * @private
     * @return {HTMLElement|undefined}
     */
    _clickInlineForm() {
        const radio = this.el.querySelector('input[name="o_payment_radio"]:checked');
        return radio ? this._getInlineForm(radio) : undefined;
    },

});
