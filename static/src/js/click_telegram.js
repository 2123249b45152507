/** @odoo-module **/

/**
 * The `click_telegram` payment method: a Click payment inside Telegram, through the invoice link
 * the provider's bot created.
 *
 * Adds: the link opens in a new tab (on a phone, in the Telegram app) while this page follows the
 * payment on the status page, which turns by itself once Telegram reports the payment.
 *
 * Relies on: the patch of payment_form.js, which calls it from core's redirect flow; the redirect
 * form of payment_click_templates.xml, whose action is the link; core's `_displayErrorDialog` and
 * `_enableButton`.
 */

import { _t } from '@web/core/l10n/translation';

export const clickTelegramMethods = {

    /**
     * Open the Telegram link in a new tab and follow the payment here; where the browser refuses a
     * new tab, go to the link.
     *
     * @private
     * @param {string} redirectFormHtml - The redirect form rendered by the server.
     * @return {void}
     */
    _clickTelegramOpen(redirectFormHtml) {
        const container = document.createElement('div');
        container.innerHTML = redirectFormHtml;
        const link = container.querySelector('form')?.getAttribute('action');
        if (!link) {
            this._displayErrorDialog(
                _t("Telegram could not be opened"),
                _t("The payment has no Telegram link. Choose another payment method or try again later."),
            );
            this._enableButton(); // The button has been disabled before initiating the flow.
            return;
        }
        const telegramTab = window.open(link, '_blank');
        if (telegramTab) {
            telegramTab.opener = null;
            window.location = '/payment/status';
        } else {
            window.location = link;
        }
    },

};
