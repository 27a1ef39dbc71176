// Functions for the manual-review proofs (harness/proofs.ts). They are written
// by hand as the rewrite WOULD look if the tool did not refuse these cases.
// This folder is never given to inngest-fix.
import type { GetFunctionInput } from "inngest";
import { inngest, EVENT } from "../fixtures/_shared";

type Input = GetFunctionInput<typeof inngest>;

// --- Proof 1: a step call moved into the finalize step -------------------
// Original (left alone by the tool: the return contains a step call):
export const nestedOriginal = inngest.createFunction(
  { id: "proof-v3-nested-original" }, { event: EVENT },
  async ({ event, step }) => {
    const a = await step.run("a", async () => 1);
    return { a, b: await step.run("b", async () => 2), jobId: event.data.jobId as string };
  },
);
// What a naive rewrite would produce: step "b" now runs inside a step.
export const nestedMoved = inngest.createFunction(
  { id: "proof-v3-nested-moved" }, { event: EVENT },
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
  { id: "proof-v3-mutation" }, { event: EVENT },
  mutationHandler,
);
// The same with the rewrite applied: it freezes the wrong value.
export const mutationWrapped = inngest.createFunction(
  { id: "proof-v3-mutation-wrapped" }, { event: EVENT },
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
  { id: "proof-v3-undefined-original" }, { event: EVENT },
  async ({ event, step }) => {
    await step.run("a", async () => 1);
    return event.data.missing as string | undefined;
  },
);
export const undefinedWrapped = inngest.createFunction(
  { id: "proof-v3-undefined-wrapped" }, { event: EVENT },
  async ({ event, step }) => {
    await step.run("a", async () => 1);
    const finalReturn = await step.run("finalize-and-return", async () => {
      return event.data.missing as string | undefined;
    });
    return finalReturn;
  },
);

// --- Proof 4: a step reached through a closure of the handler -------------
// Original (left alone: the return calls `finish`, which runs a step):
export const closureOriginal = inngest.createFunction(
  { id: "proof-v3-closure-original" }, { event: EVENT },
  async ({ event, step }) => {
    const a = await step.run("a", async () => 1);
    const finish = () => step.run("b", async () => 2);
    return { a, b: await finish(), jobId: event.data.jobId as string };
  },
);
export const closureMoved = inngest.createFunction(
  { id: "proof-v3-closure-moved" }, { event: EVENT },
  async ({ event, step }) => {
    const a = await step.run("a", async () => 1);
    const finish = () => step.run("b", async () => 2);
    const finalReturn = await step.run("finalize-and-return", async () => {
      return { a, b: await finish(), jobId: event.data.jobId as string };
    });
    return finalReturn;
  },
);

// --- Proof 5: a step promise made earlier, awaited in the return ----------
export const promiseOriginal = inngest.createFunction(
  { id: "proof-v3-promise-original" }, { event: EVENT },
  async ({ event, step }) => {
    const a = await step.run("a", async () => 1);
    const pending = step.run("slow", async () => 2);
    return { a, slow: await pending, jobId: event.data.jobId as string };
  },
);
export const promiseMoved = inngest.createFunction(
  { id: "proof-v3-promise-moved" }, { event: EVENT },
  async ({ event, step }) => {
    const a = await step.run("a", async () => 1);
    const pending = step.run("slow", async () => 2);
    const finalReturn = await step.run("finalize-and-return", async () => {
      return { a, slow: await pending, jobId: event.data.jobId as string };
    });
    return finalReturn;
  },
);

// --- Proof 6: a local `step` shadows the binding at the return ------------
const ONBOARDING = [{ title: "Welcome" }, { title: "Tour" }];
export const shadowOriginal = inngest.createFunction(
  { id: "proof-v3-shadow-original" }, { event: EVENT },
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
  { id: "proof-v3-shadow-moved" }, { event: EVENT },
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

// --- Proof 7: an expression that throws inside a try with a catch ---------
export const tryOriginal = inngest.createFunction(
  { id: "proof-v3-try-original" }, { event: EVENT },
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
  { id: "proof-v3-try-moved", retries: 0 }, { event: EVENT },
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
