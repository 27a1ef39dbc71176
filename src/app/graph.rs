//! The event flow of the app, for `inngest-fix graph`: events → the functions that
//! trigger on them → the events they send; `step.invoke` edges; cron triggers; code
//! outside functions that sends events. Rendered as Mermaid, Graphviz DOT or JSON.
//!
//! Owns: building the graph from the joined facts and the three renderings. Does not
//! own: reading files (the run does), the facts ([`super::facts`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::facts::{FileFacts, TriggerKind};
use super::AppContext;

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    /// An event name.
    Event,
    /// An Inngest function.
    Function,
    /// A cron schedule.
    Cron,
    /// Code outside any function that sends events (an API route, a script).
    Sender,
}

/// One node, with where it is defined (the first place, for events).
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    /// Stable, unique, safe in Mermaid and DOT (`n0`, `n1`, …).
    pub id: String,
    pub kind: NodeKind,
    /// The event name, the function's ID (or its variable), the cron expression, or the file.
    pub label: String,
    /// The app (client ID) of a function, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    pub file: String,
    pub line: usize,
}

/// What an edge stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeKind {
    /// The event, or the cron schedule, triggers the function.
    Triggers,
    /// The function (or sender) sends the event.
    Sends,
    /// The function invokes the other with `step.invoke`.
    Invokes,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
}

/// The app's event flow.
#[derive(Debug, Clone, Serialize)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// A Mermaid flowchart (pastes into GitHub Markdown in a ```mermaid block).
    Mermaid,
    /// Graphviz DOT (`dot -Tsvg`).
    Dot,
    /// JSON: `{ nodes: [{ id, kind, label, app?, file, line }], edges: [{ from, to, kind }] }`.
    Json,
}

impl Graph {
    /// The graph of the joined facts (files in the order given: the run sorts them by path).
    pub fn build(context: &AppContext) -> Graph {
        let mut builder = Builder::default();
        let files = context.files;
        let function_nodes: Vec<String> = context
            .functions
            .iter()
            .map(|f| {
                let facts = &files[f.file];
                let label = f
                    .function
                    .id
                    .clone()
                    .or_else(|| f.function.variable.clone())
                    .unwrap_or_else(|| "(no id)".to_string());
                builder.node(
                    NodeKind::Function,
                    &format!("fn:{}:{}", f.file, f.index),
                    label,
                    f.app.map(str::to_string),
                    facts,
                    f.function.range.start,
                )
            })
            .collect();
        let node_of = |file: usize, index: usize| {
            context
                .functions
                .iter()
                .position(|f| f.file == file && f.index == index)
                .map(|i| function_nodes[i].clone())
        };
        for (i, f) in context.functions.iter().enumerate() {
            let facts = &files[f.file];
            for trigger in &f.function.triggers {
                let (kind, key, label) = match &trigger.kind {
                    TriggerKind::Event(name) => (NodeKind::Event, format!("event:{name}"), name),
                    TriggerKind::Cron(cron) => (NodeKind::Cron, format!("cron:{cron}"), cron),
                };
                let from =
                    builder.node(kind, &key, label.clone(), None, facts, trigger.range.start);
                builder.edge(from, function_nodes[i].clone(), EdgeKind::Triggers);
            }
        }
        for (file, facts) in files.iter().enumerate() {
            for send in &facts.sends {
                let event = builder.node(
                    NodeKind::Event,
                    &format!("event:{}", send.event),
                    send.event.clone(),
                    None,
                    facts,
                    send.range.start,
                );
                let from = match send.in_function.and_then(|i| node_of(file, i)) {
                    Some(function) => function,
                    None => builder.node(
                        NodeKind::Sender,
                        &format!("sender:{file}"),
                        facts.display_path.clone(),
                        None,
                        facts,
                        send.range.start,
                    ),
                };
                builder.edge(from, event, EdgeKind::Sends);
            }
            for invoke in &facts.invokes {
                let Some(from) = invoke.in_function.and_then(|i| node_of(file, i)) else {
                    continue;
                };
                let target = match (&invoke.target_variable, &invoke.target_id) {
                    (Some(name), _) => context.function_named(file, name),
                    (None, Some(id)) => context.functions_with_id(id).next().copied(),
                    (None, None) => None,
                };
                if let Some(to) = target.and_then(|t| node_of(t.file, t.index)) {
                    builder.edge(from, to, EdgeKind::Invokes);
                }
            }
        }
        builder.edges.sort();
        builder.edges.dedup();
        Graph {
            nodes: builder.nodes,
            edges: builder.edges,
        }
    }

