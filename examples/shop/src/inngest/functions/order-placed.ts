import { inngest } from "../client";
import { lineTotal, sumCents } from "../../lib/money";
import { payments, warehouse } from "../../lib/services";

// v3 three-argument form. The final return reads step results, event data and a local
// computed outside any step: on the run's last request those are rebuilt by replay, but
// the value is only safe once it is built inside a step. inngest-fix wraps it.
export const orderPlaced = inngest.createFunction(
  { id: "order-placed", retries: 4 },
  { event: "shop/order.placed" },
  async ({ event, step }) => {
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
  },
);
