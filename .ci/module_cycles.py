#!/usr/bin/env python3
"""Lists the import cycles between the modules of each crate, and fails on any.

A module is one source file. Module A depends on module B when A's code names
an item that B defines: through `use crate::…`, `use super::…`, `use self::…`,
a path written inline (`crate::quote::ident(…)`), or a child module's name. A
path is followed through re-exports (`pub use child::Item` in a parent), so
that a parent which only re-exports its children is not a dependency of
whoever imports through it, and a re-export is not itself a dependency.
Declaring `mod child;` is not a dependency either. Test modules (`tests.rs`,
`tests/…`, files under a crate's `tests/`) are left out: they may use
whatever they test.

Usage: module_cycles.py CRATE_SRC_DIR...   (exit 1 when any cycle is found)
"""

import os
import re
import sys

USE_RE = re.compile(r"^\s*(pub(?:\([^)]*\))?\s+)?use\s+([^;]+);", re.M)
PATH_RE = re.compile(r"\b(crate|super|self)((?:\s*::\s*[A-Za-z_][A-Za-z0-9_]*)+)")
MOD_RE = re.compile(r"^\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?mod\s+([a-z_][a-z0-9_]*)\s*;", re.M)
PATH_ATTR_RE = re.compile(r'#\[path\s*=\s*"([^"]+)"\]\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+([a-z_][a-z0-9_]*)\s*;')


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    return text


def strip_test_modules(text):
    """Drops `#[cfg(test)] mod tests { … }` blocks written inline."""
    out = []
    i = 0
    pattern = re.compile(r"#\[cfg\(test\)\]\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+\w+\s*\{")
    while True:
        m = pattern.search(text, i)
        if not m:
            out.append(text[i:])
            break
        out.append(text[i:m.start()])
        depth = 1
        j = m.end()
        while j < len(text) and depth:
            if text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
            j += 1
        i = j
    return "".join(out)


def expand_use_tree(tree):
    """`a::{b, c::{d, e}}` -> [['a','b'], ['a','c','d'], ['a','c','e']]."""
    tree = re.sub(r"\s+", "", tree)

    def parse(s, i, prefix):
        paths = []
        current = list(prefix)
        token = ""
        while i < len(s):
            ch = s[i]
            if s.startswith("::", i):
                if token:
                    current.append(token)
                    token = ""
                i += 2
            elif ch == "{":
                sub, i = parse(s, i + 1, current)
                paths.extend(sub)
                current = None
            elif ch == ",":
                if current is not None:
                    paths.append(current + ([token] if token else []))
                current = list(prefix)
                token = ""
                i += 1
            elif ch == "}":
                if current is not None:
                    paths.append(current + ([token] if token else []))
                return paths, i + 1
            else:
                token += ch
                i += 1
        if current is not None:
            paths.append(current + ([token] if token else []))
        return paths, i

    paths, _ = parse(tree, 0, [])
    return [[seg for seg in p if seg] for p in paths]


def use_paths(stmt):
    """The paths of a `use` tree, renames (`Name as Other`) dropped first,
    before whitespace is squeezed out of the tree."""
    stmt = re.sub(r"\s+as\s+[A-Za-z_][A-Za-z0-9_]*", "", stmt)
    return expand_use_tree(stmt)


class Crate:
    def __init__(self, src):
        self.src = os.path.normpath(src)
        root = "lib.rs" if os.path.exists(os.path.join(self.src, "lib.rs")) else "main.rs"
        self.modules = {}  # tuple path -> file
        self.children = {}  # tuple path -> {name: tuple path}
        self.texts = {}
        self._load((), os.path.join(self.src, root))

    def _load(self, path, file):
        if not os.path.exists(file):
            return
        self.modules[path] = file
        raw = open(file, encoding="utf-8").read()
        text = strip_test_modules(strip_comments(raw))
        self.texts[path] = text
        self.children[path] = {}
        base = os.path.dirname(file)
        stem = os.path.splitext(os.path.basename(file))[0]
        own_dir = base if stem in ("mod", "lib", "main") else os.path.join(base, stem)
        explicit = {name: rel for rel, name in PATH_ATTR_RE.findall(raw)}
        for name in MOD_RE.findall(text):
            if name == "tests" or name.endswith("_tests"):
                continue
            child = path + (name,)
            self.children[path][name] = child
            if name in explicit:
                child_file = os.path.join(base, explicit[name])
            else:
                child_file = os.path.join(own_dir, name + ".rs")
                if not os.path.exists(child_file):
                    child_file = os.path.join(own_dir, name, "mod.rs")
            self._load(child, child_file)

    def reexports(self, path):
        """name -> list of segments it re-exports, for `pub use` in module `path`."""
        found = {}
        for vis, tree in USE_RE.findall(self.texts.get(path, "")):
            if not vis:
                continue
            for p in use_paths(tree):
                if p and p[-1] not in ("*", "self"):
                    found[p[-1]] = p
        return found

    def resolve(self, origin, segments, depth=0):
        """The module a path written in `origin` lands in, or None when it
        leaves the crate."""
        if not segments or depth > 20:
            return None
        first = segments[0]
        if first == "crate":
            current, rest = (), segments[1:]
        elif first == "super":
            current, rest = origin, segments
            while rest and rest[0] == "super":
                current = current[:-1]
                rest = rest[1:]
        elif first == "self":
            current, rest = origin, segments[1:]
        elif first in self.children.get(origin, {}):
            current, rest = origin, segments
        else:
            return None
        while rest:
            name = rest[0]
            if name in self.children.get(current, {}):
                current = self.children[current][name]
                rest = rest[1:]
                continue
            exported = self.reexports(current).get(name)
            if exported is not None and exported[-1] == name and len(exported) > 1:
                target = self.resolve(current, exported[:-1] + [name], depth + 1)
                if target is not None:
                    return target
            break
        return current

    def edges(self):
        graph = {m: set() for m in self.modules}
        for module, text in self.texts.items():
            paths = []
            for vis, tree in USE_RE.findall(text):
                if vis:
                    continue
                paths.extend(use_paths(tree))
            body = USE_RE.sub("", text)
            for m in PATH_RE.finditer(body):
                segs = [m.group(1)] + [s.strip() for s in m.group(2).split("::") if s.strip()]
                paths.append(segs)
            for name in self.children.get(module, {}):
                for _ in re.finditer(r"(?<![:\w])" + name + r"\s*::", body):
                    paths.append([name, "_"])
            for p in paths:
                target = self.resolve(module, p)
                if target is not None and target != module and target in self.modules:
                    graph[module].add(target)
        return graph


def cycles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, result = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return result


def name(crate, module):
    return crate + "::" + ("::".join(module) if module else "(root)")


def main(argv):
    found = 0
    for src in argv:
        crate = Crate(src)
        label = os.path.basename(os.path.dirname(os.path.normpath(src)))
        graph = crate.edges()
        for component in cycles(graph):
            found += 1
            members = set(component)
            print(f"cycle in {label}: " + ", ".join(name(label, m) for m in component))
            for m in component:
                for t in sorted(graph[m] & members):
                    print(f"    {name(label, m)} -> {name(label, t)}")
    print(f"{found} import cycle(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
