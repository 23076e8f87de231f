#!/usr/bin/env python3
"""PowerShell parse check without pwsh: parse each FILE with the tree-sitter PowerShell grammar
and fail, naming FILE:LINE:COLUMN, on any ERROR or MISSING node.

    python tests/tools/ps_parse.py FILE...
    python tests/tools/ps_parse.py --statements FILE

With --statements it also prints one line per top-level statement of FILE: `assign LEFT` for an
assignment (LEFT as written, e.g. `$env:AWS_PROFILE`) or `command NAME` for a command, so that
tests can prove emitted code has exactly the statements it should.

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


def statements(parser, path):
    """Print `assign LEFT` or `command NAME` (or `other TYPE`) per top-level statement."""
    with open(path, "rb") as f:
        tree = parser.parse(f.read())
    for block in tree.root_node.children:
        for stmt in block.named_children if block.type == "statement_list" else [block]:
            node = stmt
            while node.type in ("pipeline", "pipeline_chain") and node.named_child_count == 1:
                node = node.named_children[0]
            if node.type == "assignment_expression":
                left = node.named_children[0]
                print("assign", left.text.decode("utf-8", "replace"))
            elif node.type == "command":
                name = node.child_by_field_name("command_name") or node.named_children[0]
                print("command", name.text.decode("utf-8", "replace"))
            else:
                print("other", node.type)


def main(argv):
    args = argv[1:]
    want_statements = bool(args) and args[0] == "--statements"
    if want_statements:
        args = args[1:]
    if not args or (want_statements and len(args) != 1):
        print("usage: ps_parse.py FILE... | ps_parse.py --statements FILE", file=sys.stderr)
        return 2
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))
    results = [check(parser, path) for path in args]
    if want_statements and all(results):
        statements(parser, args[0])
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
