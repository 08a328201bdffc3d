"""No module of servicemap assigns to another object's methods (features plug in through the
public feature interface instead): no ``other.name = lambda ...`` and no
``other.name = self.some_method``. Expat's parsers take their callbacks as ``...Handler``
attributes by design; those are allowed."""

from __future__ import annotations

import ast
from pathlib import Path

import servicemap

ROOT = Path(servicemap.__file__).parent


def replaced_methods(source: str, filename: str) -> list[str]:
    tree = ast.parse(source, filename)
    found = []
    for cls in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)] + [tree]:
        methods = {f.name for f in getattr(cls, "body", [])
                   if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)}
        for node in ast.walk(cls):
            if not isinstance(node, ast.Assign):
                continue
            for target in node.targets:
                targets = target.elts if isinstance(target, ast.Tuple) else [target]
                values = node.value.elts if isinstance(node.value, ast.Tuple) else \
                    [node.value] * len(targets)
                for t, v in zip(targets, values, strict=False):
                    if not isinstance(t, ast.Attribute):
                        continue
                    owner = t.value
                    if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
                        continue
                    if t.attr.endswith("Handler"):  # xml.parsers.expat's callback API
                        continue
                    bound = (isinstance(v, ast.Attribute) and isinstance(v.value, ast.Name)
                             and v.value.id == "self" and v.attr in methods)
                    if isinstance(v, ast.Lambda) or bound:
                        found.append(f"{filename}:{node.lineno}: {ast.unparse(t)} = "
                                     f"{ast.unparse(v)[:40]}")
    return sorted(set(found))


def test_the_check_finds_a_replaced_method():
    source = ("class Feature:\n    def save(self):\n        pass\n"
              "    def install(self, files):\n        files.save = self.save\n"
              "        files.title = lambda: 'x'\n")
    assert len(replaced_methods(source, "f.py")) == 2


def test_no_module_replaces_another_objects_methods():
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        found += replaced_methods(path.read_text(encoding="utf-8"),
                                  str(path.relative_to(ROOT)))
    assert found == []
