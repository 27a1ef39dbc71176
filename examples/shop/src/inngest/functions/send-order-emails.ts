import { inngest } from "../client";
import { mail } from "../../lib/services";

const TEMPLATES = ["order-confirmation", "shipping-info", "how-to-return"] as const;

// v4 two-argument form. One step per email, with template-literal step IDs, and a counter
// and an array updated *between* steps (outside the step bodies), so replay rebuilds them.
// The final return reads them: inngest-fix wraps it.
export const sendOrderEmails = inngest.createFunction(
  { id: "send-order-emails", triggers: [{ event: "shop/order.placed" }] },
  async ({ event, step }) => {
    let sent = 0;
    const messageIds: string[] = [];

    for (const template of TEMPLATES) {
      const result = await step.run(`send-${template}`, async () => {
        return mail.send(event.data.email, template, { orderId: event.data.orderId });
      });
      sent += 1;
      messageIds.push(result.messageId);

      await step.sleep(`pause-after-${template}`, "10m");
    }

    return { orderId: event.data.orderId, sent, messageIds };
  },
);
