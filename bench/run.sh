#!/usr/bin/env bash
# Benchmark harness for inngest-fix (see bench/README.md).
#
#   bench/run.sh [SECTION]...      SECTION: main | scaling | all-inngest | rules
#                                  (default: main, scaling, all-inngest)
#
# Environment:
#   RUNS=5 WARMUP=1            hyperfine runs and warmup runs per command
#   FILES=20000                files in the main tree (about 5 KB each, 100 MB at 20000)
#   SCALING="1000 10000 100000" tree sizes for the scaling run (the main tree is added)
#   ALL_FILES=5000             files in the all-Inngest tree
#   BENCH_DATA=bench/.data     where generated trees and results live (trees are cached)
#   SEED=1                     generator seed
#   SKIP_BUILD=1               do not run cargo build
#   INNGEST_FIX, PARSE_ONLY, AST_GREP   paths of the binaries, to override the defaults
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
RUNS="${RUNS:-5}"
WARMUP="${WARMUP:-1}"
FILES="${FILES:-20000}"
SCALING="${SCALING:-1000 10000 100000}"
ALL_FILES="${ALL_FILES:-5000}"
SEED="${SEED:-1}"
data="${BENCH_DATA:-$here/.data}"
mkdir -p "$data"
data="$(cd "$data" && pwd)"
results="$data/results"
mkdir -p "$results"

