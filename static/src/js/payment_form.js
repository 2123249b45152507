/** @odoo-module **/

import { _t } from '@web/core/l10n/translation';
import { rpc, RPCError } from '@web/core/network/rpc';
import paymentForm from '@payment/js/payment_form';

paymentForm.include({

    // #=== DOM MANIPULATION ===#

    /**
     * Pay in the Click app through the direct flow: the customer types the number that Click's
     * invoice goes to, instead of going to Click's page.
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
        if (providerCode !== 'click' || paymentMethodCode !== 'click_app') {
            this._super(...arguments);
            return;
        }
        this._setPaymentFlow('direct');
    },

    // #=== PAYMENT FLOW ===#

    /**
     * Ask for the phone number, and have the server check it, before creating the transaction: a
     * number Click's invoices cannot go to leaves no payment behind.
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
        if (providerCode === 'click' && paymentMethodCode === 'click_app') {
            if (!this._clickGetPhone()) {
                this._displayErrorDialog(
                    _t("Enter your phone number"),
                    _t("Enter the mobile number of your Click account, such as +998 90 123 45 67."),
                );
                this._enableButton(); // The button has been disabled before initiating the flow.
                return;
            }
            try {
                await rpc('/payment/click/phone', { 'phone': this._clickGetPhone() });
            } catch (error) {
                if (!(error instanceof RPCError)) {
                    throw error;
                }
                this._displayErrorDialog(_t("Check your phone number"), error.data.message);
                this._enableButton();
                return;
            }
        }
        await _super(...arguments);
    },

    /**
     * Have Click send its invoice to the phone, then follow the payment on the status page.
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
        if (providerCode !== 'click' || paymentMethodCode !== 'click_app') {
            this._super(...arguments);
            return;
        }
        try {
            const result = await rpc('/payment/click/invoice', {
                'reference': processingValues.reference,
                'phone': this._clickGetPhone(),
            });
            window.location = result.status_url;
        } catch (error) {
            if (!(error instanceof RPCError)) {
                throw error;
            }
            this._displayErrorDialog(_t("Click could not send the payment request"), error.data.message);
            this._enableButton(); // The button has been disabled before initiating the flow.
        }
    },

    // #=== GETTERS ===#

    /**
     * The phone number typed in the inline form of the selected payment method.
     *
     * @private
     * @return {string}
     */
    _clickGetPhone() {
        const radio = this.el.querySelector('input[name="o_payment_radio"]:checked');
        return this._getInlineForm(radio)?.querySelector('input[name="o_click_phone"]')?.value.trim() ?? '';
    },

});
