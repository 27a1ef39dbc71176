// Executes every case of every fixture module in the given directories with
// @inngest/test's InngestTestEngine and writes one JSON document:
//   { cases: [{ file, name, label, expect, result, error, steps, stateCount,
//               nestingWarnings, timedOut, ms }] }
// Usage: tsx runner.ts OUT.json DIR [DIR...]
// It must sit next to a node_modules that has `inngest` and `@inngest/test`
// (run.sh copies it into a temp dir with a node_modules symlink).
import { readdirSync, writeFileSync } from "node:fs";
import { resolve, basename } from "node:path";
import { pathToFileURL } from "node:url";
import { execute, fmt, log } from "./engine";

const TIMEOUT_MS = Number(process.env.E2E_CASE_TIMEOUT_MS ?? 10000);

interface FixtureCase {
  name: string;
  fn: unknown;
  runs: Array<{ label: string; data: Record<string, unknown>; event?: string; expect: string | string[] | null; expectDefault?: string | string[] | null; expectError?: boolean }>;
}

async function main() {
  const [outFile, ...dirs] = process.argv.slice(2);
  if (!outFile || dirs.length === 0) throw new Error("usage: runner.ts OUT.json DIR [DIR...]");
  const records: unknown[] = [];
  for (const dir of dirs) {
    const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.startsWith("_")).sort();
    for (const f of files) {
      const file = `${basename(dir)}/${f}`;
      const mod = await import(pathToFileURL(resolve(dir, f)).href);
      const cases = mod.cases as FixtureCase[];
      if (!Array.isArray(cases)) throw new Error(`${file} exports no \`cases\``);
      for (const c of cases) {
        for (const run of c.runs) {
          const o = await execute(c.fn, run.data, TIMEOUT_MS, run.event);
          const expectDefault = run.expectDefault === undefined ? run.expect : run.expectDefault;
          records.push({ file, name: c.name, label: run.label, expect: run.expect, expectDefault, expectError: run.expectError ?? false, ...o });
          log(`  ran ${file} ${c.name} [${run.label}] steps=${o.steps.length}${o.timedOut ? " TIMEOUT" : ""}${o.error ? ` error=${o.error}` : ""} (${o.ms} ms)`);
        }
      }
    }
  }
  writeFileSync(outFile, JSON.stringify({ cases: records }, null, 2) + "\n");
  process.exit(0); // a hung case may leave timers and promises behind
}

main().catch((e) => { log(`runner failed: ${e?.stack ?? fmt(e)}`); process.exit(2); });
