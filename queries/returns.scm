; Return statements, and what they return. The Rust side keeps those that belong to
; a handler itself (not to a nested function or a step body).
(return_statement) @return
