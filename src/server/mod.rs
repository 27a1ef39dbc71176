//! `inngest-fix server`: a Language Server Protocol server on stdin/stdout.
//!
//! Owns: the session with the editor (initialize, the message loop, shutdown/exit), and
//! dispatching each message: documents ([`documents`]: the unsaved text, debounced),
//! diagnostics and hovers ([`diagnose`]), code actions ([`actions`]), positions in UTF-16
//! ([`lines`]). Does not own: any analysis or fix, which are the library's per-file
//! pipeline ([`crate::pipeline::check_source`]), run on the text the editor sent.
//!
//! Built on `lsp-server` and `lsp-types`, rust-analyzer's synchronous transport: no
//! async runtime, one thread reading stdin and one writing stdout, and this loop
//! between them. Analysing one file takes milliseconds, so the loop analyses in place.

pub mod actions;
pub mod diagnose;
pub mod documents;
pub mod lines;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use crossbeam_channel::RecvTimeoutError;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{CodeActionRequest, HoverRequest, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    HoverParams, HoverProviderCapability, InitializeParams, InitializeResult,
    PublishDiagnosticsParams, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Url,
};

use documents::{Document, Documents};

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// `shutdown` then `exit`, as the protocol asks: exit code 0.
    Clean,
    /// `exit` without `shutdown`, or the editor closed the connection: exit code 1.
    Abrupt,
}

/// Serve an editor on stdin/stdout until it says `exit`.
pub fn run_stdio() -> anyhow::Result<End> {
    if std::io::stdin().is_terminal() {
        // A person typed it, perhaps meaning a directory named `server`.
        eprintln!(
            "inngest-fix server: a language server, waiting for an editor to speak the \
             Language Server Protocol on stdin (see docs/editors.md for editor set-ups).\n\
             To check a directory named server, run `inngest-fix ./server`."
        );
    }
    let (connection, io_threads) = Connection::stdio();
    let end = serve(&connection)?;
    drop(connection);
    io_threads
        .join()
        .context("the connection to the editor failed")?;
    Ok(end)
}

/// Serve an editor on `connection` (stdio, or an in-memory pair in tests) until it says
/// `exit`.
pub fn serve(connection: &Connection) -> anyhow::Result<End> {
    let (id, params) = connection
        .initialize_start()
        .context("the editor did not initialize the session")?;
    let params: InitializeParams =
        serde_json::from_value(params).context("invalid initialize parameters")?;
    let result = InitializeResult {
        capabilities: capabilities(),
        server_info: Some(ServerInfo {
            name: "inngest-fix".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    };
    connection
        .initialize_finish(id, serde_json::to_value(result)?)
        .context("the session ended during initialization")?;
    let mut server = Server {
        connection,
        root: workspace_root(&params),
        documents: Documents::default(),
        analyses: Default::default(),
        app: None,
    };
    server.main_loop()
}

/// What the server offers: full-text sync, diagnostics pushed, code actions, hover.
fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                // Saves refresh the app-wide findings (they read the files on disk).
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, actions::fix_all_kind()]),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

/// The first workspace folder, else the root URI, else the current directory: where
/// an unsaved buffer's configuration is looked up.
#[allow(deprecated)] // `root_uri` is what older clients send.
fn workspace_root(params: &InitializeParams) -> PathBuf {
    let folder = params
        .workspace_folders
        .as_ref()
        .and_then(|folders| folders.first())
        .map(|folder| &folder.uri);
    folder
        .or(params.root_uri.as_ref())
        .and_then(|uri| uri.to_file_path().ok())
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default()
}

struct Server<'a> {
    connection: &'a Connection,
    root: PathBuf,
    documents: Documents,
    /// The last analysis of each document, for hovers.
    analyses: std::collections::HashMap<Url, diagnose::Analysis>,
    /// The app-wide findings of the workspace's files (duplicate function IDs across
    /// files, crons, flow control…), from its last scan: made on the first analysis and
    /// again when a file is saved. `None` until then.
    app: Option<std::collections::HashMap<PathBuf, Vec<crate::diagnostic::Finding>>>,
}

