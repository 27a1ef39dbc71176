// The harms the rules claim, shown on the real engine: each proof runs functions of
// `proofs-engine/defs.ts` on the Inngest dev server (one of its own, served by the SDK's
// serve handler) and judges what the engine did: status, output and steps read through
// GraphQL, calls counted in this process (the app), the SDK's warnings from its log.
// Prints PASS/FAIL lines like compare.ts (the claim, then what was observed); exit 1 on
// any FAIL. Usage: tsx engine_proofs.ts LEG   (INNGEST_DEV_SERVER = the binary)
//
// To add a proof: a function in engine_defs.ts (or an export of proofs-engine/defs.ts) and
// an entry in PROOFS below that names the functions it runs and judges them.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { fmt, say, log } from "./engine";
import type { RunView } from "./devserver";

const [leg] = process.argv.slice(2);
// A dropped step promise that rejects is an unhandled rejection in the app, which ends a
// Node process by default: kept here, and reported by the unawaited-step proof.
const rejections: string[] = [];
process.on("unhandledRejection", (e) => { rejections.push(fmt(e)); });

interface Seen extends RunView {
  /** Calls counted by the function for this run, by what was counted. */
  calls: Record<string, number>;
  /** NESTING_STEPS warnings the SDK logged while serving this function. */
  warnings: string[];
}
/** `claim` replaces the proof's claim when what was shown depends on the SDK. */
type Verdict = { ok: boolean; saw: string; claim?: string };
interface Proof {
  /** What a PASS proves (the rule's claim, shown happening). */
  claim: string;
  /** Functions to run (names of defs exports, `fns.x` for the shared set). */
  runs: string[];
  /** Runs that may hang: waited for 15 s only, two at a time beside the others. */
  hangs?: string[];
  judge(r: Record<string, Seen>): Verdict;
}

const j = (v: unknown) => JSON.stringify(v);
const out = (s: Seen) =>
  s.hung ? `hung (${s.status}, ${s.steps.length} step(s): ${s.steps.join(", ")})` : s.error !== null ? `${s.status} ${s.error}` : `${j(s.output)}`;
const completed = (s: Seen) => !s.hung && s.status === "COMPLETED";
const broke = (orig: Seen, moved: Seen) =>
  moved.hung || moved.status !== "COMPLETED" || moved.warnings.length > 0 || j(moved.output) !== j(orig.output);
const warned = (s: Seen) => (s.warnings.length ? `; SDK warned: ${s.warnings[0].replace(/\s+/g, " ").slice(0, 90)}` : "");
const movability = (what: string, o: string, m: string): Proof => ({
  claim: `manual review, ${what}: the naive rewrite breaks the run on the engine, the original does not`,
  runs: [o, m],
  hangs: [m],
  judge: (r) => {
    const [orig, moved] = [r[o], r[m]];
    if (!completed(orig) || orig.warnings.length) return { ok: false, saw: `the original should complete cleanly: ${out(orig)}${warned(orig)}` };
    return {
      ok: broke(orig, moved),
      saw: `original ${out(orig)}, steps ${orig.steps.join(",")}; naive rewrite ${out(moved)}${warned(moved)}`,
    };
  },
});

