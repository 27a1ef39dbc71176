// runner.ts on the real engine: serves every fixture function of the given directories to an
// Inngest dev server (its own, on free 127.0.0.1 ports), sends one event per run (a few
// runs in flight at once), and writes the same JSON document as runner.ts, read back from the server's GraphQL
// API, so compare.ts checks it the same way:
//   { cases: [{ file, name, label, expect, result, error, steps, stateCount,
//               nestingWarnings, timedOut, ms, runId, status }] }
// `steps` are the step spans of the run's trace (their IDs as the code named them),
// `stateCount` those that completed.
//
// One event starts one run: each function's triggers are replaced, on the loaded function
// object, by one event of its own (`e2e/run/<fn id>`), since every fixture listens to the
// same event name. The handler, options and client are the fixtures' own.
// Usage: tsx engine_runner.ts OUT.json DIR [DIR...]   (INNGEST_DEV_SERVER = the binary,
//        E2E_ENGINE_SHARD=i/n to run every n-th case from the i-th)
import { readdirSync, writeFileSync } from "node:fs";
import { resolve, basename } from "node:path";
import { pathToFileURL } from "node:url";
import { fmt, log, roundTrip } from "./engine";

// A run that has not ended by then is reported hung (a fixture takes well under a second).
const TIMEOUT_MS = Number(process.env.E2E_ENGINE_TIMEOUT_MS ?? 30000);

interface FixtureRun {
  label: string;
  data: Record<string, unknown>;
  event?: string;
  expect: string | string[] | null;
  expectDefault?: string | string[] | null;
  expectError?: boolean;
  /** Engine leg only: also send this many copies of the run at once. */
  parallel?: number;
  /** Engine leg only: how long the run may take (default E2E_ENGINE_TIMEOUT_MS). */
  timeoutMs?: number;
}
interface FixtureCase { name: string; fn: unknown; runs: FixtureRun[] }
type Fn = import("./devserver").EngineFn;

/** Give `fn` a trigger of its own; returns the event name. */
export const ownTrigger = (fn: Fn): string => {
  const name = `e2e/run/${fn.opts.id}`;
  fn.opts.triggers = [{ event: name }];
  return name;
};

