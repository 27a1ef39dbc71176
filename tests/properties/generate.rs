//! A generator of Inngest handler files, driven by a stream of choices.
//!
//! Every decision (binding shape, statements, return shapes, indentation, quotes, line
//! endings, BOM…) is one `pick` from a [`Choices`]. Choice 0 is always the simplest
//! option and an exhausted stream answers 0, so any byte string renders to a valid file
//! and shrinking the bytes (proptest) or mutating them (cargo fuzz) shrinks or mutates
//! the program. Shared by `tests/properties.rs` and the fuzz target `generated`
//! (`fuzz/fuzz_targets/generated.rs`).
//!
//! The output is always syntactically valid TypeScript (and valid TSX when `tsx` is
//! set): the properties treat any parse error in it as a generator bug, and any
//! self-verification failure of the tool on it as a tool bug.

/// In a rendered line: one indent unit more than the line's depth (after a newline).
const INDENT: char = '\u{1}';
/// In a rendered line: a line inside a template literal, not indented (after a newline).
const RAW: char = '\u{2}';

/// Where the decisions come from.
pub struct Choices<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Choices<'a> {
    pub fn new(bytes: &'a [u8]) -> Choices<'a> {
        Choices { bytes, at: 0 }
    }

    /// A number in `0..n` (0 once the bytes run out).
    pub fn pick(&mut self, n: usize) -> usize {
        debug_assert!(n > 0 && n <= 256);
        let Some(&b) = self.bytes.get(self.at) else {
            return 0;
        };
        self.at += 1;
        b as usize % n
    }

    /// True with probability about `percent`/100 (false once the bytes run out).
    pub fn chance(&mut self, percent: usize) -> bool {
        let Some(&b) = self.bytes.get(self.at) else {
            return false;
        };
        self.at += 1;
        (b as usize * 100) / 256 >= 100 - percent
    }
}

/// A generated file and what the generator knows about it.
#[derive(Debug, Clone)]
pub struct Generated {
    pub source: String,
    /// Parse with the TSX grammar (else TypeScript).
    pub tsx: bool,
    pub all_returns: bool,
    /// The generator placed at least one trailing return that must be fixed: it reads
    /// handler variables after a step, in an async handler with `run` reachable, with
    /// no suppression and no reason for manual review.
    pub expect_fix: bool,
}

/// How the handler reaches its steps.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Binding {
    /// `{ event, step }`
    EventStep,
    /// `{ event, step, logger, runId, attempt }`
    Extras,
    /// `{ event, step: s }`
    Renamed,
    /// `{ event, step: { run, sleep, waitForEvent, invoke } }`
    Tools,
    /// `{ event, step: { run: r, sleep } }`
    RenamedTools,
    /// `ctx`
    Context,
    /// `{ event }` with `import { step } from "inngest"`
    Imported,
    /// `{ event, step: { sleep } }`: no `run` to call.
    NoRun,
}

struct Style {
    unit: &'static str,
    semi: &'static str,
    quote: char,
}

/// The state of one handler as it is generated.
struct Handler {
    binding: Binding,
    /// Names of step results declared so far (`const r0 = await step.run(…)`).
    results: Vec<String>,
    /// A step call has been emitted at the handler's own level.
    stepped: bool,
    counter: bool,
    next: usize,
    tsx: bool,
}

impl Handler {
    fn event(&self) -> &'static str {
        if self.binding == Binding::Context {
            "ctx.event"
        } else {
            "event"
        }
    }

    /// The callee of a step tool.
    fn tool(&self, tool: &str) -> String {
        match self.binding {
            Binding::EventStep | Binding::Extras | Binding::Imported => format!("step.{tool}"),
            Binding::Renamed => format!("s.{tool}"),
            Binding::Context => format!("ctx.step.{tool}"),
            Binding::Tools => tool.to_string(),
            Binding::RenamedTools | Binding::NoRun => match tool {
                "run" if self.binding == Binding::RenamedTools => "r".to_string(),
                _ => "sleep".to_string(),
            },
        }
    }

    /// What a helper is handed to run steps.
    fn handed(&self) -> &'static str {
        match self.binding {
            Binding::EventStep | Binding::Extras | Binding::Imported => "step",
            Binding::Renamed => "s",
            Binding::Context => "ctx",
            Binding::Tools => "run",
            Binding::RenamedTools => "r",
            Binding::NoRun => "sleep",
        }
    }

    fn has_run(&self) -> bool {
        self.binding != Binding::NoRun
    }

    fn fresh(&mut self) -> usize {
        self.next += 1;
        self.next
    }
}

