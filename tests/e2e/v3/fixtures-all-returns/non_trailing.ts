// inngest 3.x non-trailing returns after steps: only fixed with --all-returns.
import { inngest, EVENT, FIX, FIX2, type Case } from "../fixtures/_shared";

const EITHER = [FIX, FIX2];

// v3-13. early return after a step, then more steps
export const early = inngest.createFunction(
  { id: "v3-early" },
  { event: EVENT },
  async ({ event, step }) => {
    const user = await step.run("user", async () => ({ banned: Boolean(event.data.banned), id: event.data.id as string }));
    if (user.banned) return { skipped: user.id };
    const mail = await step.run("mail", async () => `sent to ${user.id}`);
    return { mail };
  },
);

// v3-14. return from inside a loop with steps
export const loopReturn = inngest.createFunction(
  { id: "v3-loop-return" },
  { event: EVENT },
  async ({ event, step }) => {
    const limit = event.data.limit as number;
    let sum = 0;
    for (let i = 1; i <= 5; i++) {
      sum += await step.run(`add-${i}`, async () => i);
      if (sum >= limit) {
        return { reached: true, sum, i };
      }
    }
    return { reached: false, sum };
  },
);

export const cases: Case[] = [
  {
    name: "v3-all-returns-early", fn: early, runs: [
      { label: "banned", data: { banned: true, id: "u1" }, expect: EITHER, expectDefault: null },
      { label: "ok", data: { banned: false, id: "u2" }, expect: EITHER, expectDefault: FIX },
    ],
  },
  {
    name: "v3-all-returns-loop", fn: loopReturn, runs: [
      { label: "reached", data: { limit: 3 }, expect: EITHER, expectDefault: null },
      { label: "not-reached", data: { limit: 100 }, expect: EITHER, expectDefault: FIX },
    ],
  },
];
