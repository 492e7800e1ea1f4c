"""Rule documentation rendered from the registry: the table, one rule, docs/rules.md."""

from __future__ import annotations

from psa_config.rules.registry import Rule, all_rules

HEADER = """# psa-config rules

Generated from the rule registry by `psa-config rules --markdown`; do not edit by hand.
Suppress a diagnostic on one line with `# psa-config: ignore[CODE]` (or the rule's name) at the end of that line.

| code | name | severity | summary |
|---|---|---|---|
"""


def rule_table(rules: list[Rule]) -> str:
    width = max(len(rule.name) for rule in rules)
    lines = [f"{rule.code}  {rule.name:<{width}}  {rule.severity.value:<7}  {rule.summary}" for rule in rules]
    return "\n".join(lines) + "\n"


def explain(rule: Rule) -> str:
    return (
        f"{rule.code} {rule.name} ({rule.severity.value})\n\n{rule.summary}\n\n{rule.explanation}\n\n"
        f"Bad:\n{_indent(rule.bad_example)}\n\nGood:\n{_indent(rule.good_example)}\n\nFix: {rule.fix}\n"
    )


def rules_markdown() -> str:
    rules = all_rules()
    table = "".join(
        f"| [{r.code}](#{r.anchor}) | `{r.name}` | {r.severity.value} | {r.summary} |\n" for r in rules
    )
    return HEADER + table + "".join(_markdown_section(rule) for rule in rules)


def _markdown_section(rule: Rule) -> str:
    return (
        f"\n## {rule.code} {rule.name}\n\n**{rule.severity.value}**: {rule.summary}\n\n{rule.explanation}\n\n"
        f"Bad:\n\n```yaml\n{rule.bad_example}\n```\n\nGood:\n\n```yaml\n{rule.good_example}\n```\n\n"
        f"Fix: {rule.fix}.\n"
    )


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())
