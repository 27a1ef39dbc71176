//! `inngest-fix server`, driven as an editor drives it: the server runs on one end of an
//! in-memory connection (the same loop as on stdio), the test is the client on the
//! other. The last tests start the binary and speak the protocol over its stdin/stdout.
//!
//! Edits from code actions are applied the way a client applies them (through UTF-16
//! positions) and compared with what the library's pipeline writes for `--write`.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use inngest_fix::server::{self, End};
use inngest_fix::{check_source, Lang, Settings};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use lsp_types::{
    CodeAction, CodeActionOrCommand, Diagnostic, Position, PublishDiagnosticsParams, Range,
    TextEdit, Url,
};
use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(20);

/// The test's side of a session.
struct Client {
    connection: Connection,
    server: Option<JoinHandle<anyhow::Result<End>>>,
    next_id: i32,
    /// Notifications received while waiting for a response.
    pending: VecDeque<Notification>,
}

impl Client {
    /// Start a server and initialize it with `root` as the workspace.
    fn start(root: &Path) -> (Client, Value) {
        let (server_side, client_side) = Connection::memory();
        let server = std::thread::spawn(move || server::serve(&server_side));
        let mut client = Client {
            connection: client_side,
            server: Some(server),
            next_id: 0,
            pending: VecDeque::new(),
        };
        let root_uri = Url::from_directory_path(root).unwrap();
        let result = client.request(
            "initialize",
            json!({ "capabilities": {}, "rootUri": root_uri, "workspaceFolders": null }),
        );
        client.notify("initialized", json!({}));
        (client, result)
    }

    fn notify(&self, method: &str, params: Value) {
        let notification = Notification::new(method.to_string(), params);
        self.connection.sender.send(notification.into()).unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let request = Request::new(id.clone(), method.to_string(), params);
        self.connection.sender.send(request.into()).unwrap();
        loop {
            match self.connection.receiver.recv_timeout(TIMEOUT).unwrap() {
                Message::Response(response) if response.id == id => {
                    assert!(
                        response.error.is_none(),
                        "{method} failed: {:?}",
                        response.error
                    );
                    return response.result.unwrap_or(Value::Null);
                }
                Message::Notification(notification) => self.pending.push_back(notification),
                other => panic!("unexpected message: {other:?}"),
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &Url) -> PublishDiagnosticsParams {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let notification = match self.pending.pop_front() {
                Some(notification) => notification,
                None => match self.connection.receiver.recv_deadline(deadline).unwrap() {
                    Message::Notification(notification) => notification,
                    other => panic!("unexpected message: {other:?}"),
                },
            };
            if notification.method == "textDocument/publishDiagnostics" {
                let params: PublishDiagnosticsParams =
                    serde_json::from_value(notification.params).unwrap();
                if &params.uri == uri {
                    return params;
                }
            }
        }
    }

    fn open(&mut self, uri: &Url, text: &str) -> PublishDiagnosticsParams {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri, "languageId": "typescript", "version": 1, "text": text
            }}),
        );
        self.diagnostics(uri)
    }

    fn code_actions(&mut self, uri: &Url, range: Range, only: Option<&str>) -> Vec<CodeAction> {
        let result = self.request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri },
                "range": range,
                "context": { "diagnostics": [], "only": only.map(|k| vec![k]) },
            }),
        );
        let actions: Vec<CodeActionOrCommand> = serde_json::from_value(result).unwrap();
        actions
            .into_iter()
            .map(|action| match action {
                CodeActionOrCommand::CodeAction(action) => action,
                CodeActionOrCommand::Command(command) => panic!("a bare command: {command:?}"),
            })
            .collect()
    }

    /// `shutdown` then `exit`: how the session ended.
    fn shut_down(mut self) -> End {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        self.server.take().unwrap().join().unwrap().unwrap()
    }
}

fn uri_in(dir: &Path, name: &str) -> Url {
    Url::from_file_path(dir.join(name)).unwrap()
}

fn whole(text: &str) -> Range {
    Range::new(
        Position::new(0, 0),
        Position::new(text.lines().count() as u32 + 1, 0),
    )
}