    /// The graph in `format`.
    pub fn render(&self, format: GraphFormat) -> String {
        match format {
            GraphFormat::Mermaid => self.mermaid(),
            GraphFormat::Dot => self.dot(),
            GraphFormat::Json => {
                let mut json = serde_json::to_string_pretty(self).unwrap_or_default();
                json.push('\n');
                json
            }
        }
    }

    fn mermaid(&self) -> String {
        let mut out = String::from("flowchart LR\n");
        for node in &self.nodes {
            let label = mermaid_label(node);
            let shape = match node.kind {
                NodeKind::Event => format!("{}([\"{label}\"])", node.id),
                NodeKind::Function => format!("{}[\"{label}\"]", node.id),
                NodeKind::Cron => format!("{}{{{{\"{label}\"}}}}", node.id),
                NodeKind::Sender => format!("{}[/\"{label}\"/]", node.id),
            };
            let _ = writeln!(out, "  {shape}");
        }
        for edge in &self.edges {
            let arrow = match edge.kind {
                EdgeKind::Triggers => "-->",
                EdgeKind::Sends => "-->",
                EdgeKind::Invokes => "-. invoke .->",
            };
            let _ = writeln!(out, "  {} {arrow} {}", edge.from, edge.to);
        }
        for (kind, class) in [
            (NodeKind::Event, "event"),
            (NodeKind::Function, "function"),
            (NodeKind::Cron, "cron"),
            (NodeKind::Sender, "sender"),
        ] {
            let ids: Vec<&str> = self
                .nodes
                .iter()
                .filter(|n| n.kind == kind)
                .map(|n| n.id.as_str())
                .collect();
            if !ids.is_empty() {
                let _ = writeln!(out, "  class {} {class}", ids.join(","));
            }
        }
        out.push_str("  classDef event fill:#eef,stroke:#66c\n");
        out.push_str("  classDef function fill:#efe,stroke:#393\n");
        out.push_str("  classDef cron fill:#ffe,stroke:#cc3\n");
        out.push_str("  classDef sender fill:#eee,stroke:#999\n");
        out
    }

    fn dot(&self) -> String {
        let mut out = String::from(
            "digraph inngest {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=11];\n",
        );
        for node in &self.nodes {
            let (shape, fill) = match node.kind {
                NodeKind::Event => ("ellipse", "#eeeeff"),
                NodeKind::Function => ("box", "#eeffee"),
                NodeKind::Cron => ("hexagon", "#ffffee"),
                NodeKind::Sender => ("parallelogram", "#eeeeee"),
            };
            let label = format!(
                "{}\\n{}:{}",
                dot_escape(&node.label),
                dot_escape(&node.file),
                node.line
            );
            let _ = writeln!(
                out,
                "  {} [label=\"{label}\", shape={shape}, style=filled, fillcolor=\"{fill}\"];",
                node.id
            );
        }
        for edge in &self.edges {
            let style = match edge.kind {
                EdgeKind::Invokes => " [style=dashed, label=\"invoke\"]",
                _ => "",
            };
            let _ = writeln!(out, "  {} -> {}{style};", edge.from, edge.to);
        }
        out.push_str("}\n");
        out
    }
}

fn mermaid_label(node: &Node) -> String {
    let escape = |s: &str| {
        s.replace('"', "#quot;")
            .replace('<', "#lt;")
            .replace('>', "#gt;")
    };
    format!(
        "{}<br/><small>{}:{}</small>",
        escape(&node.label),
        escape(&node.file),
        node.line
    )
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

#[derive(Default)]
struct Builder {
    nodes: Vec<Node>,
    by_key: BTreeMap<String, String>,
    edges: Vec<Edge>,
}

impl Builder {
    fn node(
        &mut self,
        kind: NodeKind,
        key: &str,
        label: String,
        app: Option<String>,
        facts: &FileFacts,
        at: usize,
    ) -> String {
        if let Some(id) = self.by_key.get(key) {
            return id.clone();
        }
        let id = format!("n{}", self.nodes.len());
        self.nodes.push(Node {
            id: id.clone(),
            kind,
            label,
            app,
            file: facts.display_path.clone(),
            line: facts.line(at),
        });
        self.by_key.insert(key.to_string(), id.clone());
        id
    }

    fn edge(&mut self, from: String, to: String, kind: EdgeKind) {
        self.edges.push(Edge { from, to, kind });
    }
}
