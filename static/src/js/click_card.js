/** @odoo-module **/

/**
 * The `click_card` payment method ("Uzcard / Humo card"): a card typed in the form, confirmed with
 * the code Click texts to the card's owner. A saved card pays through core's token flow instead.
 *
 * Adds: the card's step and the code's step of the inline form, the check that a card was typed
 * before the transaction is created, and the calls that send the card, send a new code and verify
 * the code, after which the status page tells how the payment went.
 *
 * Relies on: the patch of payment_form.js, which mixes these methods into core's payment form,
 * calls them from its hooks and provides `_clickInlineForm`; core's `_displayErrorDialog`,
 * `_enableButton` and the `ui` service.
 */

import { _t } from '@web/core/l10n/translation';
import { rpc, RPCError } from '@web/core/network/rpc';

export const clickCardMethods = {

    /**
     * Show the step of the SMS code, or go back to the card's step.
     *
     * @private
     * @param {boolean} show - Whether to show the code's step.
     * @param {object} answer - What Click answered the card: `phone_number`.
     * @return {void}
     */
    _clickCardShowCodeStep(show, answer = {}) {
        const form = this._clickCardForm();
        if (!form) {
            return;
        }
        form.querySelectorAll('.o_click_card_details input').forEach(input => input.disabled = show);
        form.querySelector('.o_click_card_sms').classList.toggle('d-none', !show);
        form.querySelector('input[name="o_click_card_sms"]').value = '';
        form.querySelector('.o_click_card_phone').textContent = answer.phone_number ?? '';
        form.querySelector('.o_click_card_resent').classList.add('d-none');
    },

    /**
     * Tell whether the card's number and expiry were typed, before the transaction is created.
     *
     * @private
     * @return {boolean} Whether they were; if not, the customer was told what to type.
     */
    _clickCardCheckValues() {
        const { cardNumber, expireDate } = this._clickCardValues();
        if (!cardNumber || !expireDate) {
            this._displayErrorDialog(
                _t("Enter your card"),
                _t("Enter the number of your Uzcard or Humo card and its expiry date (MMYY)."),
            );
            return false;
        }
        return true;
    },

    /**
     * Send the card to Click through Odoo, then ask for the code Click texted.
     *
     * @private
     * @param {string} reference - The reference of the transaction.
     * @return {void}
     */
    async _clickCardRequestFirstCode(reference) {
        let answer;
        try {
            answer = await this._clickCardRequestCode(reference);
        } catch (error) {
            this._clickCardFailed(error, _t("Click did not accept the card"));
            this._enableButton(); // The button has been disabled before initiating the flow.
            return;
        }
        this._clickCardShowCodeStep(true, answer);
        const form = this._clickCardForm();
        const codeInput = form.querySelector('input[name="o_click_card_sms"]');
        const confirm = () => this._clickCardVerify(reference, codeInput.value.trim());
        form.querySelector('button[name="o_click_card_confirm"]').onclick = confirm;
        codeInput.onkeydown = ev => {
            if (ev.key === 'Enter') {
                ev.preventDefault();
                confirm();
            }
        };
        form.querySelector('button[name="o_click_card_resend"]').onclick = () => {
            this._clickCardResend(reference);
        };
        form.querySelector('button[name="o_click_card_restart"]').onclick = () => {
            this._clickCardShowCodeStep(false);
            this._enableButton(false);
        };
        this.call('ui', 'unblock'); // The pay button stays disabled: the code confirms the payment.
        codeInput.focus();
    },

    /**
     * Send the card to Click through Odoo; Click texts a code to the card's owner.
     *
     * @private
     * @param {string} reference - The reference of the transaction.
     * @return {Promise<object>} What Click answered: `phone_number`.
     */
    _clickCardRequestCode(reference) {
        const { cardNumber, expireDate } = this._clickCardValues();
        return rpc('/payment/click/card/request', {
            'reference': reference,
            'card_number': cardNumber,
            'expire_date': expireDate,
        });
    },

    /**
     * Ask Click for a new code for the same card, within the limits on codes.
     *
     * @private
     * @param {string} reference - The reference of the transaction.
     * @return {void}
     */
    async _clickCardResend(reference) {
        this.call('ui', 'block');
        try {
            const answer = await this._clickCardRequestCode(reference);
            this._clickCardShowCodeStep(true, answer);
            const form = this._clickCardForm();
            form.querySelector('.o_click_card_resent').classList.remove('d-none');
            form.querySelector('input[name="o_click_card_sms"]').focus();
        } catch (error) {
            this._clickCardFailed(error, _t("Click did not send a new code"));
        } finally {
            this.call('ui', 'unblock');
        }
    },

    /**
     * Confirm the card with the code; the status page then tells how the payment went.
     *
     * @private
     * @param {string} reference - The reference of the transaction.
     * @param {string} smsCode - The code the customer typed.
     * @return {void}
     */
    async _clickCardVerify(reference, smsCode) {
        if (!smsCode) {
            this._displayErrorDialog(_t("Enter the code"), _t("Type the code Click sent by SMS."));
            return;
        }
        this.call('ui', 'block');
        try {
            const result = await rpc('/payment/click/card/verify', {
                'reference': reference, 'sms_code': smsCode,
            });
            window.location = result.status_url;
        } catch (error) {
            this.call('ui', 'unblock');
            this._clickCardFailed(error, _t("Click did not accept the code"));
        }
    },

    /**
     * Show the error of a failed call, or rethrow one that is not a server's answer.
     *
     * @private
     * @param {Error} error - The error of the call.
     * @param {string} title - The title of the error dialog.
     * @return {void}
     */
    _clickCardFailed(error, title) {
        if (!(error instanceof RPCError)) {
            throw error;
        }
        this._displayErrorDialog(title, error.data.message);
    },

    /**
     * The card form of the selected payment option, if it is Click's card method.
     *
     * @private
     * @return {HTMLElement|undefined}
     */
    _clickCardForm() {
        return this._clickInlineForm()?.querySelector('.o_click_card_form');
    },

    /**
     * The card number and expiry typed in the form.
     *
     * @private
     * @return {object}
     */
    _clickCardValues() {
        const form = this._clickCardForm();
        return {
            cardNumber: form?.querySelector('input[name="o_click_card_number"]').value.trim() ?? '',
            expireDate: form?.querySelector('input[name="o_click_card_expiry"]').value.trim() ?? '',
        };
    },

};
