import { inngest } from "../client";

// v4 two-argument form. Waits for the delivery event; both branches of the final if/else
// return values that read handler variables, so each branch gets its own final step.
export const trackDelivery = inngest.createFunction(
  { id: "track-delivery", triggers: [{ event: "shop/order.shipped" }] },
  async ({ event, step }) => {
    const { orderId, carrier, trackingNumber } = event.data;

    const delivered = await step.waitForEvent("wait-for-delivery", {
      event: "shop/order.delivered",
      timeout: "14d",
      if: "async.data.orderId == event.data.orderId",
    });

    if (delivered === null) {
      await step.run("open-carrier-claim", async () => {
        return { claim: `${carrier}:${trackingNumber}` };
      });
      return { orderId, status: "lost", carrier };
    } else {
      return { orderId, status: "delivered", deliveredAt: delivered.ts };
    }
  },
);
