// Shared helpers around @inngest/test's InngestTestEngine, used by runner.ts
// and proofs.ts. Works with @inngest/test 1.x (inngest 4.x) and 0.1.x (3.x):
// both expose `new InngestTestEngine({ function, events }).execute()`, which
// replays the function until it resolves and returns { result, error, ctx, state }.
import { InngestTestEngine } from "@inngest/test";

export const EVENT_NAME = "e2e/test";

// The SDK reports nested steps through the client's logger: v4 calls
// `logger.warn({ code: "NESTING_STEPS", ... }, "Nested step tooling detected in ...")`,
// v3 `logger.warn(prettyError({ ..., code: "NESTING_STEPS" }))`. The default
// loggers of both look up console.* at call time, so patching console catches
// them (and silences the fixtures' own logger.info calls).
let captured: string[] = [];
export const fmt = (a: unknown): string => {
  if (typeof a === "string") return a;
  // errors (and the SDK's serialized errors) compare by name and message only:
  // stacks hold temp-dir paths that differ between the before and after copies
  if (a instanceof Error) return `${a.name}: ${a.message}`;
  if (a && typeof a === "object" && "message" in a && "name" in a) {
    return `${String((a as { name: unknown }).name)}: ${String((a as { message: unknown }).message)}`;
  }
  try { return JSON.stringify(a); } catch { return String(a); }
};
for (const level of ["log", "info", "warn", "error", "debug"] as const) {
  console[level] = (...args: unknown[]) => { captured.push(`[${level}] ${args.map(fmt).join(" ")}`); };
}
export const resetCapture = () => { captured = []; };
export const nestingWarnings = () => captured.filter((l) => /NESTING_STEPS|nested step/i.test(l));
export const say = (s: string) => process.stdout.write(s + "\n");
export const log = (s: string) => process.stderr.write(s + "\n");

/** JSON round trip, keeping a top-level `undefined` distinguishable from null. */
export const roundTrip = (v: unknown): unknown =>
  v === undefined ? { "<undefined>": true } : JSON.parse(JSON.stringify(v));

const STEP_TOOLS = ["run", "sleep", "sleepUntil", "waitForEvent", "invoke", "sendEvent", "fetch"];
const stepIdOf = (arg: unknown): string =>
  typeof arg === "string" ? arg : String((arg as { id?: unknown })?.id ?? JSON.stringify(arg));

export interface Outcome {
  timedOut: boolean;
  result: unknown;
  error: string | null;
  /** Step IDs called by the final, fully memoized execution (mocked step tools). */
  steps: string[];
  /** Fulfilled steps in the engine's run state (hashed IDs): same count, independently. */
  stateCount: number;
  nestingWarnings: string[];
  ms: number;
}

export async function execute(fn: unknown, data: Record<string, unknown>, timeoutMs: number, eventName = EVENT_NAME): Promise<Outcome> {
  resetCapture();
  const t0 = Date.now();
  const o: Outcome = { timedOut: false, result: null, error: null, steps: [], stateCount: 0, nestingWarnings: [], ms: 0 };
  const engine = new InngestTestEngine({ function: fn as never, events: [{ name: eventName, data }] });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((r) => { timer = setTimeout(() => r("timeout"), timeoutMs); });
  try {
    const res = await Promise.race([engine.execute(), timeout]);
    if (res === "timeout") {
      o.timedOut = true;
    } else {
      o.result = roundTrip(res.result);
      o.error = res.error === undefined ? null : fmt(res.error);
      const step = res.ctx.step as unknown as Record<string, { mock?: { calls: unknown[][] } }>;
      for (const tool of STEP_TOOLS) {
        for (const call of step[tool]?.mock?.calls ?? []) o.steps.push(stepIdOf(call[0]));
      }
      o.stateCount = Object.keys(res.state).length;
    }
  } catch (e) {
    o.error = `engine threw: ${fmt(e)}`;
  } finally {
    clearTimeout(timer);
  }
  // warnings are logged from inside the SDK's async machinery: let them land
  await new Promise((r) => setTimeout(r, 20));
  o.nestingWarnings = nestingWarnings();
  o.ms = Date.now() - t0;
  return o;
}