/// Byte offset of an LSP position, counting UTF-16 code units as a client does (written
/// here independently of the server's own conversion).
fn offset(text: &str, position: Position) -> usize {
    let mut line_start = 0;
    for _ in 0..position.line {
        line_start += text[line_start..]
            .find('\n')
            .map_or(text.len() - line_start, |i| i + 1);
    }
    let line = &text[line_start..];
    let mut units = 0;
    for (at, c) in line.char_indices() {
        if units >= position.character as usize || c == '\n' || c == '\r' {
            return line_start + at;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// Apply one action's edits to `text` as a client does.
fn apply(text: &str, action: &CodeAction, uri: &Url) -> String {
    let changes = action.edit.as_ref().unwrap().changes.as_ref().unwrap();
    let mut edits: Vec<&TextEdit> = changes[uri].iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse((e.range.start.line, e.range.start.character)));
    let mut out = text.to_string();
    for edit in edits {
        let start = offset(&out, edit.range.start);
        let end = offset(&out, edit.range.end);
        out.replace_range(start..end, &edit.new_text);
    }
    out
}

/// What `--write` writes for `text` with default settings.
fn written_by_write(text: &str) -> String {
    check_source(text, Lang::TypeScript, &Settings::default())
        .fixed_source
        .expect("the fixture has fixes")
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| match &d.code {
            Some(lsp_types::NumberOrString::String(code)) => code.clone(),
            other => panic!("no rule code: {other:?}"),
        })
        .collect()
}

const BRANCHES: &str = include_str!("fixtures/if_else_branch_returns.ts");

#[test]
fn initialize_announces_sync_code_actions_and_hover() {
    let dir = tempfile::tempdir().unwrap();
    let (client, result) = Client::start(dir.path());
    let capabilities = &result["capabilities"];
    assert_eq!(
        capabilities["textDocumentSync"],
        json!({ "openClose": true, "change": 1, "save": true }),
        "full-text sync, and saves (they refresh the app-wide findings)"
    );
    assert_eq!(
        capabilities["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix", "source.fixAll.inngest-fix"])
    );
    assert_eq!(capabilities["hoverProvider"], json!(true));
    assert_eq!(result["serverInfo"]["name"], json!("inngest-fix"));
    assert_eq!(client.shut_down(), End::Clean);
}

#[test]
fn open_change_close_publish_the_unsaved_text_s_findings() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing on disk: the server reads the text the editor sent.
    let uri = uri_in(dir.path(), "verify.ts");
    let (mut client, _) = Client::start(dir.path());

    let opened = client.open(&uri, BRANCHES);
    assert_eq!(opened.version, Some(1));
    assert_eq!(
        codes(&opened.diagnostics),
        ["unsafe-trailing-return", "unsafe-trailing-return"]
    );
    let first = &opened.diagnostics[0];
    assert_eq!(first.severity, Some(lsp_types::DiagnosticSeverity::WARNING));
    assert_eq!(first.source.as_deref(), Some("inngest-fix"));
    assert!(first.message.ends_with("(fixable)"), "{}", first.message);
    // The range is the return statement, as the CLI reports it (1-based there).
    let cli_line = 17;
    assert_eq!(first.range.start, Position::new(cli_line - 1, 6));
    let returned =
        &BRANCHES[offset(BRANCHES, first.range.start)..offset(BRANCHES, first.range.end)];
    assert!(returned.starts_with("return { userId"), "{returned}");

    // Typing: the fixed text (unsaved) has no findings left.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{ "text": written_by_write(BRANCHES) }],
        }),
    );
    let changed = client.diagnostics(&uri);
    assert_eq!(changed.version, Some(2));
    assert_eq!(changed.diagnostics, vec![]);

    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    let closed = client.diagnostics(&uri);
    assert_eq!(closed.diagnostics, vec![]);
    assert_eq!(client.shut_down(), End::Clean);
}

#[test]
fn changes_typed_quickly_are_analysed_once_the_typing_stops() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_in(dir.path(), "typing.ts");
    let (mut client, _) = Client::start(dir.path());
    client.open(&uri, BRANCHES);
    for version in 2..=6 {
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "text": BRANCHES }],
            }),
        );
    }
    // One publication, for the last version.
    let published = client.diagnostics(&uri);
    assert_eq!(published.version, Some(6));
    assert_eq!(published.diagnostics.len(), 2);
    assert_eq!(client.shut_down(), End::Clean);
}

