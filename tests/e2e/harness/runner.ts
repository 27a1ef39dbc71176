// Executes every case of every fixture module in the given directories with
// @inngest/test's InngestTestEngine and prints one JSON document:
//   { cases: [{ file, name, label, expect, result, error, steps, stateCount,
//               nestingWarnings, timedOut, ms }] }
// `steps` are the step IDs the final (fully memoized) execution called, taken
// from the mocked step tools; `stateCount` is the number of fulfilled steps in
// the engine's run state (hashed IDs), an independent count of the same thing.
//
// Usage: tsx runner.ts OUT.json DIR [DIR...]
// It must live next to a node_modules that has `inngest` and `@inngest/test`.
import { InngestTestEngine } from "@inngest/test";
import { readdirSync, writeFileSync } from "node:fs";
import { join, resolve, basename } from "node:path";
import { pathToFileURL } from "node:url";

const TIMEOUT_MS = Number(process.env.E2E_CASE_TIMEOUT_MS ?? 10000);
const STEP_TOOLS = ["run", "sleep", "sleepUntil", "waitForEvent", "invoke", "sendEvent", "fetch"];

// Capture everything the SDK logs (its ConsoleLogger looks up console.* at call
// time, v3's logger does too), so nesting warnings can be attributed to a case.
let captured: string[] = [];
const fmt = (a: unknown): string => {
  if (typeof a === "string") return a;
  if (a instanceof Error) return `${a.name}: ${a.message}`;
  try { return JSON.stringify(a); } catch { return String(a); }
};
for (const level of ["log", "info", "warn", "error", "debug"] as const) {
  console[level] = (...args: unknown[]) => { captured.push(`[${level}] ${args.map(fmt).join(" ")}`); };
}
const out = (s: string) => process.stderr.write(s + "\n");

const stepIdOf = (arg: unknown): string =>
  typeof arg === "string" ? arg : String((arg as { id?: unknown })?.id ?? JSON.stringify(arg));

const roundTrip = (v: unknown): unknown => {
  if (v === undefined) return { "<undefined>": true };
  return JSON.parse(JSON.stringify(v));
};

export interface RunRecord {
  file: string;
  name: string;
  label: string;
  expect: string | string[] | null;
  result: unknown;
  error: string | null;
  steps: string[];
  stateCount: number;
  nestingWarnings: string[];
  timedOut: boolean;
  ms: number;
}

async function runOne(fn: unknown, data: Record<string, unknown>) {
  const engine = new InngestTestEngine({
    function: fn as never,
    events: [{ name: "e2e/test", data }],
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((r) => { timer = setTimeout(() => r("timeout"), TIMEOUT_MS); });
  try {
    return await Promise.race([engine.execute(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function main() {
  const [outFile, ...dirs] = process.argv.slice(2);
  if (!outFile || dirs.length === 0) throw new Error("usage: runner.ts OUT.json DIR [DIR...]");
  const records: RunRecord[] = [];
  for (const dir of dirs) {
    const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.startsWith("_")).sort();
    for (const f of files) {
      const mod = await import(pathToFileURL(resolve(dir, f)).href);
      const cases = mod.cases as Array<{ name: string; fn: unknown; runs: Array<{ label: string; data: Record<string, unknown>; expect: string | string[] | null }> }>;
      if (!Array.isArray(cases)) throw new Error(`${f} exports no cases`);
      for (const c of cases) {
        for (const run of c.runs) {
          captured = [];
          const t0 = Date.now();
          const rec: RunRecord = {
            file: `${basename(dir)}/${f}`, name: c.name, label: run.label, expect: run.expect,
            result: null, error: null, steps: [], stateCount: 0, nestingWarnings: [], timedOut: false, ms: 0,
          };
          try {
            const res = await runOne(c.fn, run.data);
            if (res === "timeout") {
              rec.timedOut = true;
            } else {
              rec.result = roundTrip(res.result);
              rec.error = res.error === undefined ? null : fmt(res.error);
              const step = res.ctx.step as unknown as Record<string, { mock?: { calls: unknown[][] } }>;
              for (const tool of STEP_TOOLS) {
                for (const call of step[tool]?.mock?.calls ?? []) rec.steps.push(stepIdOf(call[0]));
              }
              rec.stateCount = Object.keys(res.state).length;
            }
          } catch (e) {
            rec.error = `runner: ${fmt(e)}`;
          }
          // let late warnings (they are logged asynchronously) land
          await new Promise((r) => setTimeout(r, 20));
          rec.nestingWarnings = captured.filter((l) => /NESTING_STEPS|nested step/i.test(l));
          rec.ms = Date.now() - t0;
          records.push(rec);
          out(`  ran ${rec.file} ${rec.name} [${rec.label}] steps=${rec.steps.length} ${rec.timedOut ? "TIMEOUT" : ""}${rec.error ? " error=" + rec.error : ""} (${rec.ms} ms)`);
        }
      }
    }
  }
  writeFileSync(outFile, JSON.stringify({ cases: records }, null, 2) + "\n");
  process.exit(0); // a hung case may leave timers behind
}

main().catch((e) => { out(`runner failed: ${e?.stack ?? e}`); process.exit(2); });
