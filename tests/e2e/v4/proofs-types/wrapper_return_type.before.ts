// Original, left alone by the tool: a wrapper of the project (configured as `wrappers = ["defineJob"]`)
// types the handler's return (`Promise<Receipt>`), and the handler returns a `Date` in it.
import type { GetFunctionInput } from "inngest";
import { inngest, EVENT } from "../fixtures/_shared";

type Receipt = { id: string; paidAt: Date };
type Input = GetFunctionInput<typeof inngest>;

function defineJob(id: string, handler: (ctx: Input) => Promise<Receipt>) {
  return inngest.createFunction({ id, triggers: [{ event: EVENT }] }, handler);
}

export const charge = defineJob("types-wrapper-return-type", async ({ event, step }) => {
  const paid = await step.run("charge", async () => ({ id: String(event.data.id), at: Date.now() }));
  return { id: paid.id, paidAt: new Date(paid.at) };
});