/// Lines of code at a depth, joined at the end with the file's indent unit.
struct Lines {
    lines: Vec<(usize, String)>,
}

impl Lines {
    fn push(&mut self, depth: usize, text: impl Into<String>) {
        self.lines.push((depth, text.into()));
    }
}

/// Render a file from `choices`.
pub fn generate(c: &mut Choices) -> Generated {
    let style = Style {
        unit: ["  ", "    ", "\t"][c.pick(3)],
        semi: [";", ""][c.pick(2)],
        quote: ['"', '\''][c.pick(2)],
    };
    let tsx = c.chance(40);
    let crlf = c.chance(25);
    let bom = c.chance(15);
    let all_returns = c.chance(25);
    let q = style.quote;
    let semi = style.semi;

    let mut out = Lines { lines: Vec::new() };
    let mut expect_fix = false;
    if c.chance(30) {
        out.push(0, "// Generated handlers: ünïcödé ✓ in a comment.");
    }
    let functions = 1 + c.pick(3);
    let mut imported = false;
    let mut bodies = Vec::new();
    for index in 0..functions {
        let (function, expects, imports) = function(c, &style, index, tsx);
        expect_fix |= expects;
        imported |= imports;
        bodies.push(function);
    }
    out.push(0, format!("import {{ inngest }} from {q}./client{q}{semi}"));
    if imported {
        out.push(0, format!("import {{ step }} from {q}inngest{q}{semi}"));
    }
    out.push(0, "");
    for body in bodies {
        out.lines.extend(body.lines);
        out.push(0, "");
    }

    let mut source = String::new();
    if bom {
        source.push('\u{feff}');
    }
    let nl = if crlf { "\r\n" } else { "\n" };
    for (depth, line) in &out.lines {
        // Continuation lines of a multi-line return value: `INDENT` marks one more
        // unit than the line's own depth, `RAW` a template literal line kept as is.
        for (index, segment) in line.split('\n').enumerate() {
            if index > 0 {
                source.push_str(nl);
            }
            if let Some(raw) = segment.strip_prefix(RAW) {
                source.push_str(raw);
                continue;
            }
            let rest = segment.trim_start_matches(INDENT);
            if !rest.is_empty() {
                let extra = (segment.len() - rest.len()) / INDENT.len_utf8();
                for _ in 0..depth + extra {
                    source.push_str(style.unit);
                }
            }
            source.push_str(rest);
        }
        source.push_str(nl);
    }
    Generated {
        source,
        tsx,
        all_returns,
        expect_fix,
    }
}

