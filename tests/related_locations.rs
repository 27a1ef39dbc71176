//! The related locations of the hazard rules, as JSON and SARIF print them: each names a
//! place in the source and says what it is.

use inngest_fix::{check_source, Lang, Settings};

const SOURCE: &str = r#"import { inngest } from "./client";

export const f = inngest.createFunction({ id: "f" }, { event: "e" }, async ({ event, step }) => {
  let sent = 0;
  await step.run("send", async () => {
    sent += 1;
  });
  await step.run("report", () => ({ sent }));
  const startedAt = Date.now();
  await step.run("work", () => 1);
  await step.run("record", () => ({ ms: Date.now() - startedAt }));
  const due = await step.run("due", () => new Date(event.data.at));
  const late = due.getTime() < event.data.now;
  const result = await step.run("finish", () => ({ late }));
  return { id: event.data.id, ok: result.ok };
});
"#;

/// `(rule, [(text at the related range, message)])` for every finding.
fn related() -> Vec<(&'static str, Vec<(String, String)>)> {
    let outcome = check_source(SOURCE, Lang::TypeScript, &Settings::default());
    outcome
        .findings
        .iter()
        .map(|f| {
            let related = f
                .related
                .iter()
                .map(|r| {
                    let text = &SOURCE[r.range.start_byte..r.range.end_byte];
                    (text.to_string(), r.message.clone())
                })
                .collect();
            (f.rule, related)
        })
        .collect()
}

fn of(rule: &str) -> Vec<(String, String)> {
    related()
        .into_iter()
        .find(|(r, _)| *r == rule)
        .unwrap_or_else(|| panic!("no {rule} finding"))
        .1
}

#[test]
fn mutation_in_step_points_at_the_reads() {
    assert_eq!(
        of("mutation-in-step"),
        vec![(
            "sent".to_string(),
            "`sent` read here, without the write on replay".to_string()
        )]
    );
}

#[test]
fn nondeterminism_points_at_the_read_after_a_step() {
    assert_eq!(
        of("nondeterminism-outside-step"),
        vec![("startedAt".to_string(), "read after a step".to_string())]
    );
}

#[test]
fn non_json_step_result_points_at_the_step() {
    let related = of("non-json-step-result");
    assert_eq!(related.len(), 1);
    assert!(related[0].0.starts_with("step.run(\"due\""), "{related:?}");
    assert_eq!(related[0].1, "step `due` returns a `Date`");
}

#[test]
fn trailing_return_says_what_each_read_is() {
    assert_eq!(
        of("unsafe-trailing-return"),
        vec![
            ("event".to_string(), "`event`: event data".to_string()),
            ("result".to_string(), "`result`: a step result".to_string()),
        ]
    );
}
