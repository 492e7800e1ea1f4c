"""Diagnostics the reporter tests share: a factory and a hypothesis strategy."""

from __future__ import annotations

from hypothesis import strategies as st

from psa_config.diagnostics import Diagnostic, Severity


def make(
    path: str = "configs/attention_config.yaml",
    line: int = 3,
    column: int = 7,
    severity: Severity = Severity.ERROR,
    code: str = "PSA102",
    name: str = "wrong-type",
    message: str = "expected an int",
    fix: str | None = None,
) -> Diagnostic:
    return Diagnostic(path, line, column, severity, code, name, message, "Wan2.1_14b", "psa_balanced", "block_size.n", fix)


diagnostics_strategy = st.lists(
    st.builds(
        make,
        path=st.text(min_size=1, max_size=30).filter(lambda p: p.splitlines() == [p]),
        line=st.integers(1, 10_000),
        column=st.integers(1, 500),
        severity=st.sampled_from(list(Severity)),
        code=st.from_regex(r"PSA[0-9]{3}", fullmatch=True),
        name=st.from_regex(r"[a-z]+(-[a-z]+){0,3}", fullmatch=True),
        message=st.text(max_size=80),
        fix=st.none() | st.text(max_size=30),
    ),
    max_size=8,
)
