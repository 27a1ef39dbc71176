// Compares a "before" and an "after" run of the e2e fixtures and prints one
// line per check: `PASS <leg> <check>` or `FAIL <leg> <check>: <why>`.
// run.sh counts those lines. Exit code: 0 when every check passed, else 1.
//
// Usage: tsx compare.ts LEG BEFORE_DIR AFTER_DIR BEFORE.json AFTER.json TSC_BEFORE.txt TSC_AFTER.txt FIXTURE_SUBDIR...
// Only node: built-ins are used, so it runs from anywhere.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";

interface RunRecord {
  file: string;
  name: string;
  label: string;
  expect: string | string[] | null;
  expectError?: boolean;
  result: unknown;
  error: string | null;
  steps: string[];
  stateCount: number;
  nestingWarnings: string[];
  timedOut: boolean;
}

const [leg, beforeDir, afterDir, beforeJson, afterJson, tscBefore, tscAfter, ...subdirs] = process.argv.slice(2);
if (!subdirs.length) {
  console.error("usage: compare.ts LEG BEFORE_DIR AFTER_DIR BEFORE.json AFTER.json TSC_BEFORE TSC_AFTER SUBDIR...");
  process.exit(2);
}

let failed = 0;
const pass = (check: string, note = "") => console.log(`PASS ${leg} ${check}${note ? ` (${note})` : ""}`);
const fail = (check: string, why: string[]) => {
  failed++;
  console.log(`FAIL ${leg} ${check}: ${why[0]}`);
  for (const w of why.slice(1)) console.log(`       ${w}`);
};