/// One `createFunction` call (and a named handler before it, for the named forms).
/// Returns the lines, whether a fix is expected, and whether it uses the imported `step`.
fn function(c: &mut Choices, style: &Style, index: usize, tsx: bool) -> (Lines, bool, bool) {
    let q = style.quote;
    let semi = style.semi;
    let binding = [
        Binding::EventStep,
        Binding::Renamed,
        Binding::Tools,
        Binding::Context,
        Binding::Extras,
        Binding::Imported,
        Binding::RenamedTools,
        Binding::NoRun,
    ][c.pick(8)];
    let is_async = !c.chance(5);
    let mut handler = Handler {
        binding,
        results: Vec::new(),
        stepped: false,
        counter: false,
        next: 0,
        tsx,
    };
    let params = match binding {
        Binding::EventStep => "{ event, step }",
        Binding::Extras => "{ event, step, logger, runId, attempt }",
        Binding::Renamed => "{ event, step: s }",
        Binding::Tools => "{ event, step: { run, sleep, waitForEvent, invoke } }",
        Binding::RenamedTools => "{ event, step: { run: r, sleep } }",
        Binding::Context => "ctx",
        Binding::Imported => "{ event }",
        Binding::NoRun => "{ event, step: { sleep } }",
    };
    let typed = if c.chance(20) && !params.starts_with("ctx") {
        format!("{params}: Context")
    } else if c.chance(10) && params == "ctx" {
        "ctx: any".to_string()
    } else {
        params.to_string()
    };
    let asyncness = if is_async { "async " } else { "" };

    // The handler body, at depth 0 relative to the handler's `{`.
    let mut body = Lines { lines: Vec::new() };
    let ev = handler.event();
    body.push(0, format!("const jobId = {ev}.data.id{semi}"));
    body.push(
        0,
        format!("const items: string[] = {ev}.data.items ?? []{semi}"),
    );
    let statements = c.pick(7);
    for _ in 0..statements {
        statement(c, style, &mut handler, &mut body, 0);
    }
    let stepped_before_tail = handler.stepped;
    let tail_fix = tail(c, style, &mut handler, &mut body, 0, 0);
    let expect_fix =
        tail_fix && stepped_before_tail && is_async && handler.has_run() && !handler.counter;

    // The function around it.
    let mut lines = Lines { lines: Vec::new() };
    let id = format!("{q}fn-{index}{q}");
    let event = format!("{q}app/event.{index}{q}");
    let form = c.pick(5);
    let on_failure = c.chance(10);
    let named = format!("handler{index}");
    let header_arrow = format!("{asyncness}({typed}) => {{");
    let header_function = format!("{asyncness}function ({typed}) {{");
    if form == 3 || form == 4 {
        if form == 3 {
            lines.push(0, format!("const {named} = {asyncness}({typed}) => {{"));
        } else {
            lines.push(0, format!("{asyncness}function {named}({typed}) {{"));
        }
        for (d, l) in body.lines.drain(..) {
            lines.push(d + 1, l);
        }
        lines.push(
            0,
            if form == 3 {
                format!("}}{semi}")
            } else {
                "}".into()
            },
        );
        lines.push(0, "");
    }
    let export = if c.chance(50) { "export " } else { "" };
    lines.push(
        0,
        format!("{export}const fn{index} = inngest.createFunction("),
    );
    let failure = if on_failure {
        format!(", onFailure: async ({{ error, step }}) => {{ await step.run({q}log{q}, async () => error.message){semi} }}")
    } else {
        String::new()
    };
    if form == 1 {
        // v4: options with triggers, then the handler.
        lines.push(
            1,
            format!("{{ id: {id}, triggers: [{{ event: {event} }}]{failure} }},"),
        );
    } else {
        lines.push(1, format!("{{ id: {id}{failure} }},"));
        lines.push(1, format!("{{ event: {event} }},"));
    }
    let trailing_comma = if c.chance(50) { "," } else { "" };
    match form {
        3 | 4 => lines.push(1, format!("{named}{trailing_comma}")),
        _ => {
            let header = if form == 2 {
                header_function
            } else {
                header_arrow
            };
            lines.push(1, header);
            for (d, l) in body.lines.drain(..) {
                lines.push(d + 2, l);
            }
            lines.push(1, format!("}}{trailing_comma}"));
        }
    }
    lines.push(0, format!("){semi}"));
    (lines, expect_fix, binding == Binding::Imported)
}

