/** @odoo-module **/

/** Steps the checkout tours share: the test shop sells "Click Test Tea" (tests/test_click_invoices.py). */

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
