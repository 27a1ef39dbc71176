; Inngest functions (SPEC 1.1).
;
; A call `X.createFunction(…)` on any receiver: `inngest`, `client`, `this.inngest`,
; `app.inngest`. The Rust side takes the last argument as the handler and the first
; (when it is an object) as the options holding `id` and `onFailure`.
(call_expression
  function: (member_expression
    property: (property_identifier) @method)
  arguments: (arguments) @arguments
  (#eq? @method "createFunction")) @function
