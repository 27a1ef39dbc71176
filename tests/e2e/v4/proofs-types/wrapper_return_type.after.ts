// The naive rewrite: `step.run` returns the JSON-serialized type, and `paidAt: string` no longer fits
// the wrapper's `Promise<Receipt>`.
import type { GetFunctionInput } from "inngest";
import { inngest, EVENT } from "../fixtures/_shared";

type Receipt = { id: string; paidAt: Date };
type Input = GetFunctionInput<typeof inngest>;

function defineJob(id: string, handler: (ctx: Input) => Promise<Receipt>) {
  return inngest.createFunction({ id, triggers: [{ event: EVENT }] }, handler);
}

export const charge = defineJob("types-wrapper-return-type", async ({ event, step }) => {
  const paid = await step.run("charge", async () => ({ id: String(event.data.id), at: Date.now() }));
  const finalReturn = await step.run("finalize-and-return", async () => {
    return { id: paid.id, paidAt: new Date(paid.at) };
  });
  return finalReturn;
});