/// A statement of the handler that is not its tail.
fn statement(c: &mut Choices, style: &Style, h: &mut Handler, out: &mut Lines, depth: usize) {
    let q = style.quote;
    let semi = style.semi;
    match c.pick(12) {
        0 | 1 => {
            // const rN = await step.run("step-N", async () => { … })
            let n = h.fresh();
            let run = h.tool("run");
            if !h.has_run() {
                out.push(
                    depth,
                    format!("await {}({q}nap-{n}{q}, {q}1s{q}){semi}", h.tool("sleep")),
                );
                h.stepped = true;
                return;
            }
            let name = format!("r{n}");
            if c.chance(50) {
                out.push(
                    depth,
                    format!("const {name} = await {run}({q}step-{n}{q}, async () => {{"),
                );
                out.push(
                    depth + 1,
                    format!("return {{ count: {n}, label: {q}é{n}{q} }}{semi}"),
                );
                out.push(depth, format!("}}){semi}"));
            } else {
                out.push(
                    depth,
                    format!("const {name} = await {run}({q}step-{n}{q}, async () => ({{ count: {n} }})){semi}"),
                );
            }
            h.results.push(name);
            h.stepped = true;
        }
        2 => {
            let n = h.fresh();
            out.push(
                depth,
                format!("await {}({q}nap-{n}{q}, {q}1h{q}){semi}", h.tool("sleep")),
            );
            h.stepped = true;
        }
        3 if matches!(h.binding, Binding::NoRun | Binding::RenamedTools) => {
            out.push(depth, format!("// no waitForEvent here{semi}"));
        }
        3 => {
            let n = h.fresh();
            out.push(
                depth,
                format!(
                    "const approval{n} = await {}({q}wait-{n}{q}, {{ event: {q}app/approved{q}, timeout: {q}1d{q} }}){semi}",
                    h.tool("waitForEvent")
                ),
            );
            h.stepped = true;
        }
        4 if matches!(h.binding, Binding::NoRun | Binding::RenamedTools) => {}
        4 => {
            let n = h.fresh();
            out.push(
                depth,
                format!(
                    "const child{n} = await {}({q}invoke-{n}{q}, {{ function: childFn, data: {{ jobId }} }}){semi}",
                    h.tool("invoke")
                ),
            );
            h.stepped = true;
        }
        5 => {
            // A loop of steps with template-literal IDs, maybe with an early return.
            let n = h.fresh();
            out.push(depth, "for (const item of items) {");
            let tool = if h.has_run() {
                h.tool("run")
            } else {
                h.tool("sleep")
            };
            out.push(
                depth + 1,
                format!("await {tool}(`item-{n}-${{item}}`, async () => item){semi}"),
            );
            if c.chance(50) {
                let braced = c.chance(50);
                let (text, _) = expression(c, style, h);
                if braced {
                    out.push(depth + 1, format!("if (item === {q}stop{q}) {{"));
                    out.push(depth + 2, format!("return {text}{semi}"));
                    out.push(depth + 1, "}");
                } else {
                    out.push(
                        depth + 1,
                        format!("if (item === {q}stop{q}) return {text}{semi}"),
                    );
                }
            }
            out.push(depth, "}");
            h.stepped = true;
        }
        6 => {
            // Promise.all(items.map(...)) fan-out.
            let n = h.fresh();
            let tool = if h.has_run() {
                h.tool("run")
            } else {
                h.tool("sleep")
            };
            out.push(depth, format!("const fan{n} = await Promise.all("));
            out.push(
                depth + 1,
                format!(
                    "items.map((item) => {tool}(`fan-{n}-${{item}}`, async () => ({{ item }}))),"
                ),
            );
            out.push(depth, format!("){semi}"));
            h.stepped = true;
        }
        7 => {
            let handed = h.handed();
            if c.chance(50) {
                out.push(depth, format!("await processBatch({handed}, items){semi}"));
            } else {
                out.push(depth, format!("await notify({{ {handed}, jobId }}){semi}"));
            }
            h.stepped = true;
        }
        8 => {
            // Grammar-specific syntax: a JSX element (TSX) or an angle-bracket cast (TS).
            let n = h.fresh();
            if h.tsx {
                out.push(
                    depth,
                    format!("const view{n} = <b title={q}t{q}>{{jobId}}</b>{semi}"),
                );
            } else {
                out.push(
                    depth,
                    format!("const total{n} = <number>items.length + {n}{semi}"),
                );
            }
        }
        9 => {
            out.push(depth, "// A comment between statements: ßtep ✓");
            if c.chance(50) {
                out.push(depth, "/* block");
                out.push(depth, "   comment */");
            }
        }
        10 => {
            // An early return, before or after steps.
            let (text, _) = expression(c, style, h);
            if c.chance(50) {
                out.push(
                    depth,
                    format!("if (items.length === 0) return {text}{semi}"),
                );
            } else {
                out.push(depth, "if (items.length === 0) {");
                out.push(depth + 1, format!("return {text}{semi}"));
                out.push(depth, "}");
            }
        }
        _ => {
            if h.counter || !h.has_run() {
                return;
            }
            // A variable written inside a step body: returns reading it are manual.
            out.push(depth, format!("let count = 0{semi}"));
            out.push(
                depth,
                format!("await {}({q}count{q}, async () => {{", h.tool("run")),
            );
            out.push(depth + 1, format!("count += 1{semi}"));
            out.push(depth, format!("}}){semi}"));
            h.counter = true;
            h.stepped = true;
        }
    }
}

