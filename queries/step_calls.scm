; Candidate step calls (SPEC 1.2). The Rust side keeps those whose receiver is the
; handler's step binding (`step`, `s`, `ctx.step`, an imported `step`).

; `step.run(…)`, `s.sleep(…)`, `ctx.step.waitForEvent(…)`
(call_expression
  function: (member_expression
    object: (_) @step.binding
    property: (property_identifier) @step.tool
    (#any-of? @step.tool "run" "sleep" "sleepUntil" "waitForEvent" "waitForSignal" "invoke" "sendEvent" "sendSignal" "fetch"))
  arguments: (arguments) @step.arguments) @step.call

; `step.ai.infer(…)`, `step.ai.wrap(…)`, `step.realtime.publish(…)`
(call_expression
  function: (member_expression
    object: (member_expression
      object: (_) @step.binding
      property: (property_identifier) @step.namespace)
    property: (property_identifier) @step.tool
    (#any-of? @step.namespace "ai" "realtime")
    (#any-of? @step.tool "infer" "wrap" "publish"))
  arguments: (arguments) @step.arguments) @step.call

; Bare tools destructured from the step binding: `({ step: { run } }) => run(…)`
(call_expression
  function: (identifier) @step.tool
  arguments: (arguments) @step.arguments) @step.call

; A call handed the step binding runs steps too: `processBatch(step, items)`,
; `helper({ step, event })`, `helper({ step: s })`, `helper(ctx)`.
(call_expression
  arguments: (arguments
    [
      (identifier) @step.handed
      (member_expression) @step.handed
      (object (shorthand_property_identifier) @step.handed)
      (object (pair value: [(identifier) (member_expression)] @step.handed))
    ])) @step.helper_call
