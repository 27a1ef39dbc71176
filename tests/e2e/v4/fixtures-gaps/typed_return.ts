// KNOWN GAP (run with E2E_GAPS=1; run.sh copies this file into fixtures/).
// A handler with an explicit return type that is not JSON-safe: step.run()
// returns Jsonify<T>, so `return finalReturn` no longer type-checks
// (TS2322: Type 'JsonifyObject<{ at: Date; n: number; }>' is not assignable to
// type '{ at: Date; n: number; }'). At run time the JSON result is unchanged.
import { inngest, EVENT, FIX, type Case } from "./_shared";

export const typedReturn = inngest.createFunction(
  { id: "v4-gap-typed-return", triggers: [{ event: EVENT }] },
  async ({ event, step }): Promise<{ at: Date; n: number }> => {
    const n = await step.run("n", async () => event.data.n as number);
    return { at: new Date(n), n };
  },
);

export const cases: Case[] = [
  { name: "gap-explicit-return-type-with-date", fn: typedReturn, runs: [{ label: "default", data: { n: 1000 }, expect: FIX }] },
];