impl Server<'_> {
    fn main_loop(&mut self) -> anyhow::Result<End> {
        let receiver = &self.connection.receiver;
        loop {
            let message = match self.documents.next_due() {
                Some(due) => {
                    match receiver.recv_timeout(due.saturating_duration_since(Instant::now())) {
                        Ok(message) => Some(message),
                        Err(RecvTimeoutError::Timeout) => None,
                        Err(RecvTimeoutError::Disconnected) => return Ok(End::Abrupt),
                    }
                }
                None => match receiver.recv() {
                    Ok(message) => Some(message),
                    Err(_) => return Ok(End::Abrupt),
                },
            };
            match message {
                Some(Message::Request(request)) => {
                    if self.connection.handle_shutdown(&request)? {
                        return Ok(End::Clean);
                    }
                    let response = self.on_request(request);
                    self.connection.sender.send(response.into())?;
                }
                Some(Message::Notification(notification)) => {
                    if notification.method == "exit" {
                        return Ok(End::Abrupt);
                    }
                    let method = notification.method.clone();
                    if let Err(err) = self.on_notification(notification) {
                        // A malformed notification is the editor's bug: say so in the
                        // server's log (stderr) and go on.
                        eprintln!("inngest-fix server: ignored {method}: {err}");
                    }
                }
                Some(Message::Response(_)) | None => {}
            }
            self.publish_due()?;
        }
    }

    fn on_notification(&mut self, notification: Notification) -> anyhow::Result<()> {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let params: DidOpenTextDocumentParams =
                    notification.extract(DidOpenTextDocument::METHOD)?;
                let item = params.text_document;
                let document = Document::new(&item.uri, item.text, item.version, &item.language_id);
                self.documents.open(item.uri, document);
            }
            DidChangeTextDocument::METHOD => {
                let params: DidChangeTextDocumentParams =
                    notification.extract(DidChangeTextDocument::METHOD)?;
                // Full sync: the last change holds the whole text.
                if let Some(change) = params.content_changes.into_iter().last() {
                    self.documents.change(
                        &params.text_document.uri,
                        change.text,
                        params.text_document.version,
                    );
                }
            }
            DidSaveTextDocument::METHOD => {
                // The files on disk changed: scan the workspace again, and publish every
                // open document again with what the scan says of it.
                self.app = None;
                self.documents.all_due(Instant::now());
            }
            DidCloseTextDocument::METHOD => {
                let params: DidCloseTextDocumentParams =
                    notification.extract(DidCloseTextDocument::METHOD)?;
                let uri = params.text_document.uri;
                self.documents.close(&uri);
                self.analyses.remove(&uri);
                self.publish(uri, Vec::new(), None)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn on_request(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        let invalid = |err: lsp_server::ExtractError<Request>| {
            Response::new_err(
                request.id.clone(),
                ErrorCode::InvalidParams as i32,
                format!("inngest-fix: invalid parameters: {err:?}"),
            )
        };
        match request.method.as_str() {
            CodeActionRequest::METHOD => {
                let params: CodeActionParams =
                    match request.clone().extract(CodeActionRequest::METHOD) {
                        Ok((_, params)) => params,
                        Err(err) => return invalid(err),
                    };
                let uri = &params.text_document.uri;
                let found = self.documents.get(uri).map(|document| {
                    diagnose::run_guarded(|| {
                        actions::code_actions(uri, document, &self.root, &params)
                    })
                });
                match found {
                    None | Some(Ok(_)) => {
                        Response::new_ok(id, found.and_then(Result::ok).unwrap_or_default())
                    }
                    Some(Err(message)) => internal_error(id, &message),
                }
            }
            HoverRequest::METHOD => {
                let params: HoverParams = match request.clone().extract(HoverRequest::METHOD) {
                    Ok((_, params)) => params,
                    Err(err) => return invalid(err),
                };
                let at = params.text_document_position_params;
                let hover = self
                    .documents
                    .get(&at.text_document.uri)
                    .zip(self.analyses.get(&at.text_document.uri))
                    .and_then(|(document, analysis)| {
                        diagnose::hover(analysis, &document.text, at.position)
                    });
                Response::new_ok(id, hover)
            }
            _ => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("inngest-fix does not handle {}", request.method),
            ),
        }
    }

    /// Analyse the documents whose debounce has passed and publish their diagnostics.
    fn publish_due(&mut self) -> anyhow::Result<()> {
        let due = self.documents.take_due(Instant::now());
        if due.is_empty() {
            return Ok(());
        }
        if self.app.is_none() {
            let root = self.root.clone();
            self.app = Some(
                diagnose::run_guarded(|| crate::run::app_findings_under(&root))
                    .ok()
                    .and_then(Result::ok)
                    .unwrap_or_default(),
            );
        }
        for (uri, document) in due {
            let analysis = diagnose::analyse(&document, &self.root, false);
            let mut diagnostics = diagnose::diagnostics(&analysis, &document.text);
            diagnostics.extend(self.app_diagnostics(&document));
            self.analyses.insert(uri.clone(), analysis);
            self.publish(uri, diagnostics, Some(document.version))?;
        }
        Ok(())
    }

    /// The app-wide findings of the last scan for `document`, when the editor's text is
    /// the text the scan read (positions of an unsaved edit would be off: its findings
    /// come back when it is saved).
    fn app_diagnostics(&self, document: &Document) -> Vec<lsp_types::Diagnostic> {
        let Some(path) = document.path.as_ref() else {
            return Vec::new();
        };
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        let Some(findings) = self.app.as_ref().and_then(|app| app.get(&path)) else {
            return Vec::new();
        };
        let on_disk = std::fs::read_to_string(&path).ok();
        let text = on_disk
            .as_deref()
            .map(|t| t.strip_prefix('\u{feff}').unwrap_or(t));
        if text
            != Some(
                document
                    .text
                    .strip_prefix('\u{feff}')
                    .unwrap_or(&document.text),
            )
        {
            return Vec::new();
        }
        let lines = lines::LineIndex::new(&document.text);
        findings
            .iter()
            .filter(|finding| !finding.suppressed())
            .map(|finding| diagnose::diagnostic(finding, &lines))
            .collect()
    }

    fn publish(
        &self,
        uri: Url,
        diagnostics: Vec<lsp_types::Diagnostic>,
        version: Option<i32>,
    ) -> anyhow::Result<()> {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        let notification = Notification::new(PublishDiagnostics::METHOD.to_string(), params);
        self.connection.sender.send(notification.into())?;
        Ok(())
    }
}

fn internal_error(id: lsp_server::RequestId, message: &str) -> Response {
    Response::new_err(
        id,
        ErrorCode::InternalError as i32,
        format!("inngest-fix: internal error: {message}"),
    )
}
