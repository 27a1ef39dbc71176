// The needs-review fix of `side-effect-outside-step` on the real SDK: run.sh rewrites this
// folder with `--write --unsafe-fixes --select side-effect-outside-step`. Each awaited call
// outside a step whose result survives JSON (unused, or a database query's rows read through
// properties only) is wrapped in its own `step.run` with an ID derived from the callee; results stay equal and
// each run gains exactly that one step. The calls that may not survive JSON stay as they are.
import { inngest, EVENT, type Case } from "../fixtures/_shared";

type User = { id: string; email: string; plan: { name: string; seats: number } };

const users = new Map<string, User>([
  ["u1", { id: "u1", email: "ada@example.com", plan: { name: "pro", seats: 3 } }],
]);
const audit: string[] = [];

async function loadUser(id: string): Promise<User> {
  const user = users.get(id);
  if (!user) throw new Error(`no user ${id}`);
  return { ...user, plan: { ...user.plan } };
}

async function recordAudit(id: string): Promise<number> {
  audit.push(id);
  return audit.length;
}

// A database client's query, as Prisma spells it: what it resolves to is rows of data.
const db = {
  user: {
    findUnique: async ({ where }: { where: { id: string } }): Promise<User> => loadUser(where.id),
  },
};

async function describeUser(user: User): Promise<string> {
  return `${user.email} (${user.plan.name})`;
}

// Unused result: `await recordAudit(…)` becomes `await step.run("record-audit", …)`.
export const wrapUnused = inngest.createFunction(
  { id: "v4-unsafe-wrap-unused", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    await recordAudit(event.data.id as string);
    const greeting = await step.run("greet", async () => `hello ${event.data.id as string}`);
    return greeting;
  },
);

// A query's rows read through properties only: `const user = await db.user.findUnique(…)`
// becomes `const user = await step.run("user-find-unique", …)`; `user.email`,
// `user.plan.seats` read the JSON copy the same way. (A project function's value, like
// `loadUser(…)`'s, is not wrapped: nothing shows it is plain data.)
export const wrapPropertyReads = inngest.createFunction(
  { id: "v4-unsafe-wrap-property-reads", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    const user = await db.user.findUnique({ where: { id: event.data.id as string } });
    const sent = await step.run("send-welcome", async () => `welcome ${user.email}, ${user.plan.seats} seats`);
    return sent;
  },
);

// Passed whole to another function: left alone (manual), so the run keeps its steps.
export const passedWhole = inngest.createFunction(
  { id: "v4-unsafe-passed-whole", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    const user = await loadUser(event.data.id as string);
    const label = await step.run("label", async () => describeUser(user));
    return label;
  },
);

export const cases: Case[] = [
  { name: "wrap-unused", fn: wrapUnused, runs: [{ label: "default", data: { id: "u1" }, expect: "record-audit" }] },
  {
    name: "wrap-property-reads",
    fn: wrapPropertyReads,
    runs: [{ label: "default", data: { id: "u1" }, expect: "user-find-unique" }],
  },
  { name: "passed-whole-stays", fn: passedWhole, runs: [{ label: "default", data: { id: "u1" }, expect: null }] },
];