#[test]
fn fix_all_edits_exactly_what_write_writes() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_in(dir.path(), "verify.ts");
    let (mut client, _) = Client::start(dir.path());
    client.open(&uri, BRANCHES);
    let actions = client.code_actions(&uri, whole(BRANCHES), Some("source.fixAll"));
    assert_eq!(actions.len(), 1, "{actions:#?}");
    let fix_all = &actions[0];
    assert_eq!(
        fix_all.kind.as_ref().unwrap().as_str(),
        "source.fixAll.inngest-fix"
    );
    assert_eq!(apply(BRANCHES, fix_all, &uri), written_by_write(BRANCHES));
    assert_eq!(client.shut_down(), End::Clean);
}

#[test]
fn quick_fix_and_suppression_for_the_finding_at_the_cursor() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_in(dir.path(), "verify.ts");
    let (mut client, _) = Client::start(dir.path());
    let published = client.open(&uri, BRANCHES);
    let second = published.diagnostics[1].range;
    let actions = client.code_actions(&uri, Range::new(second.start, second.start), None);
    let titles: Vec<&str> = actions.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Wrap the return in a final step",
            "Fix all auto-fixable inngest-fix findings",
            "Suppress with `// inngest-fix-ignore: unsafe-trailing-return`",
        ]
    );
    let quick_fix = &actions[0];
    assert_eq!(quick_fix.kind, Some(lsp_types::CodeActionKind::QUICKFIX));
    assert_eq!(quick_fix.is_preferred, Some(true));
    assert_eq!(quick_fix.diagnostics.as_ref().unwrap()[0].range, second);

    // The quick fix fixes that return only: checking its result finds the other one.
    let fixed_one = apply(BRANCHES, quick_fix, &uri);
    let after = check_source(&fixed_one, Lang::TypeScript, &Settings::default());
    assert_eq!(after.findings.len(), 1);
    assert!(fixed_one.contains("\n      return { userId: event.data.userId, status: \"verified\""));
    assert!(
        !fixed_one.contains("\n      return { userId: event.data.userId, status: \"pending\" };")
    );
    // …exactly what the CLI writes when only that fix is accepted (`--interactive`,
    // answering no to the first fix and yes to the second).
    let file = dir.path().join("verify.ts");
    std::fs::write(&file, BRANCHES).unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_inngest-fix"))
        .args(["--interactive", "--color=never"])
        .arg(&file)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .and_then(|mut child| {
            child.stdin.take().unwrap().write_all(b"n\ny\n")?;
            child.wait()
        })
        .unwrap();
    assert_eq!(status.code(), Some(1), "one finding is left");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), fixed_one);

    // The suppression silences that finding, and nothing else changes.
    let suppressed = apply(BRANCHES, &actions[2], &uri);
    assert_eq!(
        suppressed.replace("      // inngest-fix-ignore: unsafe-trailing-return\n", ""),
        BRANCHES
    );
    let after = check_source(&suppressed, Lang::TypeScript, &Settings::default());
    let silenced: Vec<bool> = after.findings.iter().map(|f| f.suppressed()).collect();
    assert_eq!(silenced, [false, true]);
    assert_eq!(client.shut_down(), End::Clean);
}

/// A line with characters of 2 and 4 bytes (1 and 2 UTF-16 units) before the finding:
/// its column is counted in UTF-16 code units, and the fix lands where it should.
#[test]
fn positions_count_utf16_code_units_not_bytes() {
    let text = r#"import { inngest } from "./client";
export const greet = inngest.createFunction(
  { id: "greet" },
  { event: "greet/run" },
  async ({ event, step }) => {
    const name = await step.run("name", async () => "Zoë");
    /* café 😀 */ return { greeting: `héllo ${name}`, id: event.data.id };
  },
);
"#;
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_in(dir.path(), "greet.ts");
    let (mut client, _) = Client::start(dir.path());
    let published = client.open(&uri, text);
    assert_eq!(codes(&published.diagnostics), ["unsafe-trailing-return"]);
    let start = published.diagnostics[0].range.start;
    let line = text.lines().nth(6).unwrap();
    let byte_column = line.find("return").unwrap();
    let utf16_column = line[..byte_column].encode_utf16().count();
    assert_eq!((byte_column, utf16_column), (21, 18));
    assert_eq!(start, Position::new(6, utf16_column as u32));
    let end = published.diagnostics[0].range.end;
    assert_eq!(
        &text[offset(text, start)..offset(text, end)],
        "return { greeting: `héllo ${name}`, id: event.data.id };"
    );

    let actions = client.code_actions(&uri, whole(text), Some("source.fixAll"));
    assert_eq!(apply(text, &actions[0], &uri), written_by_write(text));
    assert_eq!(client.shut_down(), End::Clean);
}