const PROOFS: Proof[] = [
  {
    claim: "mutation-in-step: a value written inside a step body is lost once the run resumes in a new request, and a finalize step freezes the lost value",
    runs: ["fns.mutation", "fns.mutationSleep", "fns.mutationSleepWrapped"],
    judge: (r) => {
      const [plain, sleep, wrapped] = [r["fns.mutation"], r["fns.mutationSleep"], r["fns.mutationSleepWrapped"]];
      const ok = completed(sleep) && completed(wrapped) && j(sleep.output) === j({ count: 0 }) && j(wrapped.output) === j({ count: 0 });
      return { ok, saw: `x then y: ${out(plain)}; x, sleep 1s, y: ${out(sleep)}; the same wrapped in a finalize step: ${out(wrapped)} (the write made it {"count":1} in the request that ran x)` };
    },
  },
  {
    claim: "nondeterminism-outside-step: a step ID built from the clock names a new step on the replay after a sleep, and its body runs again",
    runs: ["fns.clockStepId"],
    judge: (r) => {
      const s = r["fns.clockStepId"];
      const jobs = s.steps.filter((x) => x.startsWith("job-"));
      return { ok: completed(s) && (s.calls.job ?? 0) >= 2 && jobs.length >= 2, saw: `${out(s)}; step body ran ${s.calls.job ?? 0} times, job steps in the trace: ${jobs.join(", ")}` };
    },
  },
  {
    claim: "nondeterminism-outside-step: a value from the clock differs between the requests of one run, so a step and the code after a sleep see different branches",
    runs: ["fns.clockBranch"],
    judge: (r) => {
      const s = r["fns.clockBranch"];
      const o = s.output as { stepSaw?: string; handlerSaw?: string } | null;
      const branch = s.steps.includes("fresh-only") ? "the fresh-only step ran, and the replay skipped its branch" : "the fresh branch was not taken at all (the requests were more than 2 s apart)";
      return { ok: completed(s) && o?.stepSaw !== o?.handlerSaw, saw: `${out(s)}; ${branch}; steps ${s.steps.join(", ")}` };
    },
  },
  {
    claim: "non-json-step-result: a Date step result arrives as its ISO string and a Map as {}, and Date methods on it throw",
    runs: ["fns.dateMap", "fns.dateMapSleep", "fns.dateMethod"],
    judge: (r) => {
      const [plain, sleep, method] = [r["fns.dateMap"], r["fns.dateMapSleep"], r["fns.dateMethod"]];
      const json = (s: Seen) => {
        const o = s.output as { dueType?: string; dueIsDate?: boolean; seenIsMap?: boolean; seen?: unknown } | null;
        return completed(s) && o?.dueType === "string" && !o.dueIsDate && !o.seenIsMap && j(o.seen) === "{}";
      };
      const threw = method.status === "FAILED" && /getTime is not a function/.test(method.error ?? "");
      return {
        ok: json(plain) && json(sleep) && threw,
        saw: `in the request that ran the steps: ${out(plain)}; after a sleep: ${out(sleep)}; getTime(): ${out(method)}`,
      };
    },
  },
  {
    claim: "nested-step: a step inside a step's body makes the SDK warn or breaks the run",
    runs: ["fns.nested"],
    hangs: ["fns.nested"],
    judge: (r) => {
      const s = r["fns.nested"];
      return { ok: s.warnings.length > 0 || s.hung || s.status !== "COMPLETED", saw: `${out(s)}${warned(s)}` };
    },
  },
  {
    claim: "unawaited-step: a step whose promise is dropped loses its error: the run completes as if it had not failed",
    runs: ["fns.unawaitedThrow"],
    judge: (r) => {
      const thr = r["fns.unawaitedThrow"];
      return {
        ok: completed(thr) && !/card declined/.test(out(thr)),
        saw: `${out(thr)}, the dropped step's body ran ${thr.calls.charge ?? 0} time(s) and threw, steps ${thr.steps.join(", ")}; ` +
          `unhandled rejections in the app (they end a Node process by default): ${rejections.length ? rejections.slice(0, 2).join(" | ") : "none"}`,
      };
    },
  },
  {
    // What the engine does with a dropped sleep differs by SDK: the line says which.
    claim: "unawaited-step, a dropped step.sleep",
    runs: ["fns.unawaitedSleep"],
    judge: (r) => {
      const sl = r["fns.unawaitedSleep"];
      const waited = (sl.output as { waitedMs?: number } | null)?.waitedMs;
      if (!completed(sl) || typeof waited !== "number") return { ok: false, saw: out(sl) };
      return {
        ok: true,
        claim: waited < 3000
          ? "unawaited-step: a dropped 3 s step.sleep does not delay the step after it"
          : "caveat unawaited-step: here the engine still ran the dropped 3 s step.sleep before the next step (the rule's 'does not delay' is not shown on this SDK)",
        saw: `${out(sl)}, steps ${sl.steps.join(", ")}`,
      };
    },
  },
  {
    claim: "side-effect-outside-step: a call outside any step runs again on the requests of one run",
    runs: ["fns.sideEffect", "fns.sideEffectSleep"],
    judge: (r) => {
      const [plain, sleep] = [r["fns.sideEffect"], r["fns.sideEffectSleep"]];
      return {
        ok: completed(plain) && completed(sleep) && Math.max(plain.calls.call ?? 0, sleep.calls.call ?? 0) > 1,
        saw: `3 steps: called ${plain.calls.call ?? 0} time(s) in one run; 3 steps with 2 sleeps: ${sleep.calls.call ?? 0} time(s)`,
      };
    },
  },
  {
    // What the wrapper is handed depends on whether the finalize step's output is read back
    // from run state (JSON) or kept in the request that ran it: the line says which.
    claim: "manual review, the return goes to a higher-order function the handler is passed through",
    runs: ["fns.wrapperOriginal", "fns.wrapperMoved"],
    judge: (r) => {
      const [orig, moved] = [r["fns.wrapperOriginal"], r["fns.wrapperMoved"]];
      if (!completed(orig)) return { ok: false, saw: `the original should complete: ${out(orig)}` };
      const threw = moved.status === "FAILED" && /toISOString is not a function/.test(moved.error ?? "");
      return {
        ok: true,
        claim: threw
          ? "manual review, the return goes to a higher-order function the handler is passed through: after the naive rewrite the wrapper gets the finalize step's JSON (a string for the Date) and the run fails"
          : "caveat wrapper: here the wrapper still got the Date from the finalize step (the request that ran it kept the value; refused all the same: a replay of that request hands it JSON)",
        saw: `original ${out(orig)}; naive rewrite ${out(moved)}`,
      };
    },
  },
  movability("a step call moved into the finalize step (nested step)", "nestedOriginal", "nestedMoved"),
  movability("a closure that runs a step, called in the return", "closureOriginal", "closureMoved"),
  movability("a local `step` shadowing the handler's, in scope at the return", "shadowOriginal", "shadowMoved"),
  movability("an expression that throws, inside a try with a catch", "tryOriginal", "tryMoved"),
  {
    claim: "caveat reach-promise: a step promise made earlier, awaited in the finalize step (refused on principle; what the engine does)",
    runs: ["promiseOriginal", "promiseMoved"],
    hangs: ["promiseMoved"],
    judge: (r) => ({ ok: completed(r.promiseOriginal), saw: `original ${out(r.promiseOriginal)}; naive rewrite ${out(r.promiseMoved)}${warned(r.promiseMoved)}` }),
  },
];

