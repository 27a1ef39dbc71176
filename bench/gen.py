#!/usr/bin/env python3
"""Generate a synthetic TypeScript monorepo for benchmarking inngest-fix.

Deterministic: the same parameters and seed give the same bytes (the manifest records a
hash of every generated file, `.git/` and the manifest itself excluded).

What the tree holds (see bench/README.md):
- packages/<pkg>/src/... and apps/<app>/src/...: React-ish components (.tsx), utils, services,
  types (.ts), tests, a few .js/.mjs/.cjs files, .d.ts declarations, plus non-source files
  (.json, .md, .css). File sizes 1-20 KB (log-normal), a few large ones (50 KB - 1 MB).
- A share of source files (--inngest-share, default 2%) defines Inngest functions: v3
  three-argument and v4 two-argument `createFunction`, several `step.run`, loops with
  template-literal step IDs, `Promise.all` fan-out; ~60% of the functions end with a return
  that reads handler variables after steps (what the tool fixes), the rest are already fine.
- Decoys (--decoy-share, default 1%): files that mention `createFunction` without defining an
  Inngest function (comments, strings, a local `createFunction()` helper, a receiver call whose
  callback takes no step). They pass the byte prefilter, so they get parsed.
- Ignored noise (--noise-files, default half the file count): node_modules/, dist/, build/
  and a hidden .turbo/ directory, full of files that mention `createFunction` and contain
  unsafe handlers. A tool that reads them reports more findings than the manifest expects.
- `git init` at the root, so `.gitignore` is honoured by ripgrep and the `ignore` crate (both
  only read .gitignore inside a git repository by default).

Writes `<out>/.bench-manifest.json` last: its presence marks a complete tree.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

MANIFEST = ".bench-manifest.json"

WORDS = (
    "account user order invoice payment cart product item customer session token report "
    "email message notification team project task comment file upload image video audit "
    "billing plan subscription coupon discount shipment address warehouse stock price "
    "search index cache queue worker job batch exporter importer sync webhook event metric "
    "dashboard chart table filter sort page layout theme modal toast menu button form "
    "field input select checkbox avatar badge card list grid row column header footer"
).split()
VERBS = (
    "get set load save fetch create update delete build parse format render compute "
    "validate normalize merge resolve sync send notify enqueue process apply map reduce"
).split()
TYPES = ("string", "number", "boolean", "Date", "string[]", "number[]", "Record<string, unknown>")
EVENT_DOMAINS = ("app", "billing", "shop", "crm", "media", "auth", "reports", "ops")


def camel(*parts: str) -> str:
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def pascal(*parts: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in parts)


def kebab(*parts: str) -> str:
    return "-".join(parts)


class Style:
    """Per-file formatting: indent unit, quote and semicolon style."""

    def __init__(self, rng: random.Random):
        self.u = rng.choice(("  ", "  ", "  ", "    ", "\t"))
        self.q = rng.choice(('"', '"', "'"))
        self.semi = ";" if rng.random() < 0.85 else ""

    def s(self, text: str) -> str:
        return f"{self.q}{text}{self.q}"


# --------------------------------------------------------------------------- ordinary code


class CodeGen:
    """Top-level blocks of realistic, syntactically valid TS/TSX/JS."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def w(self) -> str:
        return self.rng.choice(WORDS)

    def v(self) -> str:
        return self.rng.choice(VERBS)

    def imports(self, st: Style, tsx: bool) -> str:
        r = self.rng
        lines = []
        if tsx:
            lines.append(f"import React, {{ useEffect, useMemo, useState }} from {st.s('react')}{st.semi}")
        for _ in range(r.randint(1, 5)):
            names = sorted({camel(self.v(), self.w()) for _ in range(r.randint(1, 3))})
            src = r.choice(("../lib/", "./", "@acme/", "../../utils/")) + kebab(self.w(), self.w())
            lines.append(f"import {{ {', '.join(names)} }} from {st.s(src)}{st.semi}")
        if r.random() < 0.4:
            lines.append(f"import type {{ {pascal(self.w(), 'Props')} }} from {st.s('./types')}{st.semi}")
        return "\n".join(lines) + "\n"

    def interface(self, st: Style) -> str:
        r, u = self.rng, st.u
        name = pascal(self.w(), self.w())
        fields = "".join(
            f"{u}{camel(self.w(), self.w())}{'?' if r.random() < 0.3 else ''}: {r.choice(TYPES)}{st.semi or ';'}\n"
            for _ in range(r.randint(3, 10))
        )
        kw = "export interface" if r.random() < 0.7 else "interface"
        return f"{kw} {name} {{\n{fields}}}\n"

    def type_alias(self, st: Style) -> str:
        r = self.rng
        name = pascal(self.w(), r.choice(("Status", "Kind", "Mode", "State")))
        variants = " | ".join(st.s(kebab(self.w())) for _ in range(r.randint(2, 6)))
        return f"export type {name} = {variants}{st.semi}\n"

    def enum(self, st: Style) -> str:
        r, u = self.rng, st.u
        name = pascal(self.w(), "Kind")
        members = sorted({pascal(self.w()) for _ in range(r.randint(2, 7))})
        body = "".join(f"{u}{m} = {st.s(m.lower())},\n" for m in members)
        return f"export enum {name} {{\n{body}}}\n"

    def function(self, st: Style, typed: bool = True) -> str:
        r, u = self.rng, st.u
        name = camel(self.v(), self.w(), self.w())
        a, b = camel(self.w()), camel(self.w(), "list")
        ta = f": {pascal(self.w())}" if typed else ""
        tb = ": number[]" if typed else ""
        ret = ": number" if typed else ""
        asy = "async " if r.random() < 0.3 else ""
        ret = f": Promise<number>" if (asy and typed) else ret
        body = [
            f"{u}const {camel('total', self.w())} = {b}.reduce((acc, x) => acc + x, 0){st.semi}",
            f"{u}if (!{a}) {{\n{u}{u}throw new Error({st.s('missing ' + self.w())}){st.semi}\n{u}}}",
            f"{u}const {camel('sorted', self.w())} = [...{b}].sort((x, y) => x - y){st.semi}",
            f"{u}for (let i = 0; i < {b}.length; i++) {{\n{u}{u}if ({b}[i] > {r.randint(1, 999)}) break{st.semi}\n{u}}}",
            f"{u}const {camel('label', self.w())} = `${{{b}.length}} {self.w()}s`{st.semi}",
            f"{u}// {self.v()} the {self.w()} before returning",
        ]
        r.shuffle(body)
        body = body[: r.randint(2, len(body))]
        exp = "export " if r.random() < 0.6 else ""
        return (
            f"{exp}{asy}function {name}({a}{ta}, {b}{tb}){ret} {{\n"
            + "\n".join(body)
            + f"\n{u}return {b}.length{st.semi}\n}}\n"
        )

    def klass(self, st: Style, typed: bool = True) -> str:
        r, u = self.rng, st.u
        name = pascal(self.w(), r.choice(("Service", "Store", "Client", "Repository")))
        field = camel(self.w(), "s")
        t = ": Map<string, number>" if typed else ""
        priv = "private " if typed else ""
        methods = []
        for _ in range(r.randint(2, 5)):
            m = camel(self.v(), self.w())
            arg = "key: string" if typed else "key"
            methods.append(
                f"{u}{m}({arg}) {{\n"
                f"{u}{u}const value = this.{field}.get(key) ?? {r.randint(0, 100)}{st.semi}\n"
                f"{u}{u}this.{field}.set(key, value + 1){st.semi}\n"
                f"{u}{u}return value{st.semi}\n{u}}}\n"
            )
        return (
            f"export class {name} {{\n{u}{priv}{field}{t} = new Map(){st.semi}\n\n"
            + "\n".join(methods)
            + "}\n"
        )

    def const_table(self, st: Style) -> str:
        r, u = self.rng, st.u
        name = camel(self.w(), self.w(), "Config").upper() if r.random() < 0.3 else camel(self.w(), "Defaults")
        entries = "".join(
            f"{u}{camel(self.w(), self.w())}: {r.choice([str(r.randint(0, 9999)), st.s(self.w()), 'true', 'false'])},\n"
            for _ in range(r.randint(3, 12))
        )
        return f"export const {name} = {{\n{entries}}}{' as const' if r.random() < 0.3 else ''}{st.semi}\n"

    def component(self, st: Style, typed: bool = True) -> str:
        r, u = self.rng, st.u
        name = pascal(self.w(), self.w())
        props = pascal(name, "Props")
        item = self.w()
        sig = f"{{ items, title }}: {props}" if typed else "{ items, title }"
        lines = [
            f"export function {name}({sig}) {{",
            f"{u}const [open, setOpen] = useState(false){st.semi}",
            f"{u}const [query, setQuery] = useState({st.s('')}){st.semi}",
            f"{u}const visible = useMemo(() => items.filter((x) => x.name.includes(query)), [items, query]){st.semi}",
            f"{u}useEffect(() => {{\n{u}{u}document.title = title{st.semi}\n{u}}}, [title]){st.semi}",
            f"{u}return (",
            f"{u}{u}<div className={st.s(kebab(item, 'panel'))}>",
            f"{u}{u}{u}<h2 onClick={{() => setOpen(!open)}}>{{title}}</h2>",
            f"{u}{u}{u}<input value={{query}} onChange={{(e) => setQuery(e.target.value)}} />",
            f"{u}{u}{u}{{open && (",
            f"{u}{u}{u}{u}<ul>",
            f"{u}{u}{u}{u}{u}{{visible.map((x) => (",
            f"{u}{u}{u}{u}{u}{u}<li key={{x.id}} data-kind={st.s(item)}>{{x.name}}</li>",
            f"{u}{u}{u}{u}{u}))}}",
            f"{u}{u}{u}{u}</ul>",
            f"{u}{u}{u})}}",
            f"{u}{u}</div>",
            f"{u}){st.semi}",
            "}",
        ]
        pre = ""
        if typed:
            pre = (
                f"interface {props} {{\n{u}items: {{ id: string; name: string }}[]{st.semi or ';'}\n"
                f"{u}title: string{st.semi or ';'}\n}}\n\n"
            )
        return pre + "\n".join(lines) + "\n"

    def test_block(self, st: Style) -> str:
        r, u = self.rng, st.u
        subj = camel(self.v(), self.w())
        cases = "".join(
            f"{u}it({st.s(self.v() + 's ' + self.w())}, () => {{\n"
            f"{u}{u}expect({subj}({r.randint(0, 9)}, [{r.randint(0, 9)}, {r.randint(0, 9)}])).toBe({r.randint(0, 9)}){st.semi}\n"
            f"{u}}}){st.semi}\n"
            for _ in range(r.randint(2, 6))
        )
        return f"describe({st.s(subj)}, () => {{\n{cases}}}){st.semi}\n"

    def cjs_block(self, st: Style) -> str:
        r, u = self.rng, st.u
        name = camel(self.v(), self.w())
        return (
            f"function {name}(options) {{\n{u}const merged = Object.assign({{}}, options, {{ retries: {r.randint(1, 9)} }}){st.semi}\n"
            f"{u}return merged{st.semi}\n}}\nmodule.exports.{name} = {name}{st.semi}\n"
        )

    def declaration(self, st: Style) -> str:
        r, u = self.rng, st.u
        name = camel(self.v(), self.w())
        return (
            f"export declare function {name}(input: {r.choice(TYPES)}): {r.choice(TYPES)};\n"
            f"export interface {pascal(self.w(), 'Options')} {{\n{u}{camel(self.w())}: {r.choice(TYPES)};\n}}\n"
        )

    def block(self, st: Style, kind: str) -> str:
        r = self.rng
        if kind == "component":
            return r.choice((self.component, self.component, self.function, self.interface))(st)
        if kind == "types":
            return r.choice((self.interface, self.interface, self.type_alias, self.enum))(st)
        if kind == "test":
            return self.test_block(st)
        if kind == "js":
            return r.choice((self.cjs_block, lambda s: self.function(s, typed=False),
                             lambda s: self.klass(s, typed=False)))(st)
        if kind == "jsx":
            return r.choice((lambda s: self.component(s, typed=False), lambda s: self.function(s, typed=False)))(st)
        if kind == "dts":
            return self.declaration(st)
        # util / service / lib
        return r.choice((self.function, self.function, self.klass, self.const_table, self.interface, self.type_alias))(st)

    def fill(self, st: Style, kind: str, parts: list[str], target: int) -> str:
        size = sum(len(p) + 1 for p in parts)
        while size < target:
            b = self.block(st, kind)
            parts.append(b)
            size += len(b) + 1
        return "\n".join(parts)


