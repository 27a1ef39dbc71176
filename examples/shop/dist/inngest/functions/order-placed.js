// DECOY: compiled output of src/inngest/functions/order-placed.ts. dist/ is listed in
// .gitignore, so inngest-fix must not walk into it (fixing build output is pointless:
// the next build overwrites it). Passing this path explicitly would still check it.
import { inngest } from "../client";
import { lineTotal, sumCents } from "../../lib/money";
import { payments, warehouse } from "../../lib/services";
export const orderPlaced = inngest.createFunction({ id: "order-placed", retries: 4 }, { event: "shop/order.placed" }, async ({ event, step }) => {
    const { orderId, customerId, lines } = event.data;
    const amountCents = sumCents(lines.map((line) => lineTotal(line.quantity, line.unitPriceCents)));
    const reservation = await step.run("reserve-inventory", async () => {
        return warehouse.reserve(orderId, lines.map((line) => line.sku));
    });
    const charge = await step.run("charge-payment", async () => {
        return payments.charge(customerId, amountCents);
    });
    await step.sendEvent("emit-order-confirmed", {
        name: "shop/order.confirmed",
        data: { orderId, chargeId: charge.id },
    });
    return {
        orderId,
        chargeId: charge.id,
        reservationId: reservation.reservationId,
        amountCents,
    };
});
