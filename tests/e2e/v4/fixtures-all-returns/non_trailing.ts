// Non-trailing returns after steps. These are only rewritten with
// `inngest-fix --write --all-returns`, which run.sh uses for this folder.
import { inngest, EVENT, FIX, FIX2, type Case } from "../fixtures/_shared";

// The tool may or may not consider an earlier rewrite's step ID "taken" when it
// rewrites a second return of the same handler (SPEC 3 lets branches share it).
const EITHER = [FIX, FIX2];

// 30. early return in a block after steps, more steps, then a trailing return
export const earlyAfterSteps = inngest.createFunction(
  { id: "v4-early-after-steps", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    const a = await step.run("a", async () => (event.data.a as number) * 2);
    if (event.data.stop) {
      return { stopped: true, a };
    }
    const b = await step.run("b", async () => a + 1);
    return { stopped: false, a, b };
  },
);

// 31. braceless `if (x) return y;` that is not trailing
export const bracelessEarly = inngest.createFunction(
  { id: "v4-braceless-early", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    const n = await step.run("n", async () => event.data.n as number);
    if (n < 0) return { sign: "negative", n };
    const root = await step.run("root", async () => Math.sqrt(n));
    return { sign: "positive", root };
  },
);

// 32. return inside a loop whose body runs steps
export const returnInLoop = inngest.createFunction(
  { id: "v4-return-in-loop", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    const haystack = event.data.haystack as string[];
    for (let i = 0; i < haystack.length; i++) {
      const hit = await step.run(`check-${i}`, async () => haystack[i] === event.data.needle);
      if (hit) {
        return { found: true, index: i };
      }
    }
    return { found: false, searched: haystack.length };
  },
);

// 33. a non-trailing return in a switch case that falls out of a loop
export const caseInLoop = inngest.createFunction(
  { id: "v4-case-in-loop", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    const cmds = event.data.cmds as string[];
    let acc = 0;
    for (const [i, cmd] of cmds.entries()) {
      const v = await step.run(`cmd-${i}`, async () => cmd.length);
      switch (cmd) {
        case "halt":
          return { halted: true, acc, at: i };
        default:
          acc += v;
      }
    }
    return { halted: false, acc };
  },
);

export const cases: Case[] = [
  {
    name: "all-returns-early-after-steps", fn: earlyAfterSteps, runs: [
      { label: "stop", data: { a: 3, stop: true }, expect: EITHER, expectDefault: null },
      { label: "go", data: { a: 3, stop: false }, expect: EITHER, expectDefault: FIX },
    ],
  },
  {
    name: "all-returns-braceless-early", fn: bracelessEarly, runs: [
      { label: "negative", data: { n: -4 }, expect: EITHER, expectDefault: null },
      { label: "positive", data: { n: 16 }, expect: EITHER, expectDefault: FIX },
    ],
  },
  {
    name: "all-returns-return-in-loop", fn: returnInLoop, runs: [
      { label: "found", data: { haystack: ["x", "y", "z"], needle: "y" }, expect: EITHER, expectDefault: null },
      { label: "not-found", data: { haystack: ["x", "y"], needle: "q" }, expect: EITHER, expectDefault: FIX },
    ],
  },
  {
    name: "all-returns-case-in-loop", fn: caseInLoop, runs: [
      { label: "halt", data: { cmds: ["ab", "halt", "c"] }, expect: EITHER, expectDefault: null },
      { label: "no-halt", data: { cmds: ["ab", "c"] }, expect: EITHER, expectDefault: FIX },
    ],
  },
];
