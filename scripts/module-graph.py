#!/usr/bin/env python3
"""Draws the module graph of src/ from `use` statements and reports cycles.

Each file is a node. `use crate::a::b::Item` is an edge to the file of the
longest module prefix (`a/b.rs` or `a/b/mod.rs`); `super::` and `self::`
paths resolve the same way. Prints nodes with line counts, edges, and every
strongly connected component of more than one file (a cycle). Exits 1 when
there is a cycle, or when a core module imports `cli` or `commands`.
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
        stack = [(m.group(1).replace("\n", " "), "")]
        while stack:
            s, prefix = stack.pop()
            s = s.strip()
            i = s.find("{")
            if i < 0:
                for part in s.split(","):
                    part = part.strip().split(" as ")[0].strip()
                    if part:
                        out.append((prefix + part).split("::"))
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
    return [[x for x in p if x] for p in out]

edges = {m: set() for m in modules}
for mod, path in files.items():
    text = open(path).read()
    text = re.split(r"#\[cfg\(test\)\]\s*mod \w+ \{", text)[0]
    cur = mod if mod != ("<main>",) else ()
    for parts in use_paths(text):
        target = resolve(cur, parts)
        if target is not None and target != mod:
            edges[mod].add(target)

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

for m in sorted(modules, key=name):
    lines = sum(1 for _ in open(files[m]))
    print(f"{name(m):40} {lines:5}  -> {', '.join(sorted(name(t) for t in edges[m]))}")
cycles = [c for c in sccs if len(c) > 1]
bad = False
for c in cycles:
    print("CYCLE:", " <-> ".join(sorted(name(m) for m in c)))
    bad = True

# The same graph with files folded into their top-level module (`registry`,
# `commands`, ...): a cycle there is a cycle between rooms of the house.
def top(m):
    return m[:1]
folded = {}
for m, targets in edges.items():
    folded.setdefault(top(m), set()).update(top(t) for t in targets if top(t) != top(m))
seen, cyc = set(), []
def reach(a, b, path=()):
    if a == b and path:
        return True
    if a in path:
        return False
    return any(reach(n, b, path + (a,)) for n in folded.get(a, ()))
for a in folded:
    for b in folded[a]:
        if reach(b, a) and (b, a) not in seen:
            seen.add((a, b))
            cyc.append((a, b))
for a, b in cyc:
    print("CYCLE between modules:", name(a), "<->", name(b))
    bad = True
for m in modules:
    if m and m[0] not in CORE_FORBIDDEN + ("<main>",) and any(t and t[0] in CORE_FORBIDDEN for t in edges[m]):
        print("CORE REACHES UP:", name(m), "->", [name(t) for t in edges[m] if t and t[0] in CORE_FORBIDDEN])
        bad = True
print(f"{len(modules)} files, {sum(len(e) for e in edges.values())} edges, {len(cycles)} file cycles, {len(cyc)} module cycles")
sys.exit(1 if bad else 0)
