// The naive rewrite: the new closure loses the narrowing `checkPaid(loaded.order)` made.
import { inngest, EVENT } from "../fixtures/_shared";

type Paid = { status: "paid"; total: number };
type Order = Paid | { status: "open" };

function checkPaid(order: Order): asserts order is Paid {
  if (order.status !== "paid") throw new Error("not paid");
}

export const assertionFunction = inngest.createFunction(
  { id: "types-assertion-function", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    const loaded = await step.run("load", async () => ({ order: event.data.order as Order }));
    checkPaid(loaded.order);
    const finalReturn = await step.run("finalize-and-return", async () => {
      return { total: loaded.order.total * 100 };
    });
    return finalReturn;
  },
);
