// Type proofs: why inngest-fix refuses returns whose rewrite would not type-check.
// `proofs-types/NAME.before.ts` is an original the tool leaves alone (it must pass
// `tsc --noEmit --strict`); `NAME.after.ts` is the naive rewrite, which must fail.
// Prints PASS/FAIL lines like compare.ts. Usage: tsx type_proofs.ts LEG TSC
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { say } from "./engine";

const [leg, tsc] = process.argv.slice(2);
const run = (kind: string): string => {
  try {
    execFileSync(tsc, ["-p", `proofs-types/tsconfig.${kind}.json`, "--pretty", "false"], { encoding: "utf8" });
    return "";
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? e);
  }
};
// `NAME.before.js` / `NAME.after.js`: JavaScript that TypeScript checks (`// @ts-check`).
const files = readdirSync("proofs-types").filter((f) => /\.before\.(ts|js)$/.test(f)).sort();
const names = files.map((f) => f.replace(/\.before\.(ts|js)$/, ""));
const extension = (name: string) => (files.includes(`${name}.before.js`) ? "js" : "ts");
const before = run("before");
const after = run("after");
let failed = 0;
for (const name of names) {
  const check = `type proof ${name}: tsc --noEmit --strict`;
  const own = (out: string, kind: string) => out.split("\n").filter((l) => l.startsWith(`proofs-types/${name}.${kind}.${extension(name)}(`));
  const b = own(before, "before");
  const a = own(after, "after");
  if (b.length) { failed++; say(`FAIL ${leg} ${check}: the original does not type-check: ${b[0]}`); }
  else if (!a.length) { failed++; say(`FAIL ${leg} ${check}: the naive rewrite type-checks: the refusal is not needed`); }
  else say(`PASS ${leg} ${check} (original clean; naive rewrite: ${a[0].replace(/^[^:]*: /, "").slice(0, 140)})`);
}
process.exit(failed ? 1 : 0);
