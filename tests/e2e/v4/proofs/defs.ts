// Functions for the manual-review proofs (harness/proofs.ts). They are written
// by hand as the rewrite WOULD look if the tool did not refuse these cases.
// This folder is never given to inngest-fix.
import type { GetFunctionInput } from "inngest";
import * as sdk from "inngest";
import { inngest, EVENT } from "../fixtures/_shared";

type Input = GetFunctionInput<typeof inngest>;

// --- Proof 1: a step call moved into the finalize step -------------------
// Original (left alone by the tool: the return contains a step call):
export const nestedOriginal = inngest.createFunction(
  { id: "proof-v4-nested-original", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    const a = await step.run("a", async () => 1);
    return { a, b: await step.run("b", async () => 2), jobId: event.data.jobId as string };
  },
);
// What a naive rewrite would produce: step "b" now runs inside a step.
export const nestedMoved = inngest.createFunction(
  { id: "proof-v4-nested-moved", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    const a = await step.run("a", async () => 1);
    const finalReturn = await step.run("finalize-and-return", async () => {
      return { a, b: await step.run("b", async () => 2), jobId: event.data.jobId as string };
    });
    return finalReturn;
  },
);

// --- Proof 2: a variable assigned inside a step body ----------------------
export const mutationHandler = async ({ step }: Input) => {
  let count = 0;
  await step.run("x", async () => {
    count += 1;
  });
  await step.run("y", async () => "y");
  return { count };
};
export const mutation = inngest.createFunction(
  { id: "proof-v4-mutation", triggers: [{ event: EVENT }] },
  mutationHandler,
);
// The same with the rewrite applied: it freezes the wrong value.
export const mutationWrapped = inngest.createFunction(
  { id: "proof-v4-mutation-wrapped", triggers: [{ event: EVENT }] },
  async ({ step }) => {
    let count = 0;
    await step.run("x", async () => {
      count += 1;
    });
    await step.run("y", async () => "y");
    const finalReturn = await step.run("finalize-and-return", async () => {
      return { count };
    });
    return finalReturn;
  },
);

// --- Proof 3 (caveat): a finalize step that returns undefined -------------
export const undefinedOriginal = inngest.createFunction(
  { id: "proof-v4-undefined-original", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    await step.run("a", async () => 1);
    return event.data.missing as string | undefined;
  },
);
export const undefinedWrapped = inngest.createFunction(
  { id: "proof-v4-undefined-wrapped", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    await step.run("a", async () => 1);
    const finalReturn = await step.run("finalize-and-return", async () => {
      return event.data.missing as string | undefined;
    });
    return finalReturn;
  },
);

// --- Proof 5: a step reached through a closure of the handler -------------
// Original (left alone: the return calls `finish`, which runs a step):
export const closureOriginal = inngest.createFunction(
  { id: "proof-v4-closure-original", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    const a = await step.run("a", async () => 1);
    const finish = () => step.run("b", async () => 2);
    return { a, b: await finish(), jobId: event.data.jobId as string };
  },
);
export const closureMoved = inngest.createFunction(
  { id: "proof-v4-closure-moved", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    const a = await step.run("a", async () => 1);
    const finish = () => step.run("b", async () => 2);
    const finalReturn = await step.run("finalize-and-return", async () => {
      return { a, b: await finish(), jobId: event.data.jobId as string };
    });
    return finalReturn;
  },
);

// --- Proof 6: a step promise made earlier, awaited in the return ----------
export const promiseOriginal = inngest.createFunction(
  { id: "proof-v4-promise-original", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    const a = await step.run("a", async () => 1);
    const pending = step.run("slow", async () => 2);
    return { a, slow: await pending, jobId: event.data.jobId as string };
  },
);
export const promiseMoved = inngest.createFunction(
  { id: "proof-v4-promise-moved", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    const a = await step.run("a", async () => 1);
    const pending = step.run("slow", async () => 2);
    const finalReturn = await step.run("finalize-and-return", async () => {
      return { a, slow: await pending, jobId: event.data.jobId as string };
    });
    return finalReturn;
  },
);

// --- Proof 7: a local `step` shadows the binding at the return ------------
const ONBOARDING = [{ title: "Welcome" }, { title: "Tour" }];
export const shadowOriginal = inngest.createFunction(
  { id: "proof-v4-shadow-original", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    const index = await step.run("pick", async () => 1);
    if (index < ONBOARDING.length) {
      const step = ONBOARDING[index];
      return { title: step.title, jobId: event.data.jobId as string };
    }
    return null;
  },
);
export const shadowMoved = inngest.createFunction(
  { id: "proof-v4-shadow-moved", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    const index = await step.run("pick", async () => 1);
    if (index < ONBOARDING.length) {
      const step = ONBOARDING[index] as unknown as { title: string; run: <T>(id: string, fn: () => Promise<T>) => Promise<T> };
      const finalReturn = await step.run("finalize-and-return", async () => {
        return { title: step.title, jobId: event.data.jobId as string };
      });
      return finalReturn;
    }
    return null;
  },
);

