//! Which statements a step can run before: paths, not text order.
//!
//! `if (big) { await step.run(…); return a; } return b;`: `b` is only reached when no
//! step ran. A small abstract interpretation over the handler's statements tracks, at
//! each point, whether it can be reached without a step having run and whether it can
//! be reached after one. It is conservative in one direction only: "a step may have
//! run" is said whenever it cannot be ruled out (loops whose body may run a step, any
//! step inside a statement that completes, a `catch` after a `try` that runs steps).
//! Owns: that question. Does not own: where steps are (see [`super::steps`]).

use crate::analysis::kind::KindName;
use crate::analysis::Navigate;
use tree_sitter::Node;

use super::code_children;
use super::scope::ancestors_within;
use super::steps::HandlerSteps;

/// Reachable with no step run so far.
const CLEAN: u8 = 1;
/// Reachable after a step may have run.
const STEPPED: u8 = 2;

/// How control leaves a statement: normally (to the next statement) or by `break` /
/// `continue` (to the end of the enclosing loop or switch), each as a set of
/// [`CLEAN`]/[`STEPPED`].
#[derive(Debug, Clone, Copy, Default)]
struct Exits {
    normal: u8,
    jump: u8,
}

/// Whether a step may have run on some path from the start of `body` to `statement`
/// (a statement inside `body`), or `statement` sits in a loop that may run a step.
pub fn after_steps(statement: Node, body: Node, steps: &HandlerSteps) -> bool {
    let chain = ancestors_within(statement, body);
    let mut state = CLEAN;
    for pair in chain.windows(2) {
        let (parent, child) = (pair[0], pair[1]);
        state = enter(parent, child, state, steps);
    }
    state & STEPPED != 0
}

/// The state on entering `child` from its parent `parent` reached in `state`.
fn enter(parent: Node, child: Node, state: u8, steps: &HandlerSteps) -> u8 {
    let has = |n: Node| steps.any_within(n);
    match parent.kind_name() {
        "statement_block" | "program" => {
            let mut state = state;
            for statement in code_children(parent) {
                if statement.id() == child.id() {
                    break;
                }
                state = flow(statement, state, steps).normal;
            }
            state
        }
        "if_statement" => {
            let condition = parent.field("condition");
            if condition.is_some_and(|c| c.id() == child.id()) {
                return state;
            }
            state | condition.filter(|c| has(*c)).map_or(0, |_| STEPPED)
        }
        "for_statement" | "for_in_statement" | "while_statement" | "do_statement" => {
            if has(parent) {
                state | STEPPED
            } else {
                state
            }
        }
        "switch_statement" => state,
        "switch_body" => {
            let switch = parent.parent_node();
            let discriminant = switch.and_then(|s| s.field("value"));
            let entry = state | discriminant.filter(|d| has(*d)).map_or(0, |_| STEPPED);
            let mut fall = 0;
            for clause in code_children(parent) {
                if clause.id() == child.id() {
                    return entry | fall;
                }
                fall = flow_clause(clause, entry | fall, steps).normal;
            }
            entry | fall
        }
        "switch_case" | "switch_default" => {
            let mut state = state;
            let value = parent.field("value");
            for statement in code_children(parent) {
                if value.is_some_and(|v| v.id() == statement.id()) {
                    continue;
                }
                if statement.id() == child.id() {
                    break;
                }
                state = flow(statement, state, steps).normal;
            }
            state
        }
        "try_statement" => {
            let block = parent.field("body");
            let handler = parent.field("handler");
            let in_block = block.is_some_and(|b| b.id() == child.id());
            if in_block {
                return state;
            }
            let mut state = state;
            if block.is_some_and(has) {
                state |= STEPPED;
            }
            let in_handler = handler.is_some_and(|h| h.id() == child.id());
            if !in_handler && handler.is_some_and(has) {
                state |= STEPPED;
            }
            state
        }
        _ => state,
    }
}

/// How control leaves `statement` entered in `state`.
fn flow(statement: Node, state: u8, steps: &HandlerSteps) -> Exits {
    flow_at(statement, state, steps, 0)
}

/// Past this nesting depth (nesting comes from the user's file) a statement is taken to
/// complete normally, after a step if it holds one: conservative, and no deep recursion.
const MAX_DEPTH: usize = 16;

