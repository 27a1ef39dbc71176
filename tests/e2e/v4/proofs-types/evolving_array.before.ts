// Original: `const results = []` gets its type from the pushes that follow.
import { inngest, EVENT } from "../fixtures/_shared";

export const evolving = inngest.createFunction(
  { id: "types-evolving", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    const results = [];
    for (const id of event.data.ids as string[]) {
      results.push(await step.run(`load-${id}`, async () => ({ id })));
    }
    return { results, count: results.length };
  },
);
