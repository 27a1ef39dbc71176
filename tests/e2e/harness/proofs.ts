// Manual-review proofs: why inngest-fix refuses these kinds of findings, shown on
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
// A PASS line says what it proved first, then what was observed: `PASS v4 <claim> (<facts>)`.
const pass = (c: string, n: string) => say(`PASS ${leg} ${c} (${n})`);
const fail = (c: string, why: string) => { failed++; say(`FAIL ${leg} ${c}: ${why}`); };
const show = (o: Outcome) =>
  o.timedOut ? `hung, no result after ${NEST_TIMEOUT_MS} ms` : o.error ? `error ${o.error}` : `result ${JSON.stringify(o.result)}`;

async function main() {
  const d = await import(pathToFileURL(resolve(defsPath)).href);
  const data = { jobId: "job-1" };

  // Proof 1: moving a step call into the finalize step nests steps.
  {
    const check = "nested step";
    const orig = await execute(d.nestedOriginal, data, NEST_TIMEOUT_MS);
    const moved = await execute(d.nestedMoved, data, NEST_TIMEOUT_MS);
    const warned = moved.nestingWarnings.length > 0;
    const broke = warned || moved.timedOut || moved.error !== null || JSON.stringify(moved.result) !== JSON.stringify(orig.result);
    if (orig.timedOut || orig.error || orig.nestingWarnings.length) {
      fail(check, `the unmoved original should run cleanly, got ${show(orig)}, warnings ${orig.nestingWarnings.length}`);
    } else if (!broke) {
      fail(check, `the moved version ran cleanly (${show(moved)}): the SDK no longer objects`);
    } else {
      // What went wrong, in the README's words ("makes the SDK warn and can hang the run").
      const harms = [
        warned ? "the SDK warned" : "",
        moved.timedOut ? "the run never finished" : moved.error ? "the run failed" : "",
        !moved.timedOut && !moved.error && JSON.stringify(moved.result) !== JSON.stringify(orig.result) ? "the result changed" : "",
      ].filter(Boolean);
      const code = moved.nestingWarnings.some((x) => x.includes("NESTING_STEPS")) ? "NESTING_STEPS: " : "";
      const warning = warned ? `; warning ${code}${oneLine(moved.nestingWarnings[0])}` : "";
      pass(
        `${check}: moved into the finalize step, ${harms.join(" and ")}, as the README documents`,
        `unmoved: ${show(orig)}; moved: ${show(moved)}${warning}`,
      );
    }
  }

  // Proof 2: a variable assigned in a step body is lost on replay.
  {
    const check = "mutation in step";
    // A naive single pass: every step callback runs once, in order.
    const naiveStep = { run: async (_id: unknown, cb: () => unknown) => cb() };
    const naive = await d.mutationHandler({ event: { name: "e2e/test", data: {} }, step: naiveStep });
    const plain = await execute(d.mutation, {}, NEST_TIMEOUT_MS);
    const wrapped = await execute(d.mutationWrapped, {}, NEST_TIMEOUT_MS);
    const naiveS = JSON.stringify(naive);
    if (plain.timedOut || plain.error) fail(check, `engine run failed: ${show(plain)}`);
    else if (JSON.stringify(plain.result) === naiveS) fail(check, `replay kept the value (${naiveS}): nothing is lost`);
    else if (JSON.stringify(wrapped.result) === naiveS) fail(check, `wrapping in a finalize step restored the value ${naiveS}: the rewrite would be a fix`);
    else pass(
      `${check}: a value written inside a step body is lost on replay and a finalize step does not bring it back, as the README documents`,
      `one pass returns ${naiveS}, the real SDK ${JSON.stringify(plain.result)}, with a finalize step ${JSON.stringify(wrapped.result)}`,
    );
  }

  // Proofs 4-7: the new manual-review reasons of the movability analysis. Each
  // pair is an original the tool leaves alone and the naive rewrite; the naive
  // rewrite must break: warn about nested steps, hang, throw, or change the result.
  const broken = async (check: string, original: unknown, moved: unknown) => {
    const orig = await execute(original, data, NEST_TIMEOUT_MS);
    const mv = await execute(moved, data, NEST_TIMEOUT_MS);
    if (orig.timedOut || orig.error || orig.nestingWarnings.length) {
      fail(check, `the unmoved original should run cleanly, got ${show(orig)}, warnings ${orig.nestingWarnings.length}`);
      return;
    }
    const warned = mv.nestingWarnings.length > 0;
    const changed = JSON.stringify(mv.result) !== JSON.stringify(orig.result);
    if (!warned && !mv.timedOut && !mv.error && !changed) {
      fail(check, `the naive rewrite ran cleanly with the same result (${show(mv)}): the refusal is not needed`);
      return;
    }
    const how = warned ? `SDK warned: ${oneLine(mv.nestingWarnings[0])}; ` : "";
    pass(check, `original ${show(orig)}; naive rewrite: ${how}${show(mv)}`);
  };
  await broken("proof reach-closure: a closure that runs a step, called in the return", d.closureOriginal, d.closureMoved);
  // Not demonstrated: @inngest/test memoizes the pending step before the finalize step
  // runs, so the naive rewrite resolves there. The tool refuses it all the same (the
  // spec requires that no step promise made earlier is awaited inside a step); this
  // line records what the engine does, so a change shows up in the log.
  {
    const check = "caveat reach-promise: a step promise made earlier, awaited in the finalize step";
    const orig = await execute(d.promiseOriginal, data, NEST_TIMEOUT_MS);
    const mv = await execute(d.promiseMoved, data, NEST_TIMEOUT_MS);
    if (orig.timedOut || orig.error) fail(check, `the unmoved original should run cleanly, got ${show(orig)}`);
    else pass(check, `original ${show(orig)}; naive rewrite on @inngest/test: ${mv.nestingWarnings.length ? "warned, " : ""}${show(mv)} (not shown harmful here; refused on principle)`);
  }
  await broken("proof shadowed-step: a local `step` in scope at the return", d.shadowOriginal, d.shadowMoved);
  await broken("proof try-catch: an expression that throws inside a try with a catch", d.tryOriginal, d.tryMoved);
  // The escape analysis (issue 21): the binding stored in an object or in `this`, and
  // the SDK's namespace `sdk.step`, read by a call in the return (v4 only).
  if (d.escapeOriginal) {
    await broken("proof escape-property: the step binding stored in an object, run by a call in the return", d.escapeOriginal, d.escapeMoved);
    await broken("proof escape-this: the step binding stored in `this`, run by a method the return awaits", d.thisOriginal, d.thisMoved);
    await broken("proof namespace-step: `sdk.step.run` of `import * as sdk from \"inngest\"` in a helper the return calls", d.namespaceOriginal, d.namespaceMoved);
  }
  // A handler passed through a higher-order function: the wrapper reads the return value,
  // which a finalize step hands back through JSON (v4 only).
  // @inngest/test hands the finalize step's value back as it was (no JSON), so the harm is
  // not shown here; the engine leg shows it (engine_proofs.ts). This line records what the
  // test engine does, so a change shows up in the log.
  if (d.wrapperOriginal) {
    const check = "caveat wrapper: the return goes to a higher-order function the handler is passed through, which reads a `Date` of it";
    const orig = await execute(d.wrapperOriginal, data, NEST_TIMEOUT_MS);
    const mv = await execute(d.wrapperMoved, data, NEST_TIMEOUT_MS);
    if (orig.timedOut || orig.error) fail(check, `the unmoved original should run cleanly, got ${show(orig)}`);
    else pass(check, `original ${show(orig)}; naive rewrite on @inngest/test: ${show(mv)} (the test engine keeps the Date; the real engine: leg engine)`);
  }

  // Caveat checked: step output is JSON, so could a finalize step turn a
  // returned `undefined` into null? The SDK already resolves both to null.
  {
    const check = "undefined return";
    const orig = await execute(d.undefinedOriginal, {}, NEST_TIMEOUT_MS);
    const wrapped = await execute(d.undefinedWrapped, {}, NEST_TIMEOUT_MS);
    if (orig.error || wrapped.error || orig.timedOut || wrapped.timedOut) fail(check, `${show(orig)} / ${show(wrapped)}`);
    else if (JSON.stringify(orig.result) !== JSON.stringify(wrapped.result)) fail(check, `function returning undefined resolves to ${JSON.stringify(orig.result)}, via finalize step to ${JSON.stringify(wrapped.result)}`);
    else pass(`${check}: returning undefined directly or through a finalize step gives the same result`, `both ${JSON.stringify(orig.result)}`);
  }
  // The premise of non-json-step-result (a Date step result is a string on replay) is shown
  // on the real engine: engine_proofs.ts (leg `engine`).
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { say(`FAIL ${leg} proofs crashed: ${fmt(e)}`); process.exit(1); });