#[test]
fn a_document_with_a_syntax_error_is_still_checked() {
    // The second handler's return does not parse: it is left for manual review, and
    // the first one is still fixed.
    let text = r#"import { inngest } from "./client";
export const fine = inngest.createFunction(
  { id: "fine" },
  { event: "b/run" },
  async ({ event, step }) => {
    const b = await step.run("b", async () => 2);
    return { b, id: event.data.id };
  },
);
export const broken = inngest.createFunction(
  { id: "broken" },
  { event: "a/run" },
  async ({ event, step }) => {
    const a = await step.run("a", async () => 1);
    return { a, id: event.data.id +* 1 };
  },
);
"#;
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_in(dir.path(), "broken.ts");
    let (mut client, _) = Client::start(dir.path());
    let published = client.open(&uri, text);
    let outcome = check_source(text, Lang::TypeScript, &Settings::default());
    let expected: Vec<&str> = outcome.findings.iter().map(|f| f.rule).collect();
    assert_eq!(codes(&published.diagnostics), expected);
    assert_eq!(published.diagnostics.len(), 2);
    assert!(
        published.diagnostics[1]
            .message
            .contains("(manual: the return is in code that did not parse cleanly)"),
        "{}",
        published.diagnostics[1].message
    );
    let actions = client.code_actions(&uri, whole(text), Some("source.fixAll"));
    let fixed = apply(text, &actions[0], &uri);
    assert_eq!(Some(fixed), outcome.fixed_source);
    assert!(outcome
        .fixed_source
        .unwrap()
        .contains("\n    return { a, id: event.data.id +* 1 };"));

    // The server goes on serving.
    let other = uri_in(dir.path(), "other.ts");
    assert_eq!(client.open(&other, BRANCHES).diagnostics.len(), 2);
    assert_eq!(client.shut_down(), End::Clean);
}

#[test]
fn the_closest_configuration_file_applies_as_in_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("quiet/src")).unwrap();
    std::fs::write(
        dir.path().join("quiet/package.json"),
        r#"{ "name": "quiet", "inngest-fix": { "ignore": ["unsafe-trailing-return"] } }"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("inngest-fix.toml"),
        "exclude = [\"generated\"]\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("broken")).unwrap();
    std::fs::write(dir.path().join("broken/inngest-fix.toml"), "stepid = 1\n").unwrap();
    let (mut client, _) = Client::start(dir.path());

    let quiet = uri_in(dir.path(), "quiet/src/verify.ts");
    assert_eq!(client.open(&quiet, BRANCHES).diagnostics, vec![]);
    let loud = uri_in(dir.path(), "verify.ts");
    assert_eq!(client.open(&loud, BRANCHES).diagnostics.len(), 2);
    let excluded = uri_in(dir.path(), "generated/verify.ts");
    assert_eq!(client.open(&excluded, BRANCHES).diagnostics, vec![]);
    let broken = uri_in(dir.path(), "broken/verify.ts");
    let published = client.open(&broken, BRANCHES);
    assert_eq!(published.diagnostics.len(), 1);
    let message = &published.diagnostics[0].message;
    assert!(
        message.starts_with("configuration error: ") && message.contains("inngest-fix.toml"),
        "{message}"
    );
    assert_eq!(client.shut_down(), End::Clean);
}

/// A buffer that was never saved has no path: its language id chooses the grammar and
/// the workspace's configuration applies.
#[test]
fn an_untitled_buffer_is_checked_by_its_language_id() {
    let dir = tempfile::tempdir().unwrap();
    let (mut client, _) = Client::start(dir.path());
    let uri = Url::parse("untitled:Untitled-1").unwrap();
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": {
            "uri": uri, "languageId": "javascript", "version": 1, "text": BRANCHES
        }}),
    );
    assert_eq!(client.diagnostics(&uri).diagnostics.len(), 2);
    let markdown = Url::parse("untitled:Untitled-2").unwrap();
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": {
            "uri": markdown, "languageId": "markdown", "version": 1, "text": BRANCHES
        }}),
    );
    assert_eq!(client.diagnostics(&markdown).diagnostics, vec![]);
    assert_eq!(client.shut_down(), End::Clean);
}

