#!/usr/bin/env python3
"""Draws the module graph of src/ from `use` statements and inline paths,
and reports cycles.

Each file is a node. `use crate::a::b::Item` is an edge to the file of the
longest module prefix (`a/b.rs` or `a/b/mod.rs`); `super::` and `self::`
paths resolve the same way. Paths written inline in code count too
(`crate::a::b::f(...)`, `super::super::x::T`): comments,
strings and `#[cfg(test)] mod` blocks are left out first. Prints nodes with
line counts, edges, and every strongly connected component of more than one
file (a cycle). Exits 1 when there is a cycle between files or between
top-level modules, or when a core module reaches `cli`, `commands` or
`settings`; each such finding names the file and line of an edge behind it.
`--quiet` prints only the findings and the summary line (for CI).
"""
import os, re, sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
CORE_FORBIDDEN = ("cli", "commands", "settings")

def module_of(path):
    rel = os.path.relpath(path, ROOT)[:-3].split(os.sep)
    if rel[-1] == "mod":
        rel = rel[:-1]
    if rel in (["lib"], ["main"]):
        return ()
    return tuple(rel)

files = {}
for d, _, names in os.walk(ROOT):
    for n in names:
        if n.endswith(".rs"):
            p = os.path.join(d, n)
            files[module_of(p) if n != "main.rs" else ("<main>",)] = p
modules = set(files)

def resolve(current, parts):
    if parts[0] == "crate":
        base, rest = (), parts[1:]
    elif parts[0] in ("super", "self"):
        base = current
        rest = parts
        while rest and rest[0] in ("super", "self"):
            if rest[0] == "super":
                base = base[:-1]
            rest = rest[1:]
    elif parts[0] == "cargo_attest":
        base, rest = (), parts[1:]
    elif current + (parts[0],) in modules:
        base, rest = current, parts  # a child module used by name
    else:
        return None  # an external crate, or a local module used by name
    best = base if base in modules else None
    for i in range(1, len(rest) + 1):
        cand = base + tuple(rest[:i])
        if cand in modules:
            best = cand
    return best

def use_paths(text):
    # Flattens `use a::{b, c::{d}}` into a::b, a::c::d.
    out = []
    for m in re.finditer(r"^\s*(?:pub(?:\([^)]*\))?\s+)?use\s+([^;]+);", text, re.M):
        line = text.count("\n", 0, m.start(1)) + 1
        stack = [(m.group(1).replace("\n", " "), "")]
        while stack:
            s, prefix = stack.pop()
            s = s.strip()
            i = s.find("{")
            if i < 0:
                for part in s.split(","):
                    part = part.strip().split(" as ")[0].strip()
                    if part:
                        out.append(((prefix + part).split("::"), line))
                continue
            head = s[:i]
            depth, j = 0, i
            for j in range(i, len(s)):
                depth += s[j] == "{"
                depth -= s[j] == "}"
                if depth == 0:
                    break
            inner, tail = s[i + 1:j], s[j + 1:].lstrip(", ")
            parts, depth, cur = [], 0, ""
            for ch in inner:
                if ch == "," and depth == 0:
                    parts.append(cur); cur = ""
                    continue
                depth += ch == "{"
                depth -= ch == "}"
                cur += ch
            parts.append(cur)
            for p in parts:
                if p.strip():
                    stack.append((p, prefix + head))
            if tail:
                stack.append((tail, prefix))
    return [([x for x in p if x], line) for p, line in out]

def code_only(text):
    # Blanks out comments and the insides of string and char literals,
    # keeping every newline (so offsets keep their line numbers).
    out, i, n = list(text), 0, len(text)
    def blank(a, b):
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            blank(i, j)
            i = j
        elif (m := re.compile(r"(?<![\w])b?r(#*)\"").match(text, i)) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            end = text.find('"' + m.group(1), m.end())
            end = n if end < 0 else end + 1 + len(m.group(1))
            blank(m.end(), end - 1 - len(m.group(1)))
            i = end
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            blank(i + 1, j)
            i = j + 1
        elif c == "'":
            # A char literal ('a', '\n', '\u{1F600}') or a lifetime ('a).
            if text.startswith("\\", i + 1):
                j = text.find("'", i + 3)
                blank(i + 1, j)
                i = j + 1
            elif i + 2 < n and text[i + 2] == "'":
                blank(i + 1, i + 2)
                i += 3
            else:
                i += 1
        else:
            i += 1
    return "".join(out)

INLINE = re.compile(r"(?<![\w:$])((?:[A-Za-z_]\w*::)+[A-Za-z_]\w*)")

