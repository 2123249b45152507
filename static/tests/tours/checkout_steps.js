/** @odoo-module **/

/** Steps the checkout tours share: the test shop sells "Click Test Tea" (ClickShopCommon in tests/common.py). */

/** Put the tea in the cart and go to the payment step. */
export function checkOutTea() {
    return [
        {
            content: "Open the product",
            trigger: '.oe_product_cart a:contains("Click Test Tea")',
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Add it to the cart",
            trigger: "#add_to_cart",
            run: "click",
        },
        {
            content: "Go to the cart",
            trigger: "a sup.my_cart_quantity:contains(/^1$/)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Check out: a service needs no delivery, so this leads to the payment",
            trigger: 'a[href*="/shop/checkout"]',  // /ru/shop/checkout on the Russian site
            run: "click",
            expectUnloadPage: true,
        },
    ];
}

/** Choose the payment method whose code is ``code``. */
export function choosePaymentMethod(code, content) {
    return {
        content,
        trigger: `input[name="o_payment_radio"][data-payment-method-code="${code}"]`,
        run: "click",
    };
}

/** The confirmation page: the order is paid. */
export function orderPaid(content = "The order is paid") {
    return { content, trigger: 'h3:contains("Thank you for your order")' };
}

/** Type the test card, for which Click texts the code 12345. */
export function typeCard() {
    return [
        {
            content: "Type the card number",
            trigger: 'input[name="o_click_card_number"]',
            run: "edit 8600 1234 5678 9012",
        },
        {
            content: "Type the expiry date",
            trigger: 'input[name="o_click_card_expiry"]',
            run: "edit 1139",
        },
    ];
}

/** Type the SMS code ``code`` and confirm it; ``expectUnloadPage`` when Click accepts it. */
export function confirmCode(code, content = "Type the code", expectUnloadPage = false) {
    return [
        {
            content,
            trigger: 'input[name="o_click_card_sms"]',
            run: `edit ${code}`,
        },
        {
            content: "Confirm",
            trigger: 'button[name="o_click_card_confirm"]',
            run: "click",
            expectUnloadPage,
        },
    ];
}

/**
 * Click texted the card's owner a code: in test mode the emulated Click app of the demo payer shows it.
 */
export function codeTexted(code) {
    return {
        content: "Click texted a code: the emulated Click app shows it",
        trigger: ".o_click_card_test_code:visible",
        run: async () => {
            const page = await (await fetch("/payment/click/emulator/app?phone=998901234567")).text();
            const shown = new DOMParser().parseFromString(page, "text/html").querySelector(".o_click_sms_code");
            if (shown?.textContent.trim() !== code) {
                throw new Error(`The emulated Click app shows no SMS code ${code}.`);
            }
        },
    };
}
