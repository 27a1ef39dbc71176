; Reads of a name inside a return expression: plain identifiers and the shorthand
; properties of object literals (`{ jobId }` reads `jobId`). Property names
; (`x.jobId`, `{ jobId: 1 }`) are other node kinds and never match.
[
  (identifier) @read
  (shorthand_property_identifier) @read
]
