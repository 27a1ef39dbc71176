import { inngest } from "../client";
import { payments } from "../../lib/services";

// Already safe: the return value is built inside a final step and the step's result is
// returned directly. inngest-fix leaves this file alone.
export const refundOrder = inngest.createFunction(
  { id: "refund-order" },
  { event: "shop/refund.approved" },
  async ({ event, step }) => {
    const refund = await step.run("issue-refund", async () => {
      return payments.refund(event.data.orderId, event.data.amountCents);
    });

    const finalReturn = await step.run("finalize-and-return", async () => {
      return { orderId: event.data.orderId, refundId: refund.id, amountCents: refund.amountCents };
    });
    return finalReturn;
  },
);
