import { inngest } from "./client";

export const syncOrder = inngest.createFunction(
  { id: "sync-order", triggers: [{ event: "shop/order.paid" }] },
  async ({ event, step }) => {
    const order = await step.run("load", () => loadOrder(event.data.id));
    step.sendEvent("notify", { name: "shop/order.synced", data: { id: order.id } });
    return { id: event.data.id, total: order.total };
  },
);
