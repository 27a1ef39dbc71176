; Every call with an argument list: the one pattern behind both Inngest functions and
; step calls. The Rust side sorts the matches (src/analysis/functions.rs,
; src/analysis/steps.rs):
;
; - an Inngest function is `X.createFunction(…)` on any receiver (`inngest`, `client`,
;   `this.inngest`, `app.inngest`), looked for only around each occurrence of the name;
; - a step call is a step tool called on the handler's binding: `step.run(…)`,
;   `s.sleep(…)`, `ctx.step.waitForEvent(…)`, `step.ai.infer(…)`, `step.realtime.publish(…)`,
;   or a bare tool destructured from it (`({ step: { run } }) => run(…)`);
; - a call handed the binding runs steps too: `processBatch(step, items)`,
;   `helper({ step, event })`, `helper({ step: s })`, `helper(ctx)`.
;
; Why one broad pattern and not one pattern per shape: tree-sitter analyses every
; pattern against every state of the TypeScript grammar when a query is compiled, and the
; five shape patterns this file used to hold cost about 50 ms of CPU at start-up, more
; than the whole analysis of a typical repository. Sorting a call by the shape of its
; callee is a few comparisons in Rust.
(call_expression
  function: (_) @callee
  arguments: (arguments) @arguments) @call
