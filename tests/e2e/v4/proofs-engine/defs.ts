// Functions of the engine proofs (harness/engine_proofs.ts) on inngest 4: the shared set of
// harness/engine_defs.ts, and the manual-review pairs of ../proofs/defs.ts (the original the
// tool leaves alone, the naive rewrite it refuses). This folder is never given to inngest-fix.
import { inngest, EVENT } from "../fixtures/_shared";
import { engineProofFns, type Define } from "../harness/engine_defs";

export { inngest };
export { calls } from "../harness/engine_defs";
export {
  nestedOriginal, nestedMoved, closureOriginal, closureMoved, promiseOriginal, promiseMoved,
  shadowOriginal, shadowMoved, tryOriginal, tryMoved,
} from "../proofs/defs";

const define: Define = (id, handler, opts) =>
  inngest.createFunction({ id, triggers: [{ event: EVENT }], ...opts }, handler as never);
export const fns = engineProofFns(define, "engine-v4");