#[test]
fn hover_on_a_finding_shows_the_rule_s_explanation() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_in(dir.path(), "verify.ts");
    let (mut client, _) = Client::start(dir.path());
    let published = client.open(&uri, BRANCHES);
    let at = published.diagnostics[0].range.start;
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": at }),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(
        text.starts_with("# inngest-fix: `unsafe-trailing-return`"),
        "{text}"
    );
    assert!(text.contains("What it does"), "{text}");
    let nowhere = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": Position::new(0, 0) }),
    );
    assert_eq!(nowhere, Value::Null);
    assert_eq!(client.shut_down(), End::Clean);
}

#[test]
fn an_unknown_request_is_an_error_not_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let (mut client, _) = Client::start(dir.path());
    client.next_id += 1;
    let id = RequestId::from(client.next_id);
    let request = Request::new(id.clone(), "textDocument/rename".to_string(), json!({}));
    client.connection.sender.send(request.into()).unwrap();
    match client.connection.receiver.recv_timeout(TIMEOUT).unwrap() {
        Message::Response(response) => {
            assert_eq!(response.id, id);
            assert_eq!(
                response.error.map(|e| e.code),
                Some(lsp_server::ErrorCode::MethodNotFound as i32)
            );
        }
        other => panic!("unexpected message: {other:?}"),
    }
    // Malformed parameters: an error response too.
    let bad = Request::new(
        RequestId::from(99),
        "textDocument/codeAction".to_string(),
        json!({ "nonsense": true }),
    );
    client.connection.sender.send(bad.into()).unwrap();
    match client.connection.receiver.recv_timeout(TIMEOUT).unwrap() {
        Message::Response(response) => assert!(response.error.is_some()),
        other => panic!("unexpected message: {other:?}"),
    }
    assert_eq!(client.shut_down(), End::Clean);
}

#[test]
fn exit_without_shutdown_ends_the_session_abruptly() {
    let dir = tempfile::tempdir().unwrap();
    let (mut client, _) = Client::start(dir.path());
    client.notify("exit", Value::Null);
    let end = client.server.take().unwrap().join().unwrap().unwrap();
    assert_eq!(end, End::Abrupt);
}

/// The binary over stdio: framed messages in, framed messages out, exit code 0 after
/// `shutdown` and `exit`, 1 after `exit` alone (as the protocol asks).
#[test]
fn the_binary_speaks_the_protocol_on_stdio() {
    for (shutdown_first, code) in [(true, 0), (false, 1)] {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_inngest-fix"))
            .arg("server")
            .current_dir(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let uri = uri_in(dir.path(), "verify.ts");
        let mut messages = vec![
            json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
            json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
            json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
                "uri": uri, "languageId": "typescript", "version": 1, "text": BRANCHES}}}),
        ];
        if shutdown_first {
            messages.push(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
        }
        for message in &messages {
            write_frame(&mut stdin, message);
        }
        let initialized = read_frame(&mut stdout);
        assert_eq!(initialized["id"], json!(1));
        let published = read_frame(&mut stdout);
        assert_eq!(
            published["method"],
            json!("textDocument/publishDiagnostics")
        );
        assert_eq!(
            published["params"]["diagnostics"].as_array().unwrap().len(),
            2
        );
        if shutdown_first {
            assert_eq!(read_frame(&mut stdout)["id"], json!(2));
        }
        write_frame(&mut stdin, &json!({"jsonrpc": "2.0", "method": "exit"}));
        drop(stdin);
        let status = child.wait().unwrap();
        assert_eq!(
            status.code(),
            Some(code),
            "shutdown first: {shutdown_first}"
        );
    }
}