# --------------------------------------------------------------------------- Inngest functions


class InngestGen:
    """Inngest functions, with a count of what the tool should find."""

    UNSAFE_SHARE = 0.6

    def __init__(self, rng: random.Random, code: CodeGen):
        self.rng = rng
        self.code = code
        self.functions = 0
        self.unsafe_functions = 0  # functions with at least one trailing return to fix

    def header(self, st: Style) -> str:
        r = self.rng
        if r.random() < 0.7:
            src = r.choice(("../client", "../../inngest/client", "@acme/inngest", "./client"))
            name = r.choice(("inngest", "inngest", "client"))
            return f"import {{ {name} }} from {st.s(src)}{st.semi}\n", name
        app = kebab(self.code.w(), "app")
        return (
            f"import {{ Inngest }} from {st.s('inngest')}{st.semi}\n\n"
            f"export const inngest = new Inngest({{ id: {st.s(app)} }}){st.semi}\n",
            "inngest",
        )

    def function(self, st: Style, receiver: str, unsafe: bool) -> str:
        r, u = self.rng, st.u
        w = self.code.w
        fn_id = kebab(self.code.v(), w(), w())
        event = f"{r.choice(EVENT_DOMAINS)}/{w()}.{r.choice(('created', 'updated', 'deleted', 'requested'))}"
        var = camel(self.code.v(), w(), "Fn")
        self.functions += 1

        pstyle = r.random()
        if pstyle < 0.75:
            param, step, ev = "{ event, step }", "step", "event"
        elif pstyle < 0.85:
            param, step, ev = "{ event, step, logger }", "step", "event"
        elif pstyle < 0.95:
            param, step, ev = "ctx", "ctx.step", "ctx.event"
        else:
            param, step, ev = "{ event, step: s }", "s", "event"

        q = st.q
        semi = st.semi
        body: list[str] = []  # lines at indent level 1 (relative to handler body)

        def add(*lines: str) -> None:
            body.extend(lines)

        locals_read: list[str] = []
        if r.random() < 0.6:
            add(f"const {{ {w()}Id, {w()}Count }} = {ev}.data{semi}")
        add(
            f"const user = await {step}.run({st.s('load-user')}, async () => {{",
            f"{u}return await db.users.findById({ev}.data.userId){semi}",
            f"}}){semi}",
        )
        locals_read.append("user")
        add(f"const items = await {step}.run({st.s('load-items')}, () => fetchItems(user.id)){semi}")
        locals_read.append("items")
        if r.random() < 0.5:
            add(
                f"for (const item of items) {{",
                f"{u}await {step}.run(`process-item-${{item.id}}`, async () => {{",
                f"{u}{u}await processItem(item, {{ attempt: 1 }}){semi}",
                f"{u}}}){semi}",
                f"}}",
            )
        if r.random() < 0.4:
            add(
                f"const results = await Promise.all(",
                f"{u}items.map((item) => {step}.run(`enrich-${{item.id}}`, () => enrich(item)))",
                f"){semi}",
            )
            locals_read.append("results")
        if r.random() < 0.4:
            add(f"await {step}.sleep({st.s('cool-down')}, {st.s(str(r.randint(1, 59)) + 'm')}){semi}")
        if r.random() < 0.3:
            add(
                f"await {step}.sendEvent({st.s('notify')}, {{",
                f"{u}name: {st.s(event.replace('requested', 'done'))},",
                f"{u}data: {{ userId: user.id }},",
                f"}}){semi}",
            )
        if r.random() < 0.5:
            add(f"const total = items.reduce((sum, item) => sum + item.amount, 0){semi}")
            locals_read.append("total")
        if param.startswith("{ event, step, logger"):
            add(f"logger.info({st.s('processed')}, items.length){semi}")

        if unsafe:
            self.unsafe_functions += 1
            local = r.choice(locals_read)
            # `user` and `items` hold step results as they are (`const x = await step.run(…)`):
            # returning one of them alone is safe (SPEC 2), so a bare return needs another local.
            computed = [x for x in locals_read if x not in ("user", "items")]
            choice = r.random()
            if choice < 0.35 or (choice < 0.55 and not computed):
                add(f"return {{ userId: user.id, summary: {local}, orderId: {ev}.data.orderId }}{semi}")
            elif choice < 0.55:
                add(f"return {r.choice(computed)}{semi}")
            elif choice < 0.7:
                add(f"return {{ ok: true, processed: items.length }}{semi}")
            elif choice < 0.85:
                add(
                    f"if (items.length > 0) {{",
                    f"{u}return {{ status: {st.s('done')}, first: items[0].id }}{semi}",
                    f"}} else {{",
                    f"{u}return {{ status: {st.s('empty')} }}{semi}",
                    f"}}",
                )
            else:
                add(
                    f"return {{",
                    f"{u}// summary for the dashboard",
                    f"{u}email: user.email,",
                    f"{u}items: items.map((x) => x.id),",
                    f"}}{semi}",
                )
        else:
            choice = r.random()
            if choice < 0.2:
                add(f"return {{ ok: true }}{semi}")
            elif choice < 0.3:
                add(f"return {r.choice(('user', 'items'))}{semi}")  # a step result, as it is
            elif choice < 0.5:
                add(f"return {st.s('done')}{semi}")
            elif choice < 0.7:
                add(
                    f"const finalResult = await {step}.run({st.s('finalize')}, async () => {{",
                    f"{u}return {{ userId: user.id, count: items.length }}{semi}",
                    f"}}){semi}",
                    f"return finalResult{semi}",
                )
            elif choice < 0.85:
                add(f"return {step}.run({st.s('finish')}, () => ({{ count: items.length }})){semi}")
            else:
                pass  # no return at all

        form_v4 = r.random() < 0.5
        if form_v4:
            opts = f"{{ id: {st.s(fn_id)}, triggers: [{{ event: {st.s(event)} }}] }}"
            lead = f"{receiver}.createFunction(\n{u}{opts},\n"
        else:
            opts = f"{{ id: {st.s(fn_id)}, retries: {r.randint(0, 5)} }}"
            lead = f"{receiver}.createFunction(\n{u}{opts},\n{u}{{ event: {st.s(event)} }},\n"

        named = r.random() < 0.15
        if named:
            hname = camel("handle", w(), w())
            out = [f"const {hname} = async ({param}) => {{"]
            out += [u + line if line else line for line in body]
            out.append(f"}}{semi}\n")
            out.append(f"export const {var} = {lead}{u}{hname}\n){semi}\n")
            return "\n".join(out)
        out = [f"export const {var} = {lead}{u}async ({param}) => {{"]
        out += [u + u + line if line else line for line in "\n".join(body).split("\n")]
        out.append(f"{u}}}\n){semi}\n")
        return "\n".join(out)

    def helpers(self, st: Style) -> str:
        u, semi = st.u, st.semi
        return (
            f"async function fetchItems(userId: string) {{\n{u}return db.items.findMany({{ where: {{ userId }} }}){semi}\n}}\n\n"
            f"async function processItem(item: {{ id: string }}, opts: {{ attempt: number }}) {{\n"
            f"{u}await queue.push({{ id: item.id, attempt: opts.attempt }}){semi}\n}}\n\n"
            f"function enrich(item: {{ id: string; amount: number }}) {{\n{u}return {{ ...item, enriched: true }}{semi}\n}}\n"
        )