const canon = (v: unknown): string => {
  if (Array.isArray(v)) return `[${v.map(canon).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
};
const short = (v: unknown) => { const s = canon(v); return s.length > 300 ? s.slice(0, 300) + "…" : s; };

// E2E_MODE=default: the tool ran without --all-returns, use `expectDefault`.
// E2E_MODE=migrate: the tool ran the v4 migration rules alone (`--select v4`) and the
// "after" run is on inngest 4: no step may be added or lost, and every fixture file
// with a v3 `createFunction` call must change.
// E2E_MODE=engine: both runs were read from the Inngest dev server (engine_runner.ts); only
// the behaviour is checked (the files and tsc are the SDK legs' checks).
const DEFAULT_MODE = process.env.E2E_MODE === "default";
const ENGINE_MODE = process.env.E2E_MODE === "engine";
const MIGRATE_MODE = process.env.E2E_MODE === "migrate";
const load = (p: string): RunRecord[] =>
  (JSON.parse(readFileSync(p, "utf8")).cases as Array<RunRecord & { expectDefault: RunRecord["expect"] }>)
    .map((r) => (DEFAULT_MODE ? { ...r, expect: r.expectDefault } : MIGRATE_MODE ? { ...r, expect: null } : r));
const before = load(beforeJson);
const after = load(afterJson);
const key = (r: RunRecord) => `${r.file}::${r.name}::${r.label}`;
const afterByKey = new Map(after.map((r) => [key(r), r]));

// multiset difference a - b
const minus = (a: string[], b: string[]) => {
  const rest = [...b];
  const out: string[] = [];
  for (const x of a) {
    const i = rest.indexOf(x);
    if (i >= 0) rest.splice(i, 1); else out.push(x);
  }
  return out;
};

// ---- 1. behaviour per case (all runs of a case form one check) ----
const byCase = new Map<string, RunRecord[]>();
for (const r of before) {
  const k = `${r.file}::${r.name}`;
  if (!byCase.has(k)) byCase.set(k, []);
  byCase.get(k)!.push(r);
}
if (after.length !== before.length) {
  fail("run-count", [`before ran ${before.length} runs, after ran ${after.length}`]);
}
for (const [caseKey, runs] of byCase) {
  const name = runs[0].name;
  const problems: string[] = [];
  const notes: string[] = [];
  for (const b of runs) {
    const a = afterByKey.get(key(b));
    const where = `[${b.label}]`;
    if (!a) { problems.push(`${where} missing from the after run`); continue; }
    if (b.timedOut) problems.push(`${where} timed out BEFORE the rewrite (fixture bug)`);
    if (b.error && !b.expectError) problems.push(`${where} errored BEFORE the rewrite (fixture bug): ${b.error}`);
    if (!b.error && b.expectError) problems.push(`${where} was meant to fail BEFORE the rewrite but did not (fixture bug)`);
    if (a.timedOut) problems.push(`${where} timed out after the rewrite`);
    if (a.error !== b.error) problems.push(`${where} error changed: before ${b.error ?? "none"}, after ${a.error ?? "none"}`);
    for (const [when, r] of [["before", b], ["after", a]] as const) {
      type Conc = { n: number; agree: boolean; statuses: string[]; steps: number[]; ms: number; statusLost: number; droppedWrites: number };
      const c = (r as RunRecord & { concurrent?: Conc }).concurrent;
      if (!c) continue;
      const lost = c.statusLost ? `; ${c.statusLost} never showed an end while the server dropped ${c.droppedWrites} write(s)` : "";
      if (!c.agree) problems.push(`${where} ${when}: ${c.n} copies at once did not all end as the single run did: ${c.statuses.join(", ")}${lost}`);
      else notes.push(`${when}: ${c.n} more at once, ${c.n - c.statusLost} ended ${c.statuses.find((x) => x !== "RUNNING")} with the same output (${c.steps.join("/")} steps in the traces, ${(c.ms / 1000).toFixed(1)} s)${lost}`);
    }
    if (canon(a.result) !== canon(b.result)) {
      problems.push(`${where} result changed after JSON round trip:`, `  before: ${short(b.result)}`, `  after:  ${short(a.result)}`);
    }
    if (a.nestingWarnings.length || b.nestingWarnings.length) {
      problems.push(`${where} nested-step warning: ${[...b.nestingWarnings, ...a.nestingWarnings][0]}`);
    }
    let added = minus(a.steps, b.steps);
    let removed = minus(b.steps, a.steps);
    const expected = b.expect === null ? [] : Array.isArray(b.expect) ? b.expect : [b.expect];
    // On the engine, a run whose trace lost spans (the server logged that many dropped
    // writes while it ran, on both tries) can miss that many steps: they are not counted as
    // lost or added, and the note says so. Every other difference counts.
    const lostA = ENGINE_MODE ? ((a as { droppedWrites?: number }).droppedWrites ?? 0) : 0;
    const lostB = ENGINE_MODE ? ((b as { droppedWrites?: number }).droppedWrites ?? 0) : 0;
    if (lostA || lostB) {
      const missingAfter = removed.length;
      const missingBefore = added.filter((x) => !expected.includes(x)).length;
      if (missingAfter <= lostA && missingBefore <= lostB) {
        if (missingAfter || missingBefore) notes.push(`${b.label}: the server dropped ${lostB}/${lostA} write(s) before/after; ${missingBefore}/${missingAfter} step span(s) missing from the traces, not counted`);
        removed = [];
        added = added.filter((x) => expected.includes(x));
        if (!b.expectError && b.expect !== null && !added.length && !a.steps.some((x) => expected.includes(x)) && lostA) {
          added = [expected[0]]; // the finalize span itself may be the dropped one: the output decides
          notes.push(`${b.label}: finalize span not in the trace`);
        }
        a.stateCount = b.stateCount + (b.expect === null ? 0 : 1);
      }
    }
    if (removed.length) problems.push(`${where} steps disappeared after the rewrite: ${removed.join(", ")}`);
    if (b.expect === null) {
      if (added.length) problems.push(`${where} expected no new step, got: ${added.join(", ")}`);
      if (a.stateCount !== b.stateCount) problems.push(`${where} run state had ${b.stateCount} steps, now ${a.stateCount}`);
      if (runs.some((r) => r.expect !== null)) notes.push(`${b.label}: unchanged, ${b.steps.length} steps`);
    } else {
      if (added.length !== 1 || !expected.includes(added[0])) {
        problems.push(`${where} expected exactly one new step ${expected.join(" or ")}, got ${added.length ? added.join(", ") : "none"} (steps before: ${b.steps.length}, after: ${a.steps.length})`);
      } else {
        notes.push(`${b.label}: ${b.steps.length}->${a.steps.length} steps +${added[0]}${b.expectError ? `, same error ${JSON.stringify(a.error).slice(0, 60)}` : ""}`);
      }
      // a finalize step that throws is attempted but never fulfilled (on the engine, a
      // failed run's steps did not all complete either)
      if (!b.expectError && a.stateCount !== b.stateCount + 1) problems.push(`${where} run state should hold ${b.stateCount + 1} steps, holds ${a.stateCount}`);
    }
  }
  const check = `case ${caseKey.split("::")[0]} ${name}`;
  // A PASS line says what it proved, then what was observed.
  const claim = runs.some((r) => r.expect !== null)
    ? "same result after the rewrite, with one finalize step more"
    : "left alone: same result, same steps";
  const on = ENGINE_MODE ? " on the real engine (status, output and steps read from the dev server)" : "";
  if (problems.length) fail(check, problems);
  else pass(`${check}: ${claim}${on}`, notes.length ? notes.join("; ") : `${runs.length} run(s)`);
}

if (ENGINE_MODE) process.exit(failed ? 1 : 0);

// ---- 2. the tool changed exactly the files it should ----
for (const sub of subdirs) {
  const dirB = join(beforeDir, sub);
  const dirA = join(afterDir, sub);
  for (const f of readdirSync(dirB).filter((x) => x.endsWith(".ts")).sort()) {
    const rel = `${sub}/${f}`;
    const textB = readFileSync(join(dirB, f));
    const textA = existsSync(join(dirA, f)) ? readFileSync(join(dirA, f)) : null;
    const changed = textA === null || !textB.equals(textA);
    const shouldChange = MIGRATE_MODE
      ? /\.createFunction\(/.test(textB.toString("utf8"))
      : before.some((r) => r.file === rel && r.expect !== null);
    if (changed === shouldChange) {
      pass(`file ${rel}: ${shouldChange ? "rewritten, as its fixable returns need" : "left byte-identical, nothing in it to fix"}`);
    } else if (shouldChange) {
      fail(`file ${rel}`, ["expected the tool to rewrite this file, it is unchanged (no-op tool?)"]);
    } else {
      fail(`file ${rel}`, ["the tool changed a file it must leave alone"]);
    }
  }
}

// ---- 3. no new tsc diagnostics ----
const diags = (p: string) =>
  readFileSync(p, "utf8").split("\n")
    .map((l) => l.match(/^(?:(.+?)\(\d+,\d+\): )?error (TS\d+): (.*)$/))
    .filter((m): m is RegExpMatchArray => m !== null)
    .map((m) => `${m[1] ?? "(global)"} ${m[2]}: ${m[3]}`);
const db = diags(tscBefore);
const da = diags(tscAfter);
const rawBefore = readFileSync(tscBefore, "utf8").trim();
if (db.length === 0 && rawBefore !== "") {
  fail("tsc before", ["tsc printed something that is not a diagnostic:", rawBefore.split("\n")[0]]);
} else if (db.length) {
  fail("tsc before", [`the fixtures must type-check under strict; ${db.length} diagnostic(s):`, ...db.slice(0, 5)]);
} else {
  pass("tsc --noEmit strict before: the fixtures type-check", "0 diagnostics");
}
const fresh = minus(da, db);
if (fresh.length) fail("tsc after", [`${fresh.length} new diagnostic(s) after the rewrite:`, ...fresh.slice(0, 10)]);
else pass("tsc --noEmit strict after: the rewritten code type-checks as before", `${da.length} diagnostics, none new`);

process.exit(failed ? 1 : 0);