async function main() {
  const [outFile, ...dirs] = process.argv.slice(2);
  if (!outFile || dirs.length === 0) throw new Error("usage: engine_runner.ts OUT.json DIR [DIR...]");
  const bin = process.env.INNGEST_DEV_SERVER;
  if (!bin) throw new Error("INNGEST_DEV_SERVER is not set");
  const { pointClientsAtEngine, startEngine, logsByFn } = await import("./devserver");
  // The fixtures' client has no base URL: point it at our server before they load.
  const port = await pointClientsAtEngine();

  const cases: Array<{ file: string; c: FixtureCase }> = [];
  for (const dir of dirs) {
    for (const f of readdirSync(dir).filter((x) => x.endsWith(".ts") && !x.startsWith("_")).sort()) {
      const mod = await import(pathToFileURL(resolve(dir, f)).href);
      if (!Array.isArray(mod.cases)) throw new Error(`${basename(dir)}/${f} exports no \`cases\``);
      for (const c of mod.cases as FixtureCase[]) cases.push({ file: `${basename(dir)}/${f}`, c });
    }
  }
  // E2E_ENGINE_SHARD=i/n: this process serves and runs every n-th case only (run.sh starts
  // n of them, each with its own server, and merges their JSON).
  const [shard, shards] = (process.env.E2E_ENGINE_SHARD ?? "0/1").split("/").map(Number);
  const mine = cases.filter((_, i) => i % shards === shard);
  const fns = [...new Set(mine.map(({ c }) => c.fn as Fn))];
  const eventOf = new Map(fns.map((fn) => [fn, ownTrigger(fn)]));
  const t0 = Date.now();
  if (!fns.length) {
    writeFileSync(outFile, JSON.stringify({ cases: [], ms: 0, retried: [] }) + "\n");
    process.exit(0);
  }
  const engine = await startEngine({ bin, client: fns[0].client, functions: fns, port });
  try {
    const runs = mine.flatMap(({ file, c }) => c.runs.map((run) => ({ file, c, run })));
    const events = runs.map(({ c, run }) => ({ name: eventOf.get(c.fn as Fn)!, data: run.data }));
    const timeoutOf = (i: number) => runs[i].run.timeoutMs ?? TIMEOUT_MS;
    const views = [];
    for (let i = 0; i < runs.length; i++) views.push((await engine.runAll([events[i]], timeoutOf(i), 1))[0]);
    // This build of the dev server keeps runs and spans in an in-memory SQLite that answers
    // "database table is locked" to a write that meets another, and drops it (it logs that):
    // a run then looks unfinished, has no output, or its trace lacks a span. A run that looks
    // unfinished, or completed without output after a dropped write, is sent again, once, and
    // the retry is reported; the second answer stands. Spans missing from a trace are
    // bounded by the dropped writes counted while the run was alone on its server: compare.ts
    // does not count that many missing steps, and says so.
    const retried: string[] = [];
    for (let i = 0; i < runs.length; i++) {
      const v = views[i];
      const noOutput = v.status === "COMPLETED" && v.output === null && !!v.droppedWrites;
      if (v.hung || noOutput) {
        const why = `${v.hung ? `status ${v.status}` : "no output"}, ${v.droppedWrites ?? 0} write(s) dropped`;
        retried.push(`${runs[i].file} ${runs[i].c.name} [${runs[i].run.label}] (${why}, run ${v.runId})`);
        [views[i]] = await engine.runAll([events[i]], timeoutOf(i), 1);
      }
    }
    // `parallel: n`: n more copies of the run at once, side by side on this server; each must
    // end COMPLETED (or as the single run did) with the same output.
    const concurrent: Array<Record<string, unknown> | undefined> = [];
    for (let i = 0; i < runs.length; i++) {
      const n = runs[i].run.parallel ?? 0;
      if (!n) continue;
      // Sent together, so a dropped write cannot be tied to one copy: a copy whose status
      // never ended while the server dropped writes is "status lost" (named, not counted);
      // every other copy must agree, and at least one must have ended.
      const vs = await engine.runAll(Array.from({ length: n }, () => events[i]), timeoutOf(i), n);
      const dropped = vs.reduce((a, x) => a + (x.droppedWrites ?? 0), 0);
      const show = (x: typeof vs[number]) => JSON.stringify([x.status, x.output, x.error]);
      const counted = vs.filter((x) => !(x.hung && dropped > 0));
      concurrent[i] = {
        n,
        agree: counted.length > 0 && counted.every((x) => !x.hung && show(x) === show(views[i])),
        statusLost: vs.length - counted.length,
        statuses: vs.map((x) => x.status),
        steps: vs.map((x) => x.steps.length),
        ms: Math.max(...vs.map((x) => x.ms)),
        droppedWrites: dropped,
      };
      log(`  ran ${runs[i].file} ${runs[i].c.name} [${runs[i].run.label}] x${n} at once: ${JSON.stringify(concurrent[i])}`);
    }
    const records = runs.map(({ file, c, run }, i) => {
      const v = views[i];
      const slug = (c.fn as Fn).id((c.fn as Fn).client.id);
      const warnings = (logsByFn.get(slug) ?? []).filter((l) => /NESTING_STEPS|nested step/i.test(l));
      const expectDefault = run.expectDefault === undefined ? run.expect : run.expectDefault;
      log(`  ran ${file} ${c.name} [${run.label}] ${v.status} steps=${v.steps.length} (${v.ms} ms, run ${v.runId})${v.error ? ` error=${v.error}` : ""}${v.droppedWrites ? ` DROPPED ${v.droppedWrites} server write(s)` : ""}`);
      return {
        file, name: c.name, label: run.label, expect: run.expect, expectDefault, expectError: run.expectError ?? false,
        timedOut: v.hung, result: v.error === null && !v.hung ? roundTrip(v.output) : null, error: v.hung ? null : v.error,
        steps: v.steps, stateCount: v.completedSteps, nestingWarnings: warnings, ms: v.ms, runId: v.runId, status: v.status,
        droppedWrites: v.droppedWrites ?? 0, concurrent: concurrent[i],
      };
    });
    writeFileSync(outFile, JSON.stringify({ cases: records, ms: Date.now() - t0, retried }, null, 2) + "\n");
  } finally {
    if (process.env.E2E_ENGINE_LOG) writeFileSync(process.env.E2E_ENGINE_LOG, engine.serverLog());
    await engine.close();
  }
  process.exit(0);
}

main().catch((e) => { log(`engine runner failed: ${e?.stack ?? fmt(e)}`); process.exit(2); });
