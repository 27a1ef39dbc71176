// Manual-review proofs: why inngest-fix refuses two kinds of findings, shown on
// the real SDK. Prints PASS/FAIL lines like compare.ts; exit 1 on any FAIL.
// Usage: tsx proofs.ts LEG PROOFS_DEFS.ts
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { execute, say, fmt, type Outcome } from "./engine";

const NEST_TIMEOUT_MS = Number(process.env.E2E_NEST_TIMEOUT_MS ?? 3000);
// v3's warning is a multi-line banner; keep the part that names the problem.
const oneLine = (w: string) => w.replace(/=+|\u001b\[[0-9;]*m/g, " ").replace(/\s+/g, " ").trim().slice(0, 110);

const [leg, defsPath] = process.argv.slice(2);
let failed = 0;
const pass = (c: string, n: string) => say(`PASS ${leg} ${c} (${n})`);
const fail = (c: string, why: string) => { failed++; say(`FAIL ${leg} ${c}: ${why}`); };
const show = (o: Outcome) =>
  o.timedOut ? `hung, no result after ${NEST_TIMEOUT_MS} ms` : o.error ? `error ${o.error}` : `result ${JSON.stringify(o.result)}`;

async function main() {
  const d = await import(pathToFileURL(resolve(defsPath)).href);
  const data = { jobId: "job-1" };

  // Proof 1: moving a step call into the finalize step nests steps.
  {
    const check = "proof nested-step: moving a step call into the finalize step";
    const orig = await execute(d.nestedOriginal, data, NEST_TIMEOUT_MS);
    const moved = await execute(d.nestedMoved, data, NEST_TIMEOUT_MS);
    const warned = moved.nestingWarnings.length > 0;
    const broke = warned || moved.timedOut || moved.error !== null || JSON.stringify(moved.result) !== JSON.stringify(orig.result);
    if (orig.timedOut || orig.error || orig.nestingWarnings.length) {
      fail(check, `the unmoved original should run cleanly, got ${show(orig)}, warnings ${orig.nestingWarnings.length}`);
    } else if (!broke) {
      fail(check, `the moved version ran cleanly (${show(moved)}): the SDK no longer objects`);
    } else {
      const w = warned ? `SDK warned ${moved.nestingWarnings.some((x) => x.includes("NESTING_STEPS")) ? "NESTING_STEPS" : ""}: ${oneLine(moved.nestingWarnings[0])}` : "no warning";
      pass(check, `original ${show(orig)}; moved: ${w}; ${show(moved)}`);
    }
  }

  // Proof 2: a variable assigned in a step body is lost on replay.
  {
    const check = "proof mutated-in-step: value assigned inside a step body";
    // A naive single pass: every step callback runs once, in order.
    const naiveStep = { run: async (_id: unknown, cb: () => unknown) => cb() };
    const naive = await d.mutationHandler({ event: { name: "e2e/test", data: {} }, step: naiveStep });
    const plain = await execute(d.mutation, {}, NEST_TIMEOUT_MS);
    const wrapped = await execute(d.mutationWrapped, {}, NEST_TIMEOUT_MS);
    const naiveS = JSON.stringify(naive);
    if (plain.timedOut || plain.error) fail(check, `engine run failed: ${show(plain)}`);
    else if (JSON.stringify(plain.result) === naiveS) fail(check, `replay kept the value (${naiveS}): nothing is lost`);
    else if (JSON.stringify(wrapped.result) === naiveS) fail(check, `wrapping in a finalize step restored the value ${naiveS}: the rewrite would be a fix`);
    else pass(check, `naive single pass ${naiveS}, real SDK ${JSON.stringify(plain.result)}, with finalize step ${JSON.stringify(wrapped.result)}`);
  }

  // Caveat checked: step output is JSON, so could a finalize step turn a
  // returned `undefined` into null? The SDK already resolves both to null.
  {
    const check = "caveat undefined-return: plain vs finalize step";
    const orig = await execute(d.undefinedOriginal, {}, NEST_TIMEOUT_MS);
    const wrapped = await execute(d.undefinedWrapped, {}, NEST_TIMEOUT_MS);
    if (orig.error || wrapped.error || orig.timedOut || wrapped.timedOut) fail(check, `${show(orig)} / ${show(wrapped)}`);
    else if (JSON.stringify(orig.result) !== JSON.stringify(wrapped.result)) fail(check, `function returning undefined resolves to ${JSON.stringify(orig.result)}, via finalize step to ${JSON.stringify(wrapped.result)}`);
    else pass(check, `both resolve to ${JSON.stringify(orig.result)}`);
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { say(`FAIL ${leg} proofs crashed: ${fmt(e)}`); process.exit(1); });
