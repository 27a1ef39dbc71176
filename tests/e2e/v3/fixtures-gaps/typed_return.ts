// KNOWN GAP (run with E2E_GAPS=1; run.sh copies this file into fixtures/).
// Explicit non-JSON return type: step.run() returns Jsonify<T>, so the
// rewritten `return finalReturn` fails to type-check. See v4/fixtures-gaps.
import { inngest, EVENT, FIX, type Case } from "./_shared";

export const typedReturn = inngest.createFunction(
  { id: "v3-gap-typed-return" },
  { event: EVENT },
  async ({ event, step }): Promise<{ at: Date; n: number }> => {
    const n = await step.run("n", async () => event.data.n as number);
    return { at: new Date(n), n };
  },
);

export const cases: Case[] = [
  { name: "v3-gap-explicit-return-type-with-date", fn: typedReturn, runs: [{ label: "default", data: { n: 1000 }, expect: FIX }] },
];
