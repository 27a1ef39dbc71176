// The real Inngest engine for the e2e suite: starts the Inngest dev server (`inngest dev`,
// the binary named by INNGEST_DEV_SERVER) on 127.0.0.1 with free ports, serves functions to
// it with the SDK's own `serve` handler (inngest/node), syncs them, sends events and reads
// every run's status, output and steps through the server's GraphQL API, with bounded waits.
// Used by engine_runner.ts (the fixtures, before and after the rewrite) and
// engine_proofs.ts (the harms the rules claim). Works with inngest 4.x and 3.x.
//
// The client of a fixture tree is built without a base URL: INNGEST_DEV=1 and
// INNGEST_BASE_URL must be set before the fixture modules are imported (startEngine does).
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import { createServer as netServer } from "node:net";
import { AsyncLocalStorage } from "node:async_hooks";
import { serve } from "inngest/node";
import { fmt } from "./engine";

const HOST = "127.0.0.1";
/** Runs in flight at once on one server (E2E_ENGINE_CONCURRENCY). */
export const CONCURRENCY = Number(process.env.E2E_ENGINE_CONCURRENCY ?? 1);

/** A free TCP port on 127.0.0.1 (bound, read, released). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = netServer();
    s.once("error", reject);
    s.listen(0, HOST, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Which fixture function a log line came from: the serve handler runs each request in here. */
/** What the harness reads of an Inngest function (v3 and v4 alike). */
export type EngineFn = { id: (prefix?: string) => string; opts: { id: string; triggers?: unknown[] }; client: { id: string } };

/**
 * Pick a free port for the dev server and point the SDK's clients at it (they have no
 * base URL of their own). Call before the functions' modules load.
 */
export async function pointClientsAtEngine(): Promise<number> {
  const port = await freePort();
  process.env.INNGEST_DEV = "1";
  process.env.INNGEST_BASE_URL = `http://127.0.0.1:${port}`;
  return port;
}

export const requestFn = new AsyncLocalStorage<string>();
/** Console lines (the SDK's warnings among them) per function slug, captured by console patching. */
export const logsByFn = new Map<string, string[]>();
for (const level of ["log", "info", "warn", "error", "debug"] as const) {
  console[level] = (...args: unknown[]) => {
    const fn = requestFn.getStore() ?? "(outside a request)";
    if (!logsByFn.has(fn)) logsByFn.set(fn, []);
    logsByFn.get(fn)!.push(`[${level}] ${args.map(fmt).join(" ")}`);
  };
}

export interface RunView {
  runId: string;
  /** COMPLETED, FAILED, CANCELLED, or the last status seen when the wait ran out. */
  status: string;
  /** The function's return value (JSON) for a completed run. */
  output: unknown;
  /** `Name: message` of a failed run. */
  error: string | null;
  /** Step IDs (the names the code gave) of the run's step spans, in trace order. */
  steps: string[];
  /** Distinct steps of a completed run; of another, the steps whose span completed. */
  completedSteps: number;
  /** Span status per step ID (last one wins). */
  stepStatus: Record<string, string>;
  /** True when the run had not finished within the wait. */
  hung: boolean;
  /**
   * Writes the server reported dropped ("database table is locked") while this run was in
   * flight (runAll; exact for this run when it was alone on its server): its trace may lack
   * spans, its status or output may be stale.
   */
  droppedWrites?: number;
  ms: number;
}

export interface Engine {
  port: number;
  appPort: number;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Send events (one request); returns their IDs in order. */
  send(events: Array<{ name: string; data: Record<string, unknown> }>): Promise<string[]>;
  /** Wait (bounded) for the run each event started, then its end; read output and steps. */
  runsOf(eventIds: string[], timeoutMs: number): Promise<RunView[]>;
  /**
   * Send each event and wait for its run, with at most `concurrency` runs in flight (the
   * server's in-memory SQLite reports "database table is locked" and loses run updates when
   * dozens of runs write at once); results in the order of `events`.
   */
  runAll(events: Array<{ name: string; data: Record<string, unknown> }>, timeoutMs: number, concurrency?: number): Promise<RunView[]>;
  close(): Promise<void>;
  serverLog(): string;
}

