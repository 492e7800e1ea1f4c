"""``psa-config rules [CODE]``: list the rules, or explain one."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "rules", help="list the rules, or explain one", description="List every rule, or explain one with an example and its fix."
    )
    parser.add_argument("rule", nargs="?", metavar="CODE", help="a rule code (PSA203) or name (ratio-gap-or-overlap)")
    parser.add_argument("--markdown", action="store_true", help="print docs/rules.md (the generated rule reference)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from psa_config.rules.docs import explain, rule_table, rules_markdown
    from psa_config.rules.registry import all_rules, get_rule

    if args.markdown:
        sys.stdout.write(rules_markdown())
        return 0
    if args.rule is None:
        sys.stdout.write(rule_table(all_rules()))
        return 0
    rule = get_rule(args.rule)
    if rule is None:
        print(f"psa-config rules: error: unknown rule {args.rule!r} (see `psa-config rules`)", file=sys.stderr)
        return 2
    sys.stdout.write(explain(rule))
    return 0
