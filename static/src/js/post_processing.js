/** @odoo-module **/

/**
 * The status page's one patch for Click.
 *
 * Adds: faster polling of a Click payment's state, so that the customer sees the confirmation as
 * soon as Click's Complete is in.
 *
 * Relies on: core's `@payment/js/post_processing` (`_updateTimeout`, `pollCount`, `timeout`) and the
 * `data-click-payment` mark that payment_click_templates.xml puts on the status page of a Click
 * payment. It does not depend on the payment form's patch.
 */

import paymentPostProcessing from '@payment/js/post_processing';

// Click's Complete comes a second or two after the payer's Pay: the first minute, ask every second.
const CLICK_QUICK_POLLS = 60;
const CLICK_QUICK_INTERVAL = 1000;
const CLICK_SLOW_INTERVAL = 5000;

paymentPostProcessing.include({
    /**
     * Poll for a Click payment every second for a minute, then every 5 s, instead of core's 3 s,
     * 10 s and 30 s: the customer sees the confirmation as soon as Click's Complete is in.
     *
     * @override method from `@payment/js/post_processing`
     * @private
     * @return {void}
     */
    _updateTimeout() {
        this._super(...arguments);
        if (this.el.dataset.clickPayment && this.pollCount > 1) {  // the first poll goes at once
            this.timeout = this.pollCount <= CLICK_QUICK_POLLS ? CLICK_QUICK_INTERVAL : CLICK_SLOW_INTERVAL;
        }
    },
});