def decoy_block(rng: random.Random, st: Style, code: CodeGen) -> str:
    """Mentions `createFunction` without defining an Inngest function."""
    u, semi, q = st.u, st.semi, st.q
    kind = rng.randrange(5)
    if kind == 0:
        return f"// TODO: move this to inngest.createFunction once the queue is ready\n{code.function(st)}"
    if kind == 1:
        return f"export const DOCS_HINT = {st.s('Call client.createFunction(options, handler) to define a job')}{semi}\n"
    if kind == 2:
        return (
            f"export function createFunction(name: string, arity = 0) {{\n"
            f"{u}return {{ name, arity, call: (...args: unknown[]) => args.length }}{semi}\n}}\n\n"
            f"export const {camel('make', code.w())} = createFunction({st.s(code.w())}, 2){semi}\n"
        )
    if kind == 3:
        return (
            f"export const {camel(code.w(), 'Fn')} = registry.createFunction({{ name: {st.s(code.w())} }}, (x: number) => {{\n"
            f"{u}const doubled = x * 2{semi}\n{u}return doubled{semi}\n}}){semi}\n"
        )
    return (
        f"/**\n * Legacy note: `createFunction` used to live here; see the jobs package.\n */\n"
        f"export const LEGACY = `createFunction(${{{rng.randint(1, 9)}}})`{semi}\n"
    )