def inline_paths(text):
    # Paths used in code that start at `crate`, `super`, `self` or the
    # crate's name. A bare child module (`attach::run()` in commands/mod.rs)
    # is left out: a parent dispatching to the children it declares, while
    # they use its types, is how a module is laid out, not a cycle.
    out = []
    for m in INLINE.finditer(text):
        parts = m.group(1).split("::")
        if parts[0] in ("crate", "super", "self", "cargo_attest"):
            out.append((parts, text.count("\n", 0, m.start()) + 1))
    return out

TEST_MOD = re.compile(r"#\[cfg\(test\)\]\s*mod \w+ \{")

def without_test_modules(text):
    # Each `#[cfg(test)] mod x { ... }` blanked to its matching brace (code
    # after it still counts); comments and strings are blank already, so
    # every brace left is code. Newlines stay, so line numbers hold.
    while True:
        m = TEST_MOD.search(text)
        if not m:
            return text
        depth, end = 0, len(text)
        for i in range(m.end() - 1, len(text)):
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
                if depth == 0:
                    end = i + 1
                    break
        text = text[:m.start()] + re.sub(r"[^\n]", " ", text[m.start():end]) + text[end:]

edges = {m: set() for m in modules}
# (from, to) -> the first line of `from`'s file that makes the edge.
sites = {}
for mod, path in files.items():
    text = code_only(open(path).read())
    text = without_test_modules(text)
    cur = mod if mod != ("<main>",) else ()
    for parts, line in use_paths(text) + inline_paths(text):
        target = resolve(cur, parts)
        if target is not None and target != mod:
            edges[mod].add(target)
            if line < sites.get((mod, target), (None, 1 << 30))[1]:
                sites[(mod, target)] = (os.path.relpath(path, os.path.join(ROOT, "..")), line)

def site(a, b):
    path, line = sites[(a, b)]
    return f"{path}:{line}"

def name(m):
    return "::".join(m) or "lib"

index, low, onstack, stack, sccs, counter = {}, {}, set(), [], [], [0]
def strong(v):
    index[v] = low[v] = counter[0]; counter[0] += 1
    stack.append(v); onstack.add(v)
    for w in edges[v]:
        if w not in index:
            strong(w); low[v] = min(low[v], low[w])
        elif w in onstack:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); onstack.discard(w); comp.append(w)
            if w == v:
                break
        sccs.append(comp)
sys.setrecursionlimit(10000)
for v in sorted(modules):
    if v not in index:
        strong(v)

QUIET = "--quiet" in sys.argv[1:]
if not QUIET:
    for m in sorted(modules, key=name):
        lines = sum(1 for _ in open(files[m]))
        print(f"{name(m):40} {lines:5}  -> {', '.join(sorted(name(t) for t in edges[m]))}")
cycles = [c for c in sccs if len(c) > 1]
bad = False
for c in cycles:
    print("CYCLE:", " <-> ".join(sorted(name(m) for m in c)))
    for a in sorted(c, key=name):
        for b in sorted(edges[a] & set(c), key=name):
            print(f"  {name(a)} -> {name(b)}  ({site(a, b)})")
    bad = True

# The same graph with files folded into their top-level module (`registry`,
# `commands`, ...): a cycle there is a cycle between rooms of the house.
def top(m):
    return m[:1]
folded = {}
for m, targets in edges.items():
    folded.setdefault(top(m), set()).update(top(t) for t in targets if top(t) != top(m))
def path_to(a, b):
    # A shortest path of top-level modules from a to b, or None.
    prev, todo = {a: None}, [a]
    while todo:
        x = todo.pop(0)
        for y in sorted(folded.get(x, ())):
            if y not in prev:
                prev[y] = x
                todo.append(y)
    if b not in prev:
        return None
    path = [b]
    while path[-1] != a:
        path.append(prev[path[-1]])
    return path[::-1]
def witness(a, b):
    # One file edge from top-level module a into b, with its line.
    return min((f"{name(x)} -> {name(y)}  ({site(x, y)})"
                for x in edges for y in edges[x] if top(x) == a and top(y) == b))
seen, cyc = set(), []
for a in sorted(folded):
    for b in sorted(folded[a]):
        back = path_to(b, a)
        if back and frozenset((a, b)) not in seen:
            seen.add(frozenset((a, b)))
            cyc.append([a] + back)
for loop in cyc:
    print("CYCLE between modules:", " -> ".join(name(m) for m in loop))
    for x, y in zip(loop, loop[1:]):
        print("  " + witness(x, y))
    bad = True
for m in sorted(modules, key=name):
    if m and m[0] not in CORE_FORBIDDEN + ("<main>",):
        for t in sorted(edges[m], key=name):
            if t and t[0] in CORE_FORBIDDEN:
                print(f"CORE REACHES UP: {name(m)} -> {name(t)}  ({site(m, t)})")
                bad = True
print(f"{len(modules)} files, {sum(len(e) for e in edges.values())} edges, {len(cycles)} file cycles, {len(cyc)} module cycles")
sys.exit(1 if bad else 0)
