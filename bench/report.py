#!/usr/bin/env python3
"""Markdown tables from bench/run.sh results (stdlib only).

  report.py hyperfine RESULT.json [--baseline NAME]   medians, mean ± σ, ratio to the baseline
  report.py scaling ROWS.jsonl                         the scaling table (one JSON object a line)
  report.py expected CHECK.json MANIFEST               --check's findings against the generator's

The baseline is the first command whose name contains NAME (default: the first command).
"""

from __future__ import annotations

import json
import statistics
import sys


def fmt_s(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.3f} s"


def hyperfine_table(path: str, baseline: str | None) -> str:
    results = json.load(open(path))["results"]
    base = results[0]
    if baseline:
        base = next((r for r in results if baseline in r["command"]), base)
    base_median = base["median"]
    base_cpu = base["user"] + base["system"]
    # CPU time (user + sys, means) is given too: on a shared machine it moves less than wall time.
    rows = [
        f"| command | median | mean ± σ | min | user | sys | median / `{label(base)}` | CPU / `{label(base)}` |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        cpu = r["user"] + r["system"]
        rows.append(
            f"| `{label(r)}` | {fmt_s(r['median'])} | {fmt_s(r['mean'])} ± {fmt_s(r['stddev'] or 0.0)} "
            f"| {fmt_s(r['min'])} | {fmt_s(r['user'])} | {fmt_s(r['system'])} "
            f"| {r['median'] / base_median:.2f}× | {cpu / base_cpu:.2f}× |"
        )
    return "\n".join(rows)


def label(result: dict) -> str:
    """hyperfine's --command-name if one was given, else the command line."""
    return result.get("command", "")


def scaling_table(path: str) -> str:
    rows = [json.loads(line) for line in open(path) if line.strip()]
    out = [
        "| tree | files | MB | rg median | `--check` median | parse-only median | `--check` / parse-only "
        "| CPU: rg, `--check`, parse-only | `--check` peak RSS | `--dry-run` peak RSS | parse-only peak RSS |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        def med(key: str) -> str:
            v = r.get(key)
            return fmt_s(v) if v is not None else "n/a"

        def rss(key: str) -> str:
            v = r.get(key)
            return f"{v / 1024:.1f} MiB" if v is not None else "n/a"

        ratio = (
            f"{r['check'] / r['parse_only']:.2f}×"
            if r.get("check") is not None and r.get("parse_only") else "n/a"
        )
        out.append(
            f"| {r['tree']} | {r['files']} | {r['mb']:.0f} | {med('rg')} | {med('check')} | {med('parse_only')} "
            f"| {ratio} | {med('cpu_rg')}, {med('cpu_check')}, {med('cpu_parse_only')} "
            f"| {rss('rss_check_kb')} | {rss('rss_dry_run_kb')} | {rss('rss_parse_only_kb')} |"
        )
    return "\n".join(out)


def expected(check_json: str, manifest_path: str) -> str:
    """Compare `inngest-fix --check --format json` with what gen.py put in the tree."""
    try:
        report = json.load(open(check_json))
    except (OSError, ValueError) as err:
        return f"(no JSON report from --check: {err})"
    manifest = json.load(open(manifest_path))
    want = manifest.get("expected_findings_by_file", {})
    got: dict[str, int] = {}
    for f in report["findings"]:
        if not f.get("suppressed"):
            got[f["path"]] = got.get(f["path"], 0) + 1
    lines = [f"--check summary: {report['summary']}",
             f"generator expects {sum(want.values())} findings in {manifest['inngest_files']} Inngest files "
             f"(+ {manifest['decoy_files']} decoys that pass the prefilter)"]
    diff = [p for p in sorted(set(want) | set(got)) if want.get(p, 0) != got.get(p, 0)]
    for p in diff[:10]:
        lines.append(f"  mismatch: {p}: expected {want.get(p, 0)}, reported {got.get(p, 0)}")
    lines.append(f"files where the tool and the generator disagree: {len(diff)}")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    kind, path = sys.argv[1], sys.argv[2]
    if kind == "hyperfine":
        baseline = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--baseline" else None
        print(hyperfine_table(path, baseline))
    elif kind == "scaling":
        print(scaling_table(path))
    elif kind == "expected":  # report.py expected CHECK.json MANIFEST: tool vs generator
        print(expected(path, sys.argv[3]))
    elif kind == "median":  # report.py median RESULT.json NAME: one median in seconds, for run.sh
        name = sys.argv[3]
        results = json.load(open(path))["results"]
        print(next(r["median"] for r in results if r["command"] == name))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