// --- Proof 8: an expression that throws inside a try with a catch ---------
export const tryOriginal = inngest.createFunction(
  { id: "proof-v4-try-original", triggers: [{ event: EVENT }] },
  async ({ step }) => {
    try {
      const raw = await step.run("fetch", async () => "not json");
      return { parsed: JSON.parse(raw) as unknown };
    } catch (e) {
      if (e instanceof SyntaxError) return { invalid: true };
      throw e;
    }
  },
);
export const tryMoved = inngest.createFunction(
  { id: "proof-v4-try-moved", triggers: [{ event: EVENT }], retries: 0 },
  async ({ step }) => {
    try {
      const raw = await step.run("fetch", async () => "not json");
      const finalReturn = await step.run("finalize-and-return", async () => {
        return { parsed: JSON.parse(raw) as unknown };
      });
      return finalReturn;
    } catch (e) {
      if (e instanceof SyntaxError) return { invalid: true };
      throw e;
    }
  },
);

// --- Proof 8: the step binding stored in an object, read by a later call --
// The binding escapes by assignment (`runtime.tools = step`); `audit` reads it back
// and runs a step. Moving the return into the finalize step nests that step.
type Tools = { run: <T>(id: string, fn: () => Promise<T>) => Promise<T> };
const runtime: { tools?: Tools } = {};
const auditStored = () => runtime.tools!.run("audit", async () => 3);
export const escapeOriginal = inngest.createFunction(
  { id: "proof-v4-escape-original", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    runtime.tools = step as unknown as Tools;
    const a = await step.run("a", async () => 1);
    return { a, audited: await auditStored(), jobId: event.data.jobId as string };
  },
);
export const escapeMoved = inngest.createFunction(
  { id: "proof-v4-escape-moved", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    runtime.tools = step as unknown as Tools;
    const a = await step.run("a", async () => 1);
    const finalReturn = await step.run("finalize-and-return", async () => {
      return { a, audited: await auditStored(), jobId: event.data.jobId as string };
    });
    return finalReturn;
  },
);

// --- Proof 9: the step binding stored in `this`, read by a method ---------
class Sync {
  tools?: Tools;
  report() {
    return this.tools!.run("report", async () => 4);
  }
  original() {
    return inngest.createFunction(
      { id: "proof-v4-this-original", triggers: [{ event: EVENT }] },
      async ({ event, step }) => {
        this.tools = step as unknown as Tools;
        const a = await step.run("a", async () => 1);
        return { a, report: await this.report(), jobId: event.data.jobId as string };
      },
    );
  }
  moved() {
    return inngest.createFunction(
      { id: "proof-v4-this-moved", triggers: [{ event: EVENT }] },
      async ({ event, step }) => {
        this.tools = step as unknown as Tools;
        const a = await step.run("a", async () => 1);
        const finalReturn = await step.run("finalize-and-return", async () => {
          return { a, report: await this.report(), jobId: event.data.jobId as string };
        });
        return finalReturn;
      },
    );
  }
}
export const thisOriginal = new Sync().original();
export const thisMoved = new Sync().moved();

// --- Proof 10: `sdk.step` of `import * as sdk from "inngest"` in a helper --
const auditGlobal = () => sdk.step.run("audit-global", async () => 5);
export const namespaceOriginal = inngest.createFunction(
  { id: "proof-v4-namespace-original", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    const a = await step.run("a", async () => 1);
    return { a, audited: await auditGlobal(), jobId: event.data.jobId as string };
  },
);
export const namespaceMoved = inngest.createFunction(
  { id: "proof-v4-namespace-moved", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    const a = await step.run("a", async () => 1);
    const finalReturn = await step.run("finalize-and-return", async () => {
      return { a, audited: await auditGlobal(), jobId: event.data.jobId as string };
    });
    return finalReturn;
  },
);

// --- Proof 11: the return goes to a wrapper the handler is passed through --
// `createFunction(opts, withReceipt(async (…) => …))`: the wrapper reads the handler's
// return value. Moved into a finalize step, that value comes back through JSON, and the
// wrapper gets a string where the handler returned a `Date`.
type Receipt = { a: number; at: Date; jobId: string };
const withReceipt =
  (handler: (input: Input) => Promise<Receipt>) =>
  async (input: Input) => {
    const out = await handler(input);
    return { a: out.a, at: out.at.toISOString(), jobId: out.jobId };
  };
export const wrapperOriginal = inngest.createFunction(
  { id: "proof-v4-wrapper-original", triggers: [{ event: EVENT }] },
  withReceipt(async ({ event, step }) => {
    const a = await step.run("a", async () => 1);
    return { a, at: new Date(0), jobId: event.data.jobId as string };
  }),
);
export const wrapperMoved = inngest.createFunction(
  { id: "proof-v4-wrapper-moved", triggers: [{ event: EVENT }] },
  withReceipt(async ({ event, step }) => {
    const a = await step.run("a", async () => 1);
    const finalReturn = await step.run("finalize-and-return", async () => {
      return { a, at: new Date(0), jobId: event.data.jobId as string };
    });
    // The step's declared type says `Date`; on the SDK it is the JSON string.
    return finalReturn as unknown as Receipt;
  }),
);
