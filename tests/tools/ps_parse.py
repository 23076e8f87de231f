#!/usr/bin/env python3
"""PowerShell parse check without pwsh: parse each FILE with the tree-sitter PowerShell grammar
and fail, naming FILE:LINE:COLUMN, on any ERROR or MISSING node.

    python tests/tools/ps_parse.py FILE...

Exit status: 0 when every file parses, 1 when one does not, 2 on bad usage.
Needs the packages in tests/tools/requirements.txt.
"""

import sys

import tree_sitter
import tree_sitter_powershell


def problems(tree):
    """Yield (node, kind) for every ERROR or MISSING node, in document order."""
    cursor = tree.walk()
    while True:
        node = cursor.node
        if node.is_missing:
            yield node, f"missing {node.type!r}"
        elif node.is_error:
            yield node, "syntax error"
        if node.has_error and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


def check(parser, path):
    with open(path, "rb") as f:
        source = f.read()
    tree = parser.parse(source)
    ok = True
    for node, kind in problems(tree):
        ok = False
        row, col = node.start_point
        line = source.splitlines()[row] if row < len(source.splitlines()) else b""
        text = line.decode("utf-8", "replace").strip()
        print(f"{path}:{row + 1}:{col + 1}: {kind}: {text}", file=sys.stderr)
    return ok


def main(argv):
    if len(argv) < 2:
        print("usage: ps_parse.py FILE...", file=sys.stderr)
        return 2
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))
    results = [check(parser, path) for path in argv[1:]]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
