// The seed scenario the rewrite exists for, run on the real engine only (leg `engine`; the
// in-memory engine replays every step of every request in one process, too slow for hundreds
// of steps): functions that run hundreds of steps in loops, then return outer-scope values
// (step results, event.data, locals). run.sh rewrites this folder with `--write`; each run
// must return the same output before and after, with one more step. `parallel: n` sends n
// copies of the run at once (the engine_runner checks that they all agree).
import { inngest, EVENT, FIX, type Case } from "../fixtures/_shared";

const ids = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);

// Hundreds of steps in three loops (3 per user; 210 on v3: one request per step) (for...of, for, while), then a return of what they built.
export const seedLoops = inngest.createFunction(
  { id: "v3-seed-loops" }, { event: EVENT },
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
  { id: "v3-seed-sleeps" }, { event: EVENT },
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
  { id: "v3-seed-large" }, { event: EVENT },
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

export const cases: Case[] = [
  { name: "seed-hundreds-of-steps-in-loops", fn: seedLoops, runs: [{ label: "70 users, 210 steps", data: { users: ids(70), team: "core" }, expect: FIX, timeoutMs: 240000 }] },
  { name: "seed-loops-concurrent", fn: seedLoops, runs: [{ label: "3 at once, 60 steps each", data: { users: ids(20), team: "ops" }, expect: FIX, parallel: 3, timeoutMs: 240000 }] },
  { name: "seed-sleeps-between-steps", fn: seedSleeps, runs: [{ label: "3 batches, 3 sleeps", data: { batches: 3, owner: "ada" }, expect: FIX, timeoutMs: 240000 }] },
  { name: "seed-large-outputs", fn: seedLarge, runs: [{ label: "3 x 1 MB", data: { mb: 3, tag: "big" }, expect: FIX, timeoutMs: 240000 }] },
];
