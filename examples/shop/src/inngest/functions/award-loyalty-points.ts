import { inngest } from "../client";
import { loyalty } from "../../lib/services";

// Left for manual review: `points` is incremented inside a step body. On replay that step
// does not run again, so `points` is 0 when the return is reached on a later request.
// Wrapping the return in a step would freeze the wrong value; the code itself must change
// (return the points from the step instead).
export const awardLoyaltyPoints = inngest.createFunction(
  { id: "award-loyalty-points", triggers: [{ event: "shop/order.placed" }] },
  async ({ event, step }) => {
    let points = 0;

    for (const line of event.data.lines) {
      await step.run(`award-${line.sku}`, async () => {
        const earned = Math.floor((line.quantity * line.unitPriceCents) / 100);
        await loyalty.award(event.data.customerId, earned);
        points += earned;
      });
    }

    return { customerId: event.data.customerId, points };
  },
);
