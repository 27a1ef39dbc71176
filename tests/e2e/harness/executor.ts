// A minimal stand-in for Inngest's executor, driving a function through the SDK's own
// serve handler (`inngest/edge`) over its HTTP protocol: each request replays the
// handler with the step results stored so far, exactly as JSON text came back from
// the SDK's previous responses. Unlike @inngest/test's engine, which hands step results
// back as the in-memory values, this shows what a step result is on a real replay.
// Needs the client in dev mode (INNGEST_DEV=1: no request signing).
import { serve } from "inngest/edge";

export interface ServedRun {
  /** The function's result (JSON), when it finished. */
  result: unknown;
  /** The error the SDK reported, when the run failed. */
  error: string | null;
  /** Requests made, planning and running steps included. */
  requests: number;
}

type Op = { id: string; op: string; data?: unknown; error?: unknown };

/** Run `fn` of `client` (app ID `appId`) for one event, replaying until it ends. */
export async function runThroughServe(client: unknown, appId: string, fn: { id: () => string }, data: Record<string, unknown>): Promise<ServedRun> {
  const handler = serve({ client: client as never, functions: [fn as never] });
  const event = { name: "e2e/test", data };
  const steps: Record<string, { type: "data"; data: unknown }> = {};
  let requests = 0;
  const call = async (stepId: string) => {
    requests++;
    const body = {
      event,
      events: [event],
      steps,
      ctx: {
        run_id: "served-run",
        attempt: 0,
        disable_immediate_execution: true,
        use_api: false,
        stack: { stack: Object.keys(steps), current: Object.keys(steps).length },
      },
      version: 1,
    };
    const url = `http://localhost/api/inngest?fnId=${encodeURIComponent(`${appId}-${fn.id()}`)}&stepId=${encodeURIComponent(stepId)}`;
    const res = await handler(new Request(url, {
      method: "POST",
      headers: { "content-type": "application/json", host: "localhost" },
      body: JSON.stringify(body),
    }));
    return { status: res.status, text: await res.text() };
  };
  for (let round = 0; round < 50; round++) {
    const res = await call("step");
    if (res.status === 200) return { result: JSON.parse(res.text), error: null, requests };
    if (res.status !== 206) return { result: null, error: errorText(res.text), requests };
    for (const op of JSON.parse(res.text) as Op[]) {
      if (op.op !== "StepPlanned") continue;
      const ran = await call(op.id);
      if (ran.status !== 206) return { result: null, error: errorText(ran.text), requests };
      // What the executor stores: the step's output as the SDK sent it, JSON.
      for (const r of JSON.parse(ran.text) as Op[]) steps[r.id] = { type: "data", data: r.data ?? null };
    }
  }
  return { result: null, error: "no end after 50 rounds", requests };
}

const errorText = (text: string): string => {
  try {
    const parsed = JSON.parse(text) as { name?: string; message?: string; error?: { name?: string; message?: string } };
    const e = parsed.error ?? parsed;
    return `${e.name ?? "Error"}: ${e.message ?? text}`;
  } catch {
    return text.slice(0, 200);
  }
};