type Fn = import("./devserver").EngineFn;

async function main() {
  const bin = process.env.INNGEST_DEV_SERVER;
  if (!bin) throw new Error("INNGEST_DEV_SERVER is not set");
  const { pointClientsAtEngine, startEngine, logsByFn } = await import("./devserver");
  const port = await pointClientsAtEngine();
  const defs = await import(pathToFileURL(resolve("proofs-engine/defs.ts")).href);
  const fnOf = (name: string): Fn | undefined => (name.startsWith("fns.") ? defs.fns?.[name.slice(4)] : defs[name]);
  const usable = PROOFS.filter((p) => p.runs.every((n) => fnOf(n)));
  for (const p of PROOFS) if (!usable.includes(p)) say(`FAIL ${leg} ${p.claim}: proofs-engine/defs.ts lacks ${p.runs.filter((n) => !fnOf(n)).join(", ")}`);
  const names = [...new Set(usable.flatMap((p) => p.runs))];
  const fns = names.map((n) => fnOf(n)!);
  for (const fn of fns) fn.opts.triggers = [{ event: `e2e/run/${fn.opts.id}` }];
  const engine = await startEngine({ bin, client: fns[0].client, functions: fns, port });
  const seen: Record<string, Seen> = {};
  try {
    const stamp = Date.now();
    let seq = 0;
    const batch = async (list: string[], timeoutMs: number, concurrency: number) => {
      const keys = list.map((n) => `${n}-${stamp}-${seq++}`);
      const views = await engine.runAll(list.map((n, i) => ({ name: `e2e/run/${fnOf(n)!.opts.id}`, data: { key: keys[i], jobId: "job-1" } })), timeoutMs, concurrency);
      list.forEach((n, i) => {
        const fn = fnOf(n)!;
        const calls: Record<string, number> = {};
        for (const [k, v] of Object.entries(defs.calls as Record<string, number>)) if (k.startsWith(`${keys[i]}:`)) calls[k.slice(keys[i].length + 1)] = v;
        const warnings = (logsByFn.get(fn.id(fn.client.id)) ?? []).filter((l) => /NESTING_STEPS|nested step/i.test(l));
        seen[n] = { ...views[i], calls, warnings };
        log(`  ran ${n}: ${out(seen[n])} steps=${views[i].steps.join(",")} calls=${j(calls)} (${views[i].ms} ms, run ${views[i].runId})`);
      });
    };
    // Runs that may hang wait 15 s, beside the others (they write little to the server).
    const hanging = [...new Set(usable.flatMap((p) => p.hangs ?? []))];
    const rest = names.filter((n) => !hanging.includes(n));
    await Promise.all([batch(hanging, Number(process.env.E2E_ENGINE_HANG_MS ?? 15000), 2), batch(rest, 60000, 1)]);
    // A run that should end but never showed one while the server dropped writes (see
    // engine_runner.ts) is sent again, once, alone.
    const again = rest.filter((n) => seen[n].hung && seen[n].droppedWrites);
    if (again.length) {
      log(`  sent again (status lost with dropped writes): ${again.join(", ")}`);
      await batch(again, 60000, 1);
    }
  } finally {
    await engine.close();
  }
  if (process.env.E2E_ENGINE_DEBUG) for (const [k, v] of logsByFn) log(`  log of ${k}: ${v.slice(0, 5).join(" | ").slice(0, 600)}`);
  let failed = 0;
  for (const p of usable) {
    let v: Verdict;
    try { v = p.judge(seen); } catch (e) { v = { ok: false, saw: `judge threw ${fmt(e)}` }; }
    if (!v.ok) failed++;
    say(`${v.ok ? "PASS" : "FAIL"} ${leg} ${v.claim ?? p.claim}${v.ok ? ` (${v.saw})` : `: not shown: ${v.saw}`}`);
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { say(`FAIL ${leg} engine proofs crashed: ${e?.stack ?? fmt(e)}`); process.exit(1); });
