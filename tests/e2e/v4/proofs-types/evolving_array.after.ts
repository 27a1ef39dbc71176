// The naive rewrite: inside the closure `results` is implicitly `any[]` (TS7005 under --strict).
import { inngest, EVENT } from "../fixtures/_shared";

export const evolving = inngest.createFunction(
  { id: "types-evolving", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    const results = [];
    for (const id of event.data.ids as string[]) {
      results.push(await step.run(`load-${id}`, async () => ({ id })));
    }
    const finalReturn = await step.run("finalize-and-return", async () => {
      return { results, count: results.length };
    });
    return finalReturn;
  },
);