/// The tail of a block in tail position. Returns whether it holds a return that the
/// generator knows must be fixed (see [`Generated::expect_fix`]).
fn tail(
    c: &mut Choices,
    style: &Style,
    h: &mut Handler,
    out: &mut Lines,
    depth: usize,
    nesting: usize,
) -> bool {
    let q = style.quote;
    let semi = style.semi;
    let shape = if nesting >= 3 { c.pick(2) } else { c.pick(9) };
    match shape {
        0 => return_statement(c, style, h, out, depth),
        1 => false,
        2 => {
            // if / else if / else, braced.
            // The condition tests a `const` (TypeScript keeps its narrowing in the
            // finalize step's closure); a property path would leave returns reading it
            // for manual review.
            out.push(depth, format!("if (jobId === {q}flag{q}) {{"));
            let a = tail(c, style, h, out, depth + 1, nesting + 1);
            let b = if c.chance(40) {
                out.push(depth, format!("}} else if (jobId === {q}x{q}) {{"));
                tail(c, style, h, out, depth + 1, nesting + 1)
            } else {
                false
            };
            out.push(depth, "} else {");
            let d = tail(c, style, h, out, depth + 1, nesting + 1);
            out.push(depth, "}");
            a || b || d
        }
        3 => {
            // Braceless if, with or without a braceless else.
            let (text, fix) = expression(c, style, h);
            let suppressed = c.chance(10);
            if suppressed {
                out.push(depth, "// inngest-fix-ignore");
            }
            out.push(
                depth,
                format!("if (jobId === {q}flag{q}) return {text}{semi}"),
            );
            let mut other = false;
            if c.chance(50) {
                let (text, fix) = expression(c, style, h);
                if c.chance(50) {
                    out.push(depth, format!("else return {text}{semi}"));
                } else {
                    out.push(depth, "else");
                    out.push(depth + 1, format!("return {text}{semi}"));
                }
                other = fix;
            }
            (fix && !suppressed) || other
        }
        4 => {
            out.push(depth, "try {");
            if c.chance(50) {
                statement(c, style, h, out, depth + 1);
            }
            let a = tail(c, style, h, out, depth + 1, nesting + 1);
            if c.chance(30) {
                out.push(depth, "} catch {");
            } else {
                out.push(depth, "} catch (err) {");
            }
            let b = tail(c, style, h, out, depth + 1, nesting + 1);
            if c.chance(20) {
                out.push(depth, "} finally {");
                out.push(depth + 1, format!("console.log({q}done{q}){semi}"));
            }
            out.push(depth, "}");
            // The try block's return is manual when its expression may throw (a
            // property read does): only the catch block's is sure to be fixed.
            let _ = a;
            b
        }
        5 => {
            // On a `const`, like the `if` conditions above.
            out.push(depth, "switch (jobId) {");
            let cases = 1 + c.pick(3);
            let mut any = false;
            for case in 0..cases {
                out.push(depth + 1, format!("case {q}c{case}{q}:"));
                if c.chance(30) {
                    out.push(depth + 2, "{");
                    any |= tail(c, style, h, out, depth + 3, nesting + 1);
                    out.push(depth + 2, "}");
                } else if c.chance(30) {
                    // Same line as the label.
                    let (text, fix) = expression(c, style, h);
                    let last = out.lines.pop().map(|l| l.1).unwrap_or_default();
                    out.push(depth + 1, format!("{last} return {text}{semi}"));
                    any |= fix;
                } else {
                    any |= return_statement(c, style, h, out, depth + 2);
                }
            }
            if c.chance(50) {
                out.push(depth + 1, "default:");
                any |= return_statement(c, style, h, out, depth + 2);
            }
            out.push(depth, "}");
            any
        }
        6 => {
            // A step just before the return, so it comes after steps.
            statement(c, style, h, out, depth);
            return_statement(c, style, h, out, depth)
        }
        7 => {
            // A trailing comment and empty statement after the return.
            let fix = return_statement(c, style, h, out, depth);
            out.push(depth, "// the end");
            if c.chance(50) {
                out.push(depth, ";");
            }
            fix
        }
        _ => {
            // Return and a comment on the same line.
            let (text, fix) = expression(c, style, h);
            out.push(depth, format!("return {text}{semi} // trailing ✓"));
            fix
        }
    }
}

