#!/usr/bin/env python3
"""Lists functions of src/ longer than their limit and exits 1 if any.

Limits (issue 20): 80 lines in src/commands, 120 elsewhere. A function is
counted from its `fn` line to the closing brace at the same indentation;
test modules (`#[cfg(test)] mod tests`) are skipped.
"""
import os, re, sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
FN = re.compile(r"^(\s*)(pub(\([a-z]+\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+(\w+)")

def limit_for(path):
    rel = os.path.relpath(path, ROOT)
    return 80 if rel.startswith("commands" + os.sep) else 120

def functions(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    in_tests = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if in_tests is None and re.match(r"^\s*#\[cfg\(test\)\]", line):
            in_tests = True
            return
        m = FN.match(line)
        if m and not line.rstrip().endswith(";"):
            indent = m.group(1)
            end = i
            while end < len(lines) and not (lines[end].startswith(indent + "}") and len(lines[end]) - len(lines[end].lstrip()) == len(indent)):
                end += 1
            yield m.group(7), i + 1, end - i + 1
            i = end
        i += 1

def main():
    bad = []
    for d, _, names in os.walk(ROOT):
        for n in sorted(names):
            if n.endswith(".rs"):
                p = os.path.join(d, n)
                for name, line, length in functions(p):
                    if length > limit_for(p):
                        bad.append((length, os.path.relpath(p, os.path.join(ROOT, "..")), line, name, limit_for(p)))
    for length, path, line, name, limit in sorted(bad, reverse=True):
        print(f"{path}:{line}: fn {name} is {length} lines (limit {limit})")
    if bad:
        sys.exit(1)
    print("every function is within its limit")

main()