/**
 * Start a dev server and an app server for `functions` of `client` (the SDK's serve handler
 * on 127.0.0.1), sync the app and wait until the server lists every function.
 */
export async function startEngine(opts: {
  bin: string;
  client: unknown;
  functions: unknown[];
  /** The server's port (the client's INNGEST_BASE_URL may already name it); a free one if not given. */
  port?: number;
}): Promise<Engine> {
  const [port, gw, gwGrpc, exGrpc] = await Promise.all([opts.port ?? freePort(), freePort(), freePort(), freePort()]);
  const base = `http://${HOST}:${port}`;
  // The queue is polled every `tick` ms (150 by default; 30 here: a v3 run makes one request
  // per step, and an idle server polling every 10 ms costs a tenth of a core). Retries back
  // off linearly from 1 s.
  const args = [
    "dev", "--no-discovery", "--no-poll", "--host", HOST, "-p", String(port),
    "--connect-gateway-port", String(gw), "--connect-gateway-grpc-port", String(gwGrpc),
    "--connect-executor-grpc-port", String(exGrpc), "--connect-gateway-grpc-ip", HOST,
    "--connect-executor-grpc-ip", HOST, "--tick", process.env.E2E_ENGINE_TICK ?? "30",
    "--retry-interval", "1", "--log-level", "error",
  ];
  const child: ChildProcess = spawn(opts.bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  // Writes the server's SQLite dropped ("database table is locked"), counted over its life.
  let dropped = 0;
  const keep = (b: Buffer) => {
    const text = b.toString();
    dropped += text.split("database table is locked").length - 1;
    log = (log + text).slice(-20000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exited: string | null = null;
  child.on("exit", (code, sig) => { exited = `exited ${code ?? sig}`; });
  // never leave a server behind: this process may end on process.exit() or a crash
  process.on("exit", () => { if (!exited) child.kill("SIGKILL"); });

  const deadline = Date.now() + 20000;
  for (;;) {
    if (exited) throw new Error(`dev server ${exited}: ${log.slice(-500)}`);
    try { if ((await fetch(`${base}/health`)).ok) break; } catch { /* not up yet */ }
    if (Date.now() > deadline) { child.kill("SIGKILL"); throw new Error(`dev server not healthy after 20 s: ${log.slice(-500)}`); }
    await sleep(50);
  }

  const handler = serve({ client: opts.client as never, functions: opts.functions as never[] });
  const app: Server = createServer((req, res) => {
    const fnId = new URL(req.url ?? "/", "http://x").searchParams.get("fnId") ?? "";
    requestFn.run(fnId, () => (handler as (a: unknown, b: unknown) => unknown)(req, res));
  });
  // The app binds a port of the system's choosing: a port picked earlier and released can
  // be taken by the time it listens (seen in CI: EADDRINUSE, the dev server opens ports of
  // its own while it starts).
  const appPort = await new Promise<number>((resolve, reject) => {
    app.once("error", reject);
    app.listen(0, HOST, () => resolve((app.address() as { port: number }).port));
  });

  const gql = async <T>(query: string, variables?: Record<string, unknown>): Promise<T> => {
    const res = await fetch(`${base}/v0/gql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: Array<{ message: string }> };
    if (body.errors?.length) throw new Error(`GraphQL: ${body.errors.map((e) => e.message).join("; ")}`);
    return body.data as T;
  };

  // Sync: PUT on the app makes the SDK register its functions with the server.
  const put = await fetch(`http://${HOST}:${appPort}/api/inngest`, { method: "PUT" });
  if (!put.ok) throw new Error(`app sync (PUT /api/inngest) answered ${put.status}: ${await put.text()}`);
  const want = opts.functions.length;
  const syncDeadline = Date.now() + 15000;
  for (;;) {
    const d = await gql<{ apps: Array<{ functionCount: number; error: string | null }> }>("{ apps { functionCount error } }");
    // (an `onFailure` handler is a function of its own: at least `want`)
    const n = d.apps.reduce((s, a) => s + a.functionCount, 0);
    if (n >= want) break;
    if (Date.now() > syncDeadline) throw new Error(`sync: the server lists ${n} of ${want} functions after 15 s (${JSON.stringify(d.apps)})`);
    await sleep(50);
  }

  const send = async (events: Array<{ name: string; data: Record<string, unknown> }>) => {
    const res = await fetch(`${base}/e/e2e-key`, { method: "POST", body: JSON.stringify(events) });
    const body = (await res.json()) as { ids?: string[]; error?: string };
    if (!res.ok || !body.ids) throw new Error(`send: ${res.status} ${JSON.stringify(body)}`);
    return body.ids;
  };

  // Reads go one at a time: readers of the server's in-memory SQLite make its writers fail
  // with "database table is locked" (and lose spans) rather than wait.
  let chain: Promise<unknown> = Promise.resolve();
  const gqlOneAtATime = <T>(query: string): Promise<T> => {
    const p = chain.then(() => gql<T>(query));
    chain = p.catch(() => undefined);
    return p;
  };
  const runsOf = (eventIds: string[], timeoutMs: number) => waitRuns(gqlOneAtATime, eventIds, timeoutMs);

  const runAll = async (events: Array<{ name: string; data: Record<string, unknown> }>, timeoutMs: number, concurrency = CONCURRENCY) => {
    const out: RunView[] = new Array(events.length);
    let next = 0;
    const worker = async () => {
      while (next < events.length) {
        const i = next++;
        const before = dropped;
        const [id] = await send([events[i]]);
        [out[i]] = await runsOf([id], timeoutMs);
        out[i].droppedWrites = dropped - before;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, events.length) }, worker));
    return out;
  };

  return {
    port,
    appPort,
    gql,
    send,
    runsOf,
    runAll,
    serverLog: () => log,
    close: async () => {
      // a hung run's request is still open: cut the connections, then close
      app.closeAllConnections?.();
      await new Promise<void>((r) => app.close(() => r()));
      if (!exited) {
        child.kill("SIGTERM");
        const t = setTimeout(() => child.kill("SIGKILL"), 2000);
        await new Promise((r) => child.once("exit", r));
        clearTimeout(t);
      }
    },
  };
}

type Span = { name: string; status: string; stepOp: string | null; stepID: string | null; outputID: string | null; childrenSpans?: Span[] };
const SPAN_FIELDS = "name status stepOp stepID outputID";
// Step spans sit a few levels down (root -> steps; a retried step has attempts below it).
const TRACE_QUERY = `${SPAN_FIELDS} childrenSpans { ${SPAN_FIELDS} childrenSpans { ${SPAN_FIELDS} childrenSpans { ${SPAN_FIELDS} } } }`;
const TERMINAL = new Set(["COMPLETED", "FAILED", "CANCELLED"]);

/** The function's value from a run's output: v4 gives `[{op: "RunComplete", data}]`, v3 the value. */
export const unwrapOutput = (text: string | null): unknown => {
  if (text === null || text === undefined || text === "") return null;
  let v: unknown;
  try { v = JSON.parse(text); } catch { return text; }
  if (Array.isArray(v) && v.length === 1 && v[0] && typeof v[0] === "object" && (v[0] as { op?: string }).op === "RunComplete") {
    return (v[0] as { data?: unknown }).data ?? null;
  }
  return v;
};

const errorOf = (v: unknown): string => {
  if (v && typeof v === "object") {
    const e = (v as { error?: unknown }).error ?? v;
    if (e && typeof e === "object" && "message" in e) {
      return `${String((e as { name?: unknown }).name ?? "Error")}: ${String((e as { message: unknown }).message)}`;
    }
  }
  return typeof v === "string" ? v : JSON.stringify(v);
};

async function waitRuns(
  gql: <T>(query: string) => Promise<T>,
  eventIds: string[],
  timeoutMs: number,
): Promise<RunView[]> {
  const t0 = Date.now();
  const deadline = t0 + timeoutMs;
  const runIds: Array<string | null> = eventIds.map(() => null);
  // 1. the run each event started (GraphQL: the REST endpoint's answers are cached ~15 s)
  while (runIds.some((r) => r === null) && Date.now() < deadline) {
    const idx = eventIds.map((_, i) => i).filter((i) => runIds[i] === null);
    const q = idx.map((i) => `e${i}: eventV2(id: "${eventIds[i]}") { runs { id } }`).join(" ");
    const d = await gql<Record<string, { runs: Array<{ id: string }> | null } | null>>(`{ ${q} }`).catch(() => ({}) as Record<string, null>);
    for (const i of idx) {
      const runs = d[`e${i}`]?.runs;
      if (runs?.length) runIds[i] = runs[0].id;
    }
    if (runIds.some((r) => r === null)) await sleep(100);
  }
  const views: RunView[] = eventIds.map((id, i) => ({
    runId: runIds[i] ?? `(no run for event ${id})`,
    status: runIds[i] ? "QUEUED" : "NO RUN",
    output: null,
    error: null,
    steps: [],
    completedSteps: 0,
    stepStatus: {},
    hung: true,
    ms: 0,
  }));
  // 2. status and output, all pending runs in one GraphQL request per poll
  const pending = new Set(views.map((_, i) => i).filter((i) => runIds[i] !== null));
  const endedAt: Array<number | undefined> = [];
  while (pending.size && Date.now() < deadline) {
    const idx = [...pending];
    const q = idx.map((i) => `r${i}: run(runID: "${runIds[i]}") { status output }`).join(" ");
    const d = await gql<Record<string, { status: string; output: string | null } | null>>(`{ ${q} }`);
    for (const i of idx) {
      const r = d[`r${i}`];
      if (!r) continue;
      views[i].status = r.status;
      // The output can trail the status by a moment: an ended run without one is read
      // again, for up to 3 s (a function that returns nothing has none).
      if (TERMINAL.has(r.status) && (r.output || (endedAt[i] ??= Date.now()) < Date.now() - 3000)) {
        views[i].hung = false;
        views[i].ms = Date.now() - t0;
        const out = unwrapOutput(r.output);
        if (r.status === "COMPLETED") views[i].output = out;
        else views[i].error = errorOf(out);
        pending.delete(i);
      }
    }
    if (pending.size) await sleep(150);
  }
  // 3. the steps of every run (its trace), hung runs included: what it did so far
  await Promise.all(views.map(async (v, i) => {
    if (runIds[i] === null) return;
    let last = "";
    for (let tries = 0; tries < 40; tries++) {
      const d = await gql<{ runTrace: Span | null }>(`{ runTrace(runID: "${runIds[i]}") { ${TRACE_QUERY} } }`);
      const root = d.runTrace;
      if (root) {
        const steps: Span[] = [];
        const walk = (s: Span) => {
          if (s.stepOp) steps.push(s);
          else for (const c of s.childrenSpans ?? []) walk(c);
        };
        for (const c of root.childrenSpans ?? []) walk(c);
        // A step of a parallel group has two spans (queued, then run): one step per ID. On
        // v4 the run span of a parallel step can stay RUNNING in a completed run (its
        // result was checkpointed by another request): a completed run's steps all count.
        const byId = new Map<string, string>();
        for (const s of steps) if (byId.get(s.name) !== "COMPLETED") byId.set(s.name, s.status);
        v.steps = [...byId.keys()];
        v.stepStatus = Object.fromEntries(byId);
        v.completedSteps = v.status === "COMPLETED" ? byId.size : [...byId.values()].filter((st) => st === "COMPLETED").length;
        // the spans of an ended run are written a moment later: read until
        // two reads in a row agree (at most 40 reads)
        const sig = JSON.stringify(v.stepStatus);
        if (v.hung || sig === last) break;
        last = sig;
      }
      await sleep(100);
    }
  }));
  return views;
}

/** A one-line account of a run for PASS/FAIL lines. */
export const showRun = (v: RunView): string =>
  v.hung
    ? `hung: status ${v.status} after the wait, ${v.steps.length} step(s) so far${v.steps.length ? ` (last ${v.steps[v.steps.length - 1]})` : ""}`
    : v.error !== null
      ? `${v.status} ${v.error}`
      : `${v.status} ${JSON.stringify(v.output)}`;