/// `return <expression>;`, maybe with comments above. Returns whether it must be fixed.
fn return_statement(
    c: &mut Choices,
    style: &Style,
    h: &mut Handler,
    out: &mut Lines,
    depth: usize,
) -> bool {
    let semi = style.semi;
    let mut suppressed = false;
    match c.pick(6) {
        1 => out.push(depth, "// Build the result."),
        2 => {
            out.push(depth, "// inngest-fix-ignore -- reviewed");
            suppressed = true;
        }
        3 => {
            out.push(depth, "/**");
            out.push(depth, " * The result.");
            out.push(depth, " */");
        }
        _ => {}
    }
    let (text, fix) = expression(c, style, h);
    let between = if c.chance(10) { "/* value */ " } else { "" };
    out.push(depth, format!("return {between}{text}{semi}"));
    fix && !suppressed
}

/// A return expression rendered at `depth` (continuation lines carry their own
/// relative indentation). Returns the text and whether a return of it after steps
/// must be fixed.
fn expression(c: &mut Choices, style: &Style, h: &mut Handler) -> (String, bool) {
    let q = style.quote;
    let inner = INDENT;
    let closing = "";
    let raw = RAW;
    let result = h.results.last().cloned();
    let reads_result = result.clone().unwrap_or_else(|| "jobId".to_string());
    match c.pick(14) {
        0 => ("{ ok: true }".to_string(), false),
        1 => (format!("{q}done{q}"), false),
        2 => ("42".to_string(), false),
        3 => match result {
            // The step result returned directly: safe.
            Some(name) => (name, false),
            None => ("null".to_string(), false),
        },
        4 => (format!("{{ jobId, value: {reads_result} }}"), true),
        5 => (
            format!(
                "{{\n{inner}// the job\n{inner}jobId,\n{inner}/* how many */ total: items.length,\n{inner}label: {q}ü{q},\n{closing}}}"
            ),
            true,
        ),
        6 => (
            format!("`Job ${{jobId}}\n{raw}  processed ${{items.length}} ✓\n{raw}`"),
            true,
        ),
        7 => ("items.map((item) => item.toUpperCase())".to_string(), true),
        8 => {
            let event = h.event();
            (format!("{event}.data"), true)
        }
        9 if h.has_run() => {
            // A step call: not a finding.
            let run = h.tool("run");
            (format!("await {run}({q}last{q}, async () => jobId)"), false)
        }
        10 if h.has_run() => {
            // A step call inside: manual.
            let run = h.tool("run");
            (
                format!("{{ jobId, extra: await {run}({q}extra{q}, async () => 1) }}"),
                false,
            )
        }
        11 if h.counter => ("{ count }".to_string(), false),
        12 => (
            format!("[\n{inner}jobId,\n\n{inner}...items,\n{closing}] as const"),
            true,
        ),
        13 => (
            "({ jobId, when: new Date().toISOString() })".to_string(),
            true,
        ),
        _ => ("undefined".to_string(), false),
    }
}
