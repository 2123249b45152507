/** @odoo-module **/

/**
 * The `click_app` payment method: Click sends an invoice to the customer's phone, which the
 * customer confirms in the Click app.
 *
 * Adds: the check of the phone number (by the server) before the transaction is created, and the
 * call that has Click send its invoice, after which the status page follows the payment.
 *
 * Relies on: the patch of payment_form.js, which mixes these methods into core's payment form,
 * calls them from its hooks and provides `_clickInlineForm`; core's `_displayErrorDialog` and
 * `_enableButton`.
 */

import { _t } from '@web/core/l10n/translation';
import { rpc, RPCError } from '@web/core/network/rpc';

export const clickAppMethods = {

    /**
     * Have the server check the phone number: a number Click's invoices cannot go to leaves no
     * payment behind.
     *
     * @private
     * @return {Promise<boolean>} Whether the number is good; if not, the customer was told why.
     */
    async _clickAppCheckPhone() {
        const phone = this._clickAppPhone();
        if (!phone) {
            this._displayErrorDialog(
                _t("Enter your phone number"),
                _t("Enter the mobile number of your Click account, such as +998 90 123 45 67."),
            );
            return false;
        }
        try {
            await rpc('/payment/click/phone', { 'phone': phone });
        } catch (error) {
            if (!(error instanceof RPCError)) {
                throw error;
            }
            this._displayErrorDialog(_t("Check your phone number"), error.data.message);
            return false;
        }
        return true;
    },

    /**
     * Have Click send its invoice to the phone, then follow the payment on the status page.
     *
     * @private
     * @param {string} reference - The reference of the transaction.
     * @return {void}
     */
    async _clickAppSendInvoice(reference) {
        try {
            const result = await rpc('/payment/click/invoice', {
                'reference': reference,
                'phone': this._clickAppPhone(),
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

    /**
     * The phone number typed in the inline form of the selected payment method.
     *
     * @private
     * @return {string}
     */
    _clickAppPhone() {
        return this._clickInlineForm()?.querySelector('input[name="o_click_phone"]')?.value.trim() ?? '';
    },

};