fn flow_at(statement: Node, state: u8, steps: &HandlerSteps, depth: usize) -> Exits {
    if state == 0 {
        return Exits::default();
    }
    let has = |n: Node| steps.any_within(n);
    let stepped_if = |n: Option<Node>| n.filter(|n| has(*n)).map_or(0, |_| STEPPED);
    if depth > MAX_DEPTH {
        return Exits {
            normal: state | stepped_if(Some(statement)),
            jump: state,
        };
    }
    let flow = |n: Node, state: u8, steps: &HandlerSteps| flow_at(n, state, steps, depth + 1);
    let flow_clause =
        |n: Node, state: u8, steps: &HandlerSteps| clause_at(n, state, steps, depth + 1);
    match statement.kind_name() {
        "return_statement" | "throw_statement" => Exits::default(),
        "break_statement" | "continue_statement" => Exits {
            normal: 0,
            jump: state,
        },
        "statement_block" => {
            let mut exits = Exits {
                normal: state,
                jump: 0,
            };
            for inner in code_children(statement) {
                let next = flow(inner, exits.normal, steps);
                exits.normal = next.normal;
                exits.jump |= next.jump;
            }
            exits
        }
        "if_statement" => {
            let entry = state | stepped_if(statement.field("condition"));
            let consequence = statement
                .field("consequence")
                .map_or(Exits::default(), |c| flow(c, entry, steps));
            let alternative = match statement.field("alternative") {
                Some(alternative) => match code_children(alternative).next() {
                    Some(inner) => flow(inner, entry, steps),
                    None => Exits {
                        normal: entry,
                        jump: 0,
                    },
                },
                None => Exits {
                    normal: entry,
                    jump: 0,
                },
            };
            Exits {
                normal: consequence.normal | alternative.normal,
                jump: consequence.jump | alternative.jump,
            }
        }
        "for_statement" | "for_in_statement" | "while_statement" | "do_statement" => {
            // The loop consumes its own breaks and continues; it may run zero times.
            let body = statement
                .field("body")
                .map_or(Exits::default(), |b| flow(b, state, steps));
            let mut normal = state | body.normal | body.jump;
            if has(statement) {
                normal |= STEPPED;
            }
            Exits { normal, jump: 0 }
        }
        "switch_statement" => {
            let entry = state | stepped_if(statement.field("value"));
            let Some(body) = statement.field("body") else {
                return Exits {
                    normal: entry,
                    jump: 0,
                };
            };
            let mut fall = 0;
            let mut jumped = 0;
            let mut has_default = false;
            for clause in code_children(body) {
                has_default |= clause.kind_name() == "switch_default";
                let exits = flow_clause(clause, entry | fall, steps);
                fall = exits.normal;
                jumped |= exits.jump;
            }
            let skipped = if has_default { 0 } else { entry };
            Exits {
                normal: fall | jumped | skipped,
                jump: 0,
            }
        }
        "try_statement" => {
            let block = statement
                .field("body")
                .map_or(Exits::default(), |b| flow(b, state, steps));
            let mut normal = block.normal;
            let mut jump = block.jump;
            if let Some(handler) = statement.field("handler") {
                let entry = state | stepped_if(statement.field("body"));
                let body = handler
                    .field("body")
                    .map_or(Exits::default(), |b| flow(b, entry, steps));
                normal |= body.normal;
                jump |= body.jump;
            }
            if let Some(finalizer) = statement.field("finalizer") {
                if normal != 0 && has(finalizer) {
                    normal |= STEPPED;
                }
                if jump != 0 && has(finalizer) {
                    jump |= STEPPED;
                }
            }
            Exits { normal, jump }
        }
        "labeled_statement" => {
            let body = statement
                .field("body")
                .map_or(Exits::default(), |b| flow(b, state, steps));
            Exits {
                normal: body.normal | body.jump,
                jump: body.jump,
            }
        }
        // Declarations of functions and classes run none of their code.
        "function_declaration" | "generator_function_declaration" | "class_declaration" => Exits {
            normal: state,
            jump: 0,
        },
        // Expression statements, declarations and anything else: a step inside (in a
        // nested callback too) may run.
        _ => Exits {
            normal: state | stepped_if(Some(statement)),
            jump: 0,
        },
    }
}

/// A `case`/`default` clause as a block of its statements.
fn flow_clause(clause: Node, state: u8, steps: &HandlerSteps) -> Exits {
    clause_at(clause, state, steps, 0)
}

fn clause_at(clause: Node, state: u8, steps: &HandlerSteps, depth: usize) -> Exits {
    let value = clause.field("value");
    let mut exits = Exits {
        normal: state,
        jump: 0,
    };
    for statement in code_children(clause) {
        if value.is_some_and(|v| v.id() == statement.id()) {
            continue;
        }
        let next = flow_at(statement, exits.normal, steps, depth + 1);
        exits.normal = next.normal;
        exits.jump |= next.jump;
    }
    exits
}
