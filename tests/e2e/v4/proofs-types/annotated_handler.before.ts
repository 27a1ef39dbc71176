// Original: the variable holding the handler fixes its return type.
import type { GetFunctionInput } from "inngest";
import { inngest, EVENT } from "../fixtures/_shared";

type Input = GetFunctionInput<typeof inngest>;
type Handler = (ctx: Input) => Promise<{ at: Date; id: string }>;

const handler: Handler = async ({ event, step }) => {
  const at = await step.run("at", async () => new Date(0).toISOString());
  return { at: new Date(at), id: String(event.data.id) };
};
export const annotated = inngest.createFunction({ id: "types-annotated", triggers: [{ event: EVENT }] }, handler);
