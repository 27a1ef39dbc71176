import { inngest } from "../client";
import { mail } from "../../lib/services";

// Suppressed on purpose: the team reviewed this return and accepts it as is.
export const requestReview = inngest.createFunction(
  { id: "request-review" },
  { event: "shop/review.window.opened" },
  async ({ event, step }) => {
    await step.sleep("let-them-use-it", "7d");

    const message = await step.run("send-review-request", async () => {
      return mail.send(event.data.customerId, "review-request", { orderId: event.data.orderId });
    });

    // inngest-fix-ignore: unsafe-trailing-return -- only logged by the dashboard, never read back
    return { orderId: event.data.orderId, messageId: message.messageId };
  },
);
