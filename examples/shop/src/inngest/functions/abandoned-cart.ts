import { inngest } from "../client";
import { mail } from "../../lib/services";

// Nothing to fix: the only return that reads event data comes before any step (the
// "usually safe" early return), the others return constants, and the reminder is a step.
export const abandonedCart = inngest.createFunction(
  { id: "abandoned-cart-reminder" },
  { event: "shop/cart.updated" },
  async ({ event, step }) => {
    if (event.data.items.length === 0) {
      return { skipped: true, cartId: event.data.cartId };
    }

    const checkout = await step.waitForEvent("wait-for-checkout", {
      event: "shop/checkout.completed",
      timeout: "4h",
      if: "async.data.cartId == event.data.cartId",
    });
    if (checkout) {
      return { converted: true };
    }

    await step.run("send-reminder", async () => {
      return mail.send(event.data.customerId, "cart-reminder", { items: event.data.items.length });
    });

    return { reminded: true };
  },
);
