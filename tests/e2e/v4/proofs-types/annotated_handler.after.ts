// The naive rewrite: `step.run` hands back the JSON-serialized type (`at` becomes a string).
import type { GetFunctionInput } from "inngest";
import { inngest, EVENT } from "../fixtures/_shared";

type Input = GetFunctionInput<typeof inngest>;
type Handler = (ctx: Input) => Promise<{ at: Date; id: string }>;

const handler: Handler = async ({ event, step }) => {
  const at = await step.run("at", async () => new Date(0).toISOString());
  const finalReturn = await step.run("finalize-and-return", async () => {
    return { at: new Date(at), id: String(event.data.id) };
  });
  return finalReturn;
};
export const annotated = inngest.createFunction({ id: "types-annotated", triggers: [{ event: EVENT }] }, handler);
