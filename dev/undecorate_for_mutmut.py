"""Rewrites `@register(...)` rule functions as `name = register(...)(name)` in a scratch copy for mutmut.

mutmut 3 does not mutate decorated functions, which would leave every rule's check function out of
the score. Applying the decorator after the definition registers the same function (mutmut's
trampoline) without changing behaviour. Only dev/mutation.sh runs this, on its scratch copy.
"""

from __future__ import annotations

import sys

import libcst as cst


def _is_register(decorator: cst.Decorator) -> bool:
    node = decorator.decorator
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "register"


class Undecorate(cst.CSTTransformer):
    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body: list[cst.BaseStatement] = []
        for statement in updated_node.body:
            if not (isinstance(statement, cst.FunctionDef) and any(_is_register(d) for d in statement.decorators)):
                body.append(statement)
                continue
            body.append(statement.with_changes(decorators=[]))
            wrapped: cst.BaseExpression = cst.Name(statement.name.value)
            for decorator in reversed(statement.decorators):
                wrapped = cst.Call(func=decorator.decorator, args=[cst.Arg(wrapped)])
            assign = cst.Assign(targets=[cst.AssignTarget(cst.Name(statement.name.value))], value=wrapped)
            body.append(cst.SimpleStatementLine([assign]))
        return updated_node.with_changes(body=body)


def main(paths: list[str]) -> None:
    for path in paths:
        with open(path, encoding="utf-8") as source:
            module = cst.parse_module(source.read())
        with open(path, "w", encoding="utf-8") as target:
            target.write(module.visit(Undecorate()).code)


if __name__ == "__main__":
    main(sys.argv[1:])