# --------------------------------------------------------------------------- layout


SRC_KINDS = (
    # (kind, extension, weight)
    ("component", ".tsx", 30),
    ("util", ".ts", 28),
    ("types", ".ts", 10),
    ("test", ".test.ts", 8),
    ("js", ".js", 4),
    ("js", ".mjs", 1),
    ("js", ".cjs", 1),
    ("jsx", ".jsx", 2),
    ("util", ".mts", 1),
    ("dts", ".d.ts", 4),
)
OTHER_KINDS = ((".json", 5), (".md", 3), (".css", 3))
SUBDIRS = ("components", "hooks", "utils", "lib", "types", "services", "api", "features", "store", "pages")


def sizes(rng: random.Random, n: int, total: int) -> list[int]:
    """Log-normal sizes within 1-20 KB, plus ~0.2% large files (50 KB - 1 MB), scaled to `total`."""
    large = set(rng.sample(range(n), max(1, n // 500))) if n >= 50 else set()
    out = []
    for i in range(n):
        if i in large:
            out.append(int(math.exp(rng.uniform(math.log(50_000), math.log(1_000_000)))))
        else:
            out.append(int(rng.lognormvariate(math.log(4500), 0.6)))
    small = [i for i in range(n) if i not in large]
    for _ in range(8):  # scale the ordinary files so the sum hits `total`, then clip
        cur = sum(out)
        fixed = sum(out[i] for i in large)
        if not small or abs(cur - total) < total * 0.005:
            break
        factor = max(0.05, (total - fixed) / max(1, cur - fixed))
        for i in small:
            out[i] = min(20_000, max(1_000, int(out[i] * factor)))
    return out


class Tree:
    def __init__(self, root: Path):
        self.root = root
        self.hashes: list[tuple[str, str]] = []
        self.bytes = 0
        self.taken: set[str] = set()

    def unique(self, rel: str) -> str:
        base, dot, ext = rel.partition(".")
        cand, k = rel, 1
        while cand in self.taken:
            k += 1
            cand = f"{base}-{k}{dot}{ext}"
        self.taken.add(cand)
        return cand

    def write(self, rel: str, text: str) -> str:
        rel = self.unique(rel)
        data = text.encode()
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        self.hashes.append((rel, hashlib.sha256(data).hexdigest()))
        self.bytes += len(data)
        return rel

    def digest(self) -> str:
        h = hashlib.sha256()
        for rel, d in sorted(self.hashes):
            h.update(f"{rel}\0{d}\n".encode())
        return h.hexdigest()


def generate(args: argparse.Namespace) -> dict:
    rng = random.Random(args.seed)
    code = CodeGen(rng)
    inngest = InngestGen(rng, code)
    out = Path(args.out)
    if out.exists():
        if not args.force:
            sys.exit(f"gen.py: {out} exists (use --force to replace it)")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    tree = Tree(out)

    n = args.files
    total = int(args.size_mb * 1_000_000) if args.size_mb is not None else n * 5_000
    n_pkgs = max(2, n // 500)
    pkgs = [("packages" if i % 4 else "apps") + f"/{code.w()}-{i:03d}" for i in range(n_pkgs)]

    src_w = [k[2] for k in SRC_KINDS]
    other_share = 0.06
    file_sizes = sizes(rng, n, total)

    # Which files are Inngest / decoys: chosen among source files (not .d.ts) below.
    stats = {"source_files": 0, "dts_files": 0, "other_files": 0, "inngest_files": 0, "decoy_files": 0}
    expected: dict[str, int] = {}  # Inngest file -> unsafe trailing returns in it
    for i in range(n):
        pkg = pkgs[i % n_pkgs]
        target = file_sizes[i]
        st = Style(rng)
        if rng.random() < other_share:
            ext = rng.choices([k[0] for k in OTHER_KINDS], [k[1] for k in OTHER_KINDS])[0]
            rel = f"{pkg}/{rng.choice(('docs', 'src/assets', 'config'))}/{code.w()}-{code.w()}{ext}"
            if ext == ".json":
                obj = {camel(code.w(), code.w()): rng.randint(0, 10**6) for _ in range(max(3, target // 30))}
                text = json.dumps(obj, indent=2, sort_keys=True) + "\n"
            elif ext == ".md":
                paras = []
                while sum(map(len, paras)) < target:
                    paras.append(" ".join(code.w() for _ in range(60)) + ".")
                text = f"# {pascal(code.w())}\n\n" + "\n\n".join(paras) + "\n"
            else:
                rules = []
                while sum(map(len, rules)) < target:
                    rules.append(f".{kebab(code.w(), code.w())} {{\n  margin: {rng.randint(0, 32)}px;\n  color: #{rng.randrange(16**6):06x};\n}}\n")
                text = "".join(rules)
            tree.write(rel, text)
            stats["other_files"] += 1
            continue

        kind, ext, _ = rng.choices(SRC_KINDS, src_w)[0]
        is_inngest = kind != "dts" and (args.all_inngest or rng.random() < args.inngest_share / (1 - other_share))
        is_decoy = not is_inngest and kind != "dts" and rng.random() < args.decoy_share / (1 - other_share)
        if is_inngest:
            # Handlers use types: keep them in .ts/.tsx/.mts so the JS grammar question does not arise.
            if ext in (".js", ".mjs", ".cjs", ".jsx"):
                ext = ".ts"
            sub = rng.choice(("src/inngest/functions", "src/jobs", "src/inngest", f"src/{rng.choice(SUBDIRS)}"))
            rel = f"{pkg}/{sub}/{kebab(code.w(), code.w())}{'.test.ts' if kind == 'test' else ext.replace('.test.ts', '.ts')}"
            header, receiver = inngest.header(st)
            parts = [header, inngest.helpers(st)]
            before = inngest.unsafe_functions
            for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
                parts.append(inngest.function(st, receiver, rng.random() < InngestGen.UNSAFE_SHARE))
            text = code.fill(st, "util", parts, target)
            rel = tree.write(rel, text)
            expected[rel] = inngest.unsafe_functions - before
            stats["inngest_files"] += 1
            stats["source_files"] += 1
            continue

        depth = rng.choice((0, 1, 1, 2))
        dirs = [rng.choice(SUBDIRS)] + [code.w() for _ in range(depth)]
        rel = f"{pkg}/src/{'/'.join(dirs)}/{kebab(code.w(), code.w())}{ext}"
        parts = [] if kind in ("dts", "js") else [code.imports(st, ext.endswith("x"))]
        if is_decoy:
            parts.append(decoy_block(rng, st, code) if kind not in ("js", "jsx") else
                         f"// createFunction is not used here\n")
            stats["decoy_files"] += 1
        text = code.fill(st, kind, parts, target)
        tree.write(rel, text)
        if kind == "dts":
            stats["dts_files"] += 1
        else:
            stats["source_files"] += 1

    # Ignored noise: every one of these must be skipped by the walker.
    noise = args.noise_files if args.noise_files is not None else n // 2
    noise_rng = random.Random(args.seed + 1)
    noise_code = CodeGen(noise_rng)
    noise_inngest = InngestGen(noise_rng, noise_code)
    noise_bytes = 0
    for j in range(noise):
        st = Style(noise_rng)
        where = noise_rng.random()
        pkg = pkgs[j % n_pkgs]
        if where < 0.55:
            lib = noise_rng.choice(("inngest", "react", "lodash", "@types/node", "zod", "date-fns", "@acme/legacy"))
            rel = f"node_modules/{lib}/{noise_rng.choice(('dist', 'lib', 'src', 'esm'))}/{noise_code.w()}-{j}.js"
        elif where < 0.7:
            rel = f"{pkg}/node_modules/{noise_code.w()}/index-{j}.js"
        elif where < 0.85:
            rel = f"{pkg}/dist/{noise_code.w()}-{j}.js"
        elif where < 0.95:
            rel = f"{pkg}/build/{noise_code.w()}-{j}.ts"
        else:
            rel = f".turbo/cache/{noise_code.w()}-{j}.ts"
        target = int(noise_rng.lognormvariate(math.log(3000), 0.6))
        parts = [noise_inngest.helpers(st)]
        if noise_rng.random() < 0.3:  # looks like an Inngest source, must never be reported
            parts.append(noise_inngest.function(st, "inngest", True))
        text = noise_code.fill(st, "util", parts, target)
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text)
        noise_bytes += len(text)
        tree.hashes.append((rel, hashlib.sha256(text.encode()).hexdigest()))

    gitignore = "node_modules/\ndist/\nbuild/\ncoverage/\n*.log\n"
    tree.write(".gitignore", gitignore)
    tree.write("package.json", json.dumps({"name": "synthetic-monorepo", "private": True,
                                           "workspaces": ["packages/*", "apps/*"]}, indent=2) + "\n")

    subprocess.run(["git", "init", "-q", str(out)], check=True)

    manifest = {
        "params": {
            "files": n, "size_mb": args.size_mb, "seed": args.seed, "inngest_share": args.inngest_share,
            "decoy_share": args.decoy_share, "noise_files": noise, "all_inngest": args.all_inngest,
        },
        "tracked_files": n + 2,
        "tracked_bytes": tree.bytes,
        **stats,
        "inngest_functions": inngest.functions,
        # Each of these has exactly one trailing return that reads handler variables after
        # steps: the number of findings `inngest-fix --check` should report (all fixable).
        "functions_with_unsafe_trailing_return": inngest.unsafe_functions,
        "noise_files": noise,
        "noise_bytes": noise_bytes,
        "sha256": tree.digest(),
        "expected_findings_by_file": dict(sorted(expected.items())),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def tree_hash(root: Path) -> str:
    """Hash of a tree on disk, .git/ and the manifest excluded: to check determinism."""
    hashes = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not (dirpath == str(root) and d == ".git")]
        for f in filenames:
            p = Path(dirpath) / f
            rel = p.relative_to(root).as_posix()
            if rel == MANIFEST:
                continue
            hashes.append((rel, hashlib.sha256(p.read_bytes()).hexdigest()))
    h = hashlib.sha256()
    for rel, d in sorted(hashes):
        h.update(f"{rel}\0{d}\n".encode())
    return h.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=False, help="output directory (created; must not exist unless --force)")
    ap.add_argument("--files", type=int, default=20_000, help="tracked files (default 20000)")
    ap.add_argument("--size-mb", type=float, default=None,
                    help="total size of tracked files in MB (default: 5 KB per file, 100 MB for 20000)")
    ap.add_argument("--inngest-share", type=float, default=0.02, help="share of files with Inngest functions")
    ap.add_argument("--decoy-share", type=float, default=0.01, help="share of files mentioning createFunction only")
    ap.add_argument("--noise-files", type=int, default=None, help="ignored files (default: files / 2)")
    ap.add_argument("--all-inngest", action="store_true", help="every source file defines Inngest functions")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--force", action="store_true", help="replace --out if it exists")
    ap.add_argument("--hash", metavar="DIR", help="print the tree hash of DIR (as in the manifest) and exit")
    args = ap.parse_args()
    if args.hash:
        print(tree_hash(Path(args.hash)))
        return
    if not args.out:
        ap.error("--out is required")
    m = generate(args)
    print(json.dumps(m, indent=2))


if __name__ == "__main__":
    main()
