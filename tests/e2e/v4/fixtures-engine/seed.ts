// The seed scenario the rewrite exists for, run on the real engine only (leg `engine`; the
// in-memory engine replays every step of every request in one process, too slow for hundreds
// of steps): functions that run hundreds of steps in loops, then return outer-scope values
// (step results, event.data, locals). run.sh rewrites this folder with `--write`; each run
// must return the same output before and after, with one more step. `parallel: n` sends n
// copies of the run at once (the engine_runner checks that they all agree).
import { inngest, EVENT, FIX, type Case } from "../fixtures/_shared";

const ids = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);

// 300 steps in three loops (3 per user) (for...of, for, while), then a return of what they built.
export const seedLoops = inngest.createFunction(
  { id: "v4-seed-loops", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    const users = event.data.users as string[];
    const scores: number[] = [];
    for (const user of users) {
      scores.push(await step.run(`score-${user}`, async () => user.length * 3));
    }
    let total = 0;
    for (let i = 0; i < users.length; i++) {
      total += await step.run(`weigh-${i}`, async () => scores[i] * 2);
    }
    let round = 0;
    while (round < users.length) {
      await step.run(`tick-${round}`, async () => round);
      round++;
    }
    const label = `${event.data.team as string}:${users.length}`;
    return { total, first: scores.slice(0, 3), count: scores.length, team: event.data.team as string, label, round };
  },
);

// Steps with sleeps between them: after each sleep the run resumes in a new request and the
// handler replays every step before it from run state.
export const seedSleeps = inngest.createFunction(
  { id: "v4-seed-sleeps", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    const batches = event.data.batches as number;
    const sums: number[] = [];
    for (let b = 0; b < batches; b++) {
      let sum = 0;
      for (let i = 0; i < 10; i++) {
        sum += await step.run(`batch-${b}-item-${i}`, async () => b * 10 + i);
      }
      sums.push(sum);
      await step.sleep(`rest-${b}`, "1s");
    }
    const grand = sums.reduce((a, x) => a + x, 0);
    return { sums, grand, owner: event.data.owner as string };
  },
);

// Large step outputs (about 1 MB each) and a large return value.
export const seedLarge = inngest.createFunction(
  { id: "v4-seed-large", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    const mb = event.data.mb as number;
    const parts: string[] = [];
    for (let i = 0; i < mb; i++) {
      parts.push(await step.run(`chunk-${i}`, async () => String.fromCharCode(97 + i).repeat(1024 * 1024)));
    }
    const echo = parts[parts.length - 1];
    return { sizes: parts.map((p) => p.length), echo, tag: event.data.tag as string };
  },
);

// At the engine's step limit (1,000 steps a run: DefaultMaxStepLimit in the engine's consts):
// 1,000 steps before the rewrite, 1,001 after. (v4 only: a v3 run makes one request per step,
// and 1,000 of them take minutes.)
export const seedLimit = inngest.createFunction(
  { id: "v4-seed-limit", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    const n = event.data.n as number;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      sum += await step.run(`s-${i}`, async () => i);
    }
    return { sum, n, note: event.data.note as string };
  },
);

export const cases: Case[] = [
  { name: "seed-at-the-step-limit", fn: seedLimit, runs: [{ label: "1000 steps", data: { n: 1000, note: "limit" }, expect: FIX, timeoutMs: 240000 }] },
  { name: "seed-hundreds-of-steps-in-loops", fn: seedLoops, runs: [{ label: "100 users, 300 steps", data: { users: ids(100), team: "core" }, expect: FIX, timeoutMs: 240000 }] },
  { name: "seed-loops-concurrent", fn: seedLoops, runs: [{ label: "4 at once, 120 steps each", data: { users: ids(40), team: "ops" }, expect: FIX, parallel: 4, timeoutMs: 240000 }] },
  { name: "seed-sleeps-between-steps", fn: seedSleeps, runs: [{ label: "3 batches, 3 sleeps", data: { batches: 3, owner: "ada" }, expect: FIX, timeoutMs: 240000 }] },
  { name: "seed-large-outputs", fn: seedLarge, runs: [{ label: "3 x 1 MB", data: { mb: 3, tag: "big" }, expect: FIX, timeoutMs: 240000 }] },
];