sections=("$@")
[ ${#sections[@]} -eq 0 ] && sections=(main scaling all-inngest)

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench/run.sh: %s\n' "$*" >&2; exit 2; }

# ---------------------------------------------------------------- tools
command -v hyperfine >/dev/null || die "hyperfine is missing: apt-get update && apt-get install -y hyperfine"
command -v rg >/dev/null || die "ripgrep is missing: apt-get update && apt-get install -y ripgrep"
[ -x /usr/bin/time ] || die "GNU time (/usr/bin/time, for peak RSS) is missing: apt-get install -y time"
command -v python3 >/dev/null || die "python3 is missing"
command -v git >/dev/null || die "git is missing (the generated trees are git repositories)"

# ast-grep is optional. Not `sg`: on Debian that name is also shadow's `sg` (newgrp).
if [ -z "${AST_GREP:-}" ]; then
    if [ -x "$here/node_modules/@ast-grep/cli/ast-grep" ]; then
        AST_GREP="$here/node_modules/@ast-grep/cli/ast-grep"
    elif command -v ast-grep >/dev/null; then
        AST_GREP="$(command -v ast-grep)"
    else
        AST_GREP=""
        echo "note: ast-grep not found, its row is skipped (install: npm install --prefix bench)" >&2
    fi
fi

if [ -z "${SKIP_BUILD:-}" ]; then
    say "cargo build --release --examples --bins"
    (cd "$root" && cargo build --release --examples --bins)
fi
INNGEST_FIX="${INNGEST_FIX:-$root/target/release/inngest-fix}"
PARSE_ONLY="${PARSE_ONLY:-$root/target/release/examples/parse_only}"
[ -x "$INNGEST_FIX" ] || die "no binary at $INNGEST_FIX (build it, or set INNGEST_FIX)"
[ -x "$PARSE_ONLY" ] || die "no binary at $PARSE_ONLY (cargo build --release --example parse_only)"
SGCONFIG="$here/ast-grep/sgconfig.yml"

# ---------------------------------------------------------------- machine facts
{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cpu: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores"
    echo "memory: $(free -g | awk '/^Mem:/ {print $2}') GiB"
    echo "kernel: $(uname -sr)"
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "binary: $INNGEST_FIX"
    echo "work tree: $(cd "$root" && git rev-parse --short HEAD)$(cd "$root" && git diff --quiet HEAD -- src queries Cargo.toml || echo ' (+ uncommitted changes in src, queries or Cargo.toml)')"
    echo "$("$INNGEST_FIX" --version 2>/dev/null || echo 'inngest-fix --version: n/a')"
    echo "$(rustc --version 2>/dev/null || echo 'rustc: n/a')"
    echo "$(hyperfine --version)"
    echo "$(rg --version | sed -n 1p)"
    echo "ast-grep: ${AST_GREP:+$("$AST_GREP" --version)}"
} | tee "$results/machine.txt" >&2

# ---------------------------------------------------------------- trees
# tree NAME GEN_ARGS...: generate $data/NAME once (the manifest marks a complete tree).
tree() {
    local name="$1"; shift
    local dir="$data/$name"
    # A cached tree is reused only when it was made with the same seed (file count and
    # --all-inngest are in the name).
    if [ ! -f "$dir/.bench-manifest.json" ] ||
        [ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["params"]["seed"])' "$dir/.bench-manifest.json")" != "$SEED" ]; then
        say "generating $name ($*)"
        python3 "$here/gen.py" --out "$dir" --force --seed "$SEED" "$@" >/dev/null
    fi
    echo "$dir"
}

manifest() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1/.bench-manifest.json" "$2"; }

# check_runs DIR: run each command once before timing it; a crash (exit >= 2) stops the run,
# since hyperfine -i would otherwise time the crash. Prints what the tool found.
check_runs() {
    local dir="$1" rc
    (cd "$dir" && "$INNGEST_FIX" --check --no-cache --format json >"$results/check.json" 2>"$results/check.stderr") && rc=0 || rc=$?
    [ "$rc" -le 1 ] || { cat "$results/check.stderr" >&2; die "inngest-fix --check exited $rc in $dir"; }
    # The results cache (docs/cache.md) must not change what is found: fill it, then read it.
    (cd "$dir" && { "$INNGEST_FIX" --check --format json >/dev/null 2>&1 || true; } &&
        { "$INNGEST_FIX" --check --format json >"$results/check-warm.json" 2>/dev/null || true; })
    cmp -s "$results/check.json" "$results/check-warm.json" ||
        die "--check with a warm results cache found something else than --no-cache in $dir (see $results/check-warm.json)"
    python3 "$here/report.py" expected "$results/check.json" "$dir/.bench-manifest.json" >&2 || true
    (cd "$dir" && "$INNGEST_FIX" --dry-run --no-cache >"$results/dry-run.diff" 2>"$results/dry-run.stderr") && rc=0 || rc=$?
    [ "$rc" -le 1 ] || { cat "$results/dry-run.stderr" >&2; die "inngest-fix --dry-run exited $rc in $dir"; }
    echo "dry-run: $(grep -c '^+++ ' "$results/dry-run.diff" || true) files in the diff; $(tail -1 "$results/dry-run.stderr")" >&2
}

findings() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['summary']['findings'])" "$1" 2>/dev/null || echo "?"; }

hf() { hyperfine -N --output=pipe --warmup "$WARMUP" --runs "$RUNS" "$@"; }

# peak_rss DIR CMD...: "Maximum resident set size" in KiB of one run.
peak_rss() {
    local dir="$1"; shift
    (cd "$dir" && /usr/bin/time -v "$@" >/dev/null 2>"$results/time-v.txt") || true
    sed -n 's/.*Maximum resident set size (kbytes): //p' "$results/time-v.txt"
}

# ---------------------------------------------------------------- main comparison
run_main() {
    local dir copy
    dir="$(tree "tree-$FILES" --files "$FILES")"
    copy="$data/write-copy"
    say "main: $FILES files, $(manifest "$dir" tracked_bytes) bytes tracked, $(manifest "$dir" noise_files) ignored"
    check_runs "$dir"

    # "cold": --no-cache, every file read and analysed; "warm": the results cache filled by
    # the warmup run (docs/cache.md); "one file edited": warm, with one Inngest file changed
    # before each run (bench/edit-one.sh, restored afterwards by --cleanup).
    local edited original
    edited="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["findings"][0]["path"])' "$results/check.json")"
    original="$data/edit-one.original"
    cp "$dir/$edited" "$original"
    local cmds=(
        -n "rg -l createFunction" --prepare true "rg -l createFunction"
        -n "inngest-fix --check (cold)" --prepare true "$INNGEST_FIX --check --no-cache"
        -n "inngest-fix --check (warm cache)" --prepare true "$INNGEST_FIX --check"
        -n "inngest-fix --check (warm, one file edited)" --prepare "$here/edit-one.sh $original $dir/$edited" "$INNGEST_FIX --check"
        -n "inngest-fix --check --select nested-step (cold)" --prepare true "$INNGEST_FIX --check --no-cache --select nested-step"
        -n "inngest-fix --dry-run (cold)" --prepare true "$INNGEST_FIX --dry-run --no-cache"
        -n "inngest-fix --dry-run (warm cache)" --prepare true "$INNGEST_FIX --dry-run"
        -n "parse-only" --prepare true "$PARSE_ONLY"
    )
    if [ -n "$AST_GREP" ]; then
        cmds+=(-n "ast-grep scan" --prepare true "$AST_GREP scan -c $SGCONFIG .")
    fi
    # --write gets a fresh copy of the tree before every run (the copy's time is not counted).
    # The copy is hard links, and restore-copy.sh re-links only the files the last run
    # replaced: fast, no writeback to disturb the timings, and safe because the tool writes a
    # temporary file and renames it over the original (SPEC 6), which leaves the linked
    # original alone. Checked below: the cached tree must not change.
    rm -rf "$copy"
    cmds+=(-n "inngest-fix --write (fresh copy, cold)"
        --prepare "$here/restore-copy.sh $dir $copy" "$INNGEST_FIX --write --no-cache $copy")

    say "hyperfine: main comparison (OS page cache warm, all commands in one run)"
    (cd "$dir" && hf -i --cleanup "$here/edit-one.sh --restore $original $dir/$edited" \
        --export-json "$results/main.json" --export-markdown "$results/main-hyperfine.md" "${cmds[@]}")
    # The last --write left the copy fixed: nothing may be left to fix (idempotency).
    echo "after --write, the copy: $(cd "$copy" && "$INNGEST_FIX" --check 2>&1 >/dev/null | tail -1)" >&2
    local before after
    before="$(findings "$results/check.json")"
    after="$(cd "$dir" && "$INNGEST_FIX" --check --format json 2>/dev/null >"$results/check-after.json" || true; findings "$results/check-after.json")"
    [ "$before" = "$after" ] ||
        die "the cached tree changed under --write on its hard-linked copy ($before findings before, $after after): regenerate it"
    rm -rf "$copy"

    {
        echo "### Main comparison: $FILES files, $(( $(manifest "$dir" tracked_bytes) / 1000000 )) MB tracked (+ $(manifest "$dir" noise_files) ignored files)"
        echo
        python3 "$here/report.py" hyperfine "$results/main.json" --baseline "rg -l"
    } | tee "$results/main.md"
}

# ---------------------------------------------------------------- scaling
run_scaling() {
    local rows="$results/scaling.jsonl" n dir json
    : >"$rows"
    for n in $(printf '%s\n' $SCALING "$FILES" | sort -nu); do
        dir="$(tree "tree-$n" --files "$n")"
        say "scaling: $n files"
        json="$results/scaling-$n.json"
        (cd "$dir" && hf -i --export-json "$json" \
            -n rg "rg -l createFunction" -n check "$INNGEST_FIX --check --no-cache" -n parse_only "$PARSE_ONLY")
        python3 - "$json" "$dir" "$n" \
            "$(peak_rss "$dir" "$INNGEST_FIX" --check --no-cache)" \
            "$(peak_rss "$dir" "$INNGEST_FIX" --dry-run --no-cache)" \
            "$(peak_rss "$dir" "$PARSE_ONLY")" >>"$rows" <<'EOF'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
res = {r["command"]: r["median"] for r in results}
cpu = {r["command"]: r["user"] + r["system"] for r in results}
m = json.load(open(sys.argv[2] + "/.bench-manifest.json"))
rss = lambda s: int(s) if s.strip() else None
print(json.dumps({"tree": f"tree-{sys.argv[3]}", "files": int(sys.argv[3]), "mb": m["tracked_bytes"] / 1e6,
                  "rg": res.get("rg"), "check": res.get("check"), "parse_only": res.get("parse_only"),
                  "rss_check_kb": rss(sys.argv[4]), "rss_dry_run_kb": rss(sys.argv[5]),
                  "rss_parse_only_kb": rss(sys.argv[6]),
                  "cpu_rg": cpu.get("rg"), "cpu_check": cpu.get("check"), "cpu_parse_only": cpu.get("parse_only")}))
EOF
    done
    {
        echo "### Scaling (medians of $RUNS runs, peak RSS of one run)"
        echo
        python3 "$here/report.py" scaling "$rows"
    } | tee "$results/scaling.md"
}

# ---------------------------------------------------------------- all-Inngest tree
run_all_inngest() {
    local dir
    dir="$(tree "all-inngest-$ALL_FILES" --files "$ALL_FILES" --all-inngest)"
    say "all-inngest: $ALL_FILES files, every source file defines Inngest functions"
    check_runs "$dir"
    (cd "$dir" && hf -i --export-json "$results/all-inngest.json" \
        -n "parse-only" "$PARSE_ONLY" -n "inngest-fix --check (cold)" "$INNGEST_FIX --check --no-cache" \
        -n "inngest-fix --check (warm cache)" "$INNGEST_FIX --check" \
        -n "inngest-fix --dry-run (cold)" "$INNGEST_FIX --dry-run --no-cache" -n "rg -l createFunction" "rg -l createFunction")
    {
        echo "### All-Inngest tree: $ALL_FILES files, $(( $(manifest "$dir" tracked_bytes) / 1000000 )) MB, $(manifest "$dir" inngest_functions) functions"
        echo
        python3 "$here/report.py" hyperfine "$results/all-inngest.json" --baseline "parse-only"
    } | tee "$results/all-inngest.md"
}

# ---------------------------------------------------------------- rule families
# The cost of each family of rules on the all-Inngest tree: `--check --select FAMILY` against
# (rows are named without leading dashes: hyperfine would read them as its own flags)
# parse-only. A rule that is not selected does not run (unless the file holds a suppression
# comment, which may name it), so each row is the walk, the parse, the shared analysis and
# that family alone.
run_rules() {
    local dir
    dir="$(tree "all-inngest-$ALL_FILES" --files "$ALL_FILES" --all-inngest)"
    say "rules: $ALL_FILES files, one family of rules at a time"
    (cd "$dir" && hf -i --export-json "$results/rules.json" \
        -n "parse-only" "$PARSE_ONLY" \
        -n "select unsafe-trailing-return" "$INNGEST_FIX --check --no-cache --select unsafe-trailing-return" \
        -n "select the hazards of issue 7" "$INNGEST_FIX --check --no-cache --select mutation-in-step,nested-step,nondeterminism-outside-step,unawaited-step,duplicate-step-id,unawaited-send" \
        -n "select side-effect-outside-step,non-json-step-result" "$INNGEST_FIX --check --no-cache --select side-effect-outside-step,non-json-step-result" \
        -n "select v4 (migration)" "$INNGEST_FIX --check --no-cache --select v4" \
        -n "check (default rules)" "$INNGEST_FIX --check --no-cache" \
        -n "select ALL" "$INNGEST_FIX --check --no-cache --select ALL")
    {
        echo "### Rule families: $ALL_FILES files, every one with Inngest functions"
        echo
        python3 "$here/report.py" hyperfine "$results/rules.json" --baseline "parse-only"
    } | tee "$results/rules.md"
}

for s in "${sections[@]}"; do
    case "$s" in
        main) run_main ;;
        scaling) run_scaling ;;
        all-inngest) run_all_inngest ;;
        rules) run_rules ;;
        *) die "unknown section '$s' (main, scaling, all-inngest, rules)" ;;
    esac
done
say "results in $results"
