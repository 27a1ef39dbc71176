// Original, left alone by the tool: `checkPaid` is an assertion function (any name), and the
// return relies on the narrowing of the property path `loaded.order` that its call made.
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
    return { total: loaded.order.total * 100 };
  },
);