fn write_frame(to: &mut impl Write, message: &Value) {
    let body = message.to_string();
    write!(to, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    to.flush().unwrap();
}

fn read_frame(from: &mut impl BufRead) -> Value {
    let mut length = 0;
    loop {
        let mut header = String::new();
        from.read_line(&mut header).unwrap();
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some(value) = header.strip_prefix("Content-Length: ") {
            length = value.parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    from.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).unwrap()
}

/// A small project on disk, as the editor and the command line both see it: a relative
/// import, a `tsconfig.json` path alias, a JavaScript file, and (below) an unsaved buffer.
const PROJECT: &[(&str, &str)] = &[
    (
        "tsconfig.json",
        r#"{ "compilerOptions": { "baseUrl": ".", "paths": { "@lib/*": ["src/lib/*"] } } }"#,
    ),
    (
        "src/client.ts",
        "import { Inngest } from \"inngest\";\nexport const inngest = new Inngest({ id: \"shop\" });\n",
    ),
    (
        "src/util.ts",
        "export function fmt(total: number): string {\n  return `$${total.toFixed(2)}`;\n}\n",
    ),
    (
        "src/lib/money.ts",
        "export function cents(total: number): number {\n  return Math.round(total * 100);\n}\n",
    ),
    (
        "src/relative.ts",
        r#"import { inngest } from "./client";
import { fmt } from "./util";

export const receipt = inngest.createFunction(
  { id: "receipt" },
  { event: "shop/order.paid" },
  async ({ event, step }) => {
    const total = await step.run("total", () => event.data.total);
    return { label: fmt(total) };
  },
);
"#,
    ),
    (
        "src/alias.ts",
        r#"import { inngest } from "./client";
import { cents } from "@lib/money";

export const invoice = inngest.createFunction(
  { id: "invoice" },
  { event: "shop/order.paid" },
  async ({ event, step }) => {
    const total = await step.run("total", () => event.data.total);
    return { cents: cents(total) };
  },
);
"#,
    ),
    ("src/narrowing.js", JS_NARROWING),
];

/// Unchecked JavaScript: a narrowed property and an evolving array move (in TypeScript
/// both are left for manual review).
const JS_NARROWING: &str = r#"import { inngest } from "./client";

export const jsNarrowing = inngest.createFunction(
  { id: "js-narrowing" },
  { event: "demo/js" },
  async ({ event, step }) => {
    const results = [];
    const cfg = await step.run("config", async () => ({ webhook: { url: event.data.url } }));
    results.push(cfg);
    return { url: cfg.webhook && cfg.webhook.url, results };
  },
);
"#;

/// The command line's findings for `path` (relative to `dir`, read from stdin as
/// `--stdin-filename` reads it), as the editor should publish them: range, rule, and the
/// message with the status the editor appends.
fn cli_diagnostics(dir: &Path, path: &str, text: &str) -> Vec<(Range, String, String)> {
    let output = cli_on_stdin(dir, path, text, &["--check", "--format", "json"]);
    let document: Value = serde_json::from_slice(&output).unwrap();
    let at = |line: &Value, column: &Value| {
        Position::new(
            line.as_u64().unwrap() as u32 - 1,
            column.as_u64().unwrap() as u32 - 1,
        )
    };
    document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let range = Range::new(
                at(&f["line"], &f["column"]),
                at(&f["end_line"], &f["end_column"]),
            );
            let status = match (f["would_fix"].as_bool().unwrap(), f["reason"].as_str()) {
                (true, _) => " (fixable)".to_string(),
                (false, Some(reason)) => format!(" (manual: {reason})"),
                (false, None) => {
                    assert!(!f["fixable"].as_bool().unwrap(), "not in this project: {f}");
                    String::new()
                }
            };
            let message = format!("{}{status}", f["message"].as_str().unwrap());
            (range, f["rule"].as_str().unwrap().to_string(), message)
        })
        .collect()
}

/// What `--write` makes of `text` as the file `path` of `dir` (through `--stdin-filename`,
/// which prints the fixed source).
fn cli_fixed(dir: &Path, path: &str, text: &str) -> String {
    String::from_utf8(cli_on_stdin(dir, path, text, &["--quiet", "--quiet"])).unwrap()
}

fn cli_on_stdin(dir: &Path, path: &str, text: &str, args: &[&str]) -> Vec<u8> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_inngest-fix"))
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CI")
        .args(["--color=never", "--stdin-filename", path])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap().stdout
}

fn published(diagnostics: &[Diagnostic]) -> Vec<(Range, String, String)> {
    codes(diagnostics)
        .into_iter()
        .zip(diagnostics)
        .map(|(code, d)| (d.range, code, d.message.clone()))
        .collect()
}

