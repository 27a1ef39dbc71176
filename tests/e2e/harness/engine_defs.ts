// The functions of the engine proofs (engine_proofs.ts), written once for both SDKs:
// `v*/proofs-engine/defs.ts` calls `engineProofFns` with its SDK's way of defining a
// function. Each shows, on the real engine, a harm that a rule of inngest-fix claims, or
// what a naive rewrite of a manual-review case would do. Counters live in this process (the
// app the dev server calls), keyed by the run's `event.data.key`, so a proof can count how
// often code ran across the requests of one run.
/* eslint-disable @typescript-eslint/no-explicit-any */

/** Calls counted per `<event.data.key>:<what>`. */
export const calls: Record<string, number> = {};
const bump = (event: any, what: string): number => {
  const k = `${String(event.data.key)}:${what}`;
  calls[k] = (calls[k] ?? 0) + 1;
  return calls[k];
};

type Handler = (ctx: any) => Promise<unknown>;
/** Defines one function with the given id (`retries` when given) on the SDK's client. */
export type Define = (id: string, handler: Handler, opts?: { retries?: 0 }) => unknown;

/** A higher-order function a handler is passed through, which reads its return value. */
const withReceipt = (handler: Handler): Handler => async (ctx) => {
  const out = (await handler(ctx)) as { at: Date };
  return { at: out.at.toISOString() };
};

export function engineProofFns(define: Define, prefix: string) {
  const d = (id: string, handler: Handler, opts?: { retries?: 0 }) => define(`${prefix}-${id}`, handler, opts);
  return {
    // movability: the return goes to a wrapper (`createFunction(opts, withReceipt(…))`),
    // which reads a `Date` of it. The tool leaves it alone; the naive rewrite hands the
    // wrapper the finalize step's output.
    wrapperOriginal: d("wrapper-original", withReceipt(async ({ step }) => {
      await step.run("a", async () => 1);
      return { at: new Date(0) };
    }), { retries: 0 }),
    wrapperMoved: d("wrapper-moved", withReceipt(async ({ step }) => {
      await step.run("a", async () => 1);
      const finalReturn = await step.run("finalize-and-return", async () => ({ at: new Date(0) }));
      return finalReturn;
    }), { retries: 0 }),
    // mutation-in-step: a write inside a step body, read after the step.
    mutation: d("mutation", async ({ step }) => {
      let count = 0;
      await step.run("x", async () => { count += 1; });
      await step.run("y", async () => "y");
      return { count };
    }),
    mutationSleep: d("mutation-sleep", async ({ step }) => {
      let count = 0;
      await step.run("x", async () => { count += 1; });
      await step.sleep("pause", "1s");
      await step.run("y", async () => "y");
      return { count };
    }),
    // ... and the rewrite a tool must not make: the finalize step freezes the value.
    mutationSleepWrapped: d("mutation-sleep-wrapped", async ({ step }) => {
      let count = 0;
      await step.run("x", async () => { count += 1; });
      await step.sleep("pause", "1s");
      await step.run("y", async () => "y");
      const finalReturn = await step.run("finalize-and-return", async () => ({ count }));
      return finalReturn;
    }),

    // nondeterminism-outside-step: a step ID from the clock (whole seconds), a sleep between.
    clockStepId: d("clock-step-id", async ({ event, step }) => {
      const id = `job-${Math.floor(Date.now() / 1000)}`;
      await step.run(id, async () => bump(event, "job"));
      await step.sleep("pause", "1100ms");
      await step.run("after", async () => "after");
      return { lastId: id };
    }),
    // ... and a branch on the clock: taken before the sleep, not on the replay after it.
    clockBranch: d("clock-branch", async ({ step }) => {
      const started = await step.run("start", async () => Date.now());
      const phase = Date.now() - started < 2000 ? "fresh" : "stale";
      const saw = await step.run("decide", async () => phase);
      if (phase === "fresh") await step.run("fresh-only", async () => "took the fresh branch");
      await step.sleep("pause", "3s");
      return { stepSaw: saw, handlerSaw: phase };
    }),

    // non-json-step-result: a Date and a Map returned from step bodies.
    dateMap: d("date-map", async ({ step }) => {
      const due = await step.run("due", async () => new Date("2030-01-02T03:04:05.000Z"));
      const seen = await step.run("seen", async () => new Map([["a", 1]]));
      const dueV: unknown = due;
      const seenV: unknown = seen;
      return { dueType: typeof dueV, dueIsDate: dueV instanceof Date, due: dueV, seenIsMap: seenV instanceof Map, seen: seenV };
    }),
    dateMapSleep: d("date-map-sleep", async ({ step }) => {
      const due = await step.run("due", async () => new Date("2030-01-02T03:04:05.000Z"));
      const seen = await step.run("seen", async () => new Map([["a", 1]]));
      await step.sleep("pause", "1s");
      const dueV: unknown = due;
      const seenV: unknown = seen;
      return { dueType: typeof dueV, dueIsDate: dueV instanceof Date, due: dueV, seenIsMap: seenV instanceof Map, seen: seenV };
    }),
    dateMethod: d("date-method", async ({ step }) => {
      const due = await step.run("due", async () => new Date("2030-01-02T03:04:05.000Z"));
      return { at: (due as unknown as Date).getTime() };
    }, { retries: 0 }),

    // nested-step: a step called inside another step's body.
    nested: d("nested", async ({ step }) => {
      const a = await step.run("a", async () => 1);
      const outer = await step.run("outer", async () => ({ b: await step.run("b", async () => 2) }));
      return { a, outer };
    }, { retries: 0 }),

    // unawaited-step: a step whose promise is dropped; its body throws.
    unawaitedThrow: d("unawaited-throw", async ({ event, step }) => {
      void step.run("charge", async () => {
        bump(event, "charge");
        throw new Error("card declined");
      });
      const v = await step.run("main", async () => "main done");
      return { v };
    }, { retries: 0 }),
    // ... and a dropped sleep: what follows does not wait.
    unawaitedSleep: d("unawaited-sleep", async ({ step }) => {
      const t0 = await step.run("t0", async () => Date.now());
      void step.sleep("wait", "3s");
      const t1 = await step.run("t1", async () => Date.now());
      return { waitedMs: t1 - t0 };
    }),

    // side-effect-outside-step: a call outside any step, three steps below it.
    sideEffect: d("side-effect", async ({ event, step }) => {
      const n = bump(event, "call");
      await step.run("s1", async () => 1);
      await step.run("s2", async () => 2);
      await step.run("s3", async () => 3);
      return { lastCount: n };
    }),
    sideEffectSleep: d("side-effect-sleep", async ({ event, step }) => {
      const n = bump(event, "call");
      await step.run("s1", async () => 1);
      await step.sleep("p1", "1s");
      await step.run("s2", async () => 2);
      await step.sleep("p2", "1s");
      await step.run("s3", async () => 3);
      return { lastCount: n };
    }),
  };
}