/// The editor checks a document exactly as the command line checks its file: the same
/// settings (its path, so relative imports and the closest `tsconfig.json` are read),
/// the language from its name, and for a buffer never saved the language id, as
/// `--stdin-filename untitled.js` in the workspace checks it.
#[test]
fn a_project_s_documents_get_the_command_line_s_findings_and_fixes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    for (path, text) in PROJECT {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    let (mut client, _) = Client::start(&root);
    let mut documents: Vec<(Url, &str, &str, &str)> = PROJECT
        .iter()
        .filter(|(path, _)| {
            matches!(
                *path,
                "src/relative.ts" | "src/alias.ts" | "src/narrowing.js"
            )
        })
        .map(|(path, text)| {
            let language = if path.ends_with(".js") {
                "javascript"
            } else {
                "typescript"
            };
            (uri_in(&root, path), *path, language, *text)
        })
        .collect();
    documents.push((
        Url::parse("untitled:Untitled-1").unwrap(),
        "untitled.js",
        "javascript",
        JS_NARROWING,
    ));
    for (uri, path, language, text) in documents {
        client.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri, "languageId": language, "version": 1, "text": text
            }}),
        );
        let diagnostics = client.diagnostics(&uri).diagnostics;
        let expected = cli_diagnostics(&root, path, text);
        assert!(!expected.is_empty(), "{path}: the project has findings");
        assert_eq!(published(&diagnostics), expected, "{path}");
        let actions = client.code_actions(&uri, whole(text), Some("source.fixAll"));
        let fixed = match actions.as_slice() {
            [] => text.to_string(),
            [fix_all] => apply(text, fix_all, &uri),
            more => panic!("{path}: more than one fix-all action: {more:#?}"),
        };
        assert_eq!(fixed, cli_fixed(&root, path, text), "{path}");
        assert_ne!(fixed, text, "{path}: the command line fixes it");
    }
    assert_eq!(client.shut_down(), End::Clean);
}

/// One client, and two files that register the same function ID with it.
const APP_CLIENT: &str =
    "import { Inngest } from \"inngest\";\nexport const inngest = new Inngest({ id: \"shop\" });\n";
const APP_FUNCTION: &str = r#"import { inngest } from "./client";
export const sync = inngest.createFunction(
  { id: "sync-orders", triggers: [{ event: "shop/sync" }] },
  async ({ step }) => {
    await step.run("load", async () => 1);
  },
);
"#;

#[test]
fn app_wide_findings_reach_open_documents_and_saves_refresh_them() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("client.ts"), APP_CLIENT).unwrap();
    std::fs::write(root.join("a.ts"), APP_FUNCTION).unwrap();
    std::fs::write(root.join("b.ts"), APP_FUNCTION).unwrap();
    let (mut client, _) = Client::start(root);
    let b = uri_in(root, "b.ts");
    // What `--check` says of b.ts: a.ts registers `sync-orders` first.
    let published = client.open(&b, APP_FUNCTION);
    assert_eq!(
        codes(&published.diagnostics),
        ["duplicate-function-id"],
        "{published:?}"
    );
    let message = &published.diagnostics[0].message;
    assert!(
        message.contains("function ID `sync-orders` is already used in app `shop` (a.ts:3)"),
        "{message}"
    );
    // The command line on the workspace says the same of b.ts.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_inngest-fix"))
        .current_dir(root)
        .args(["--check", "--no-cache", "--format", "json", "."])
        .output()
        .unwrap();
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    let cli: Vec<(String, String)> = document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == "b.ts")
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let server: Vec<(String, String)> = published
        .diagnostics
        .iter()
        .map(|d| (codes(std::slice::from_ref(d))[0].clone(), d.message.clone()))
        .collect();
    assert_eq!(server, cli);
    // a.ts renamed on disk, then a save: the scan is made again and the finding goes.
    std::fs::write(
        root.join("a.ts"),
        APP_FUNCTION.replace("sync-orders", "sync-orders-a"),
    )
    .unwrap();
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": b } }),
    );
    let published = client.diagnostics(&b);
    assert!(codes(&published.diagnostics).is_empty(), "{published:?}");
    assert_eq!(client.shut_down(), End::Clean);
}
