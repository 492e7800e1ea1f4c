"""Rules about ``mask_ratios``: level keys, ranges and how they chain."""

from __future__ import annotations

from collections.abc import Iterator

from psa_config.diagnostics import Diagnostic, Severity
from psa_config.rules.context import CheckContext, LevelRange, PresetView, WalkedLevel
from psa_config.rules.registry import declare, register

TOLERANCE = 1e-9
NEW_MASK_ORDER = (1, 2, 4, 8, 0)

declare(
    "PSA201",
    "invalid-level-key",
    Severity.ERROR,
    summary="A `mask_ratios` key that is not a pyramid level.",
    explanation="""
Levels are 1 (full resolution), 2, 4, 8 (keys and values mean-pooled by that
factor) and 0 (skipped). Other keys are silently dropped or misread by the
runtime's kernels (values other than 0/1/2/4/8 are skipped).
""",
    bad="""
      mask_ratios:
        1: [0.0, 0.4]
        3: [0.4, 1.0]
""",
    good="""
      mask_ratios:
        1: [0.0, 0.4]
        4: [0.4, 1.0]
""",
    fix="use one of the levels 1, 2, 4, 8, 0",
)

@register(
    "PSA202",
    "invalid-ratio-range",
    Severity.ERROR,
    summary="A level's range is not two numbers 0 <= start <= end <= 1.",
    explanation="""
Each level maps to `[start, end]`, two numbers with `0 <= start <= end <= 1`:
a share of the key blocks (topk) or of the cumulative importance
(thresholdbound). The runtime never reads `start`: a reversed range
(`end < start`) gives the level the ranks from the previous level's end up to
its own end, which is usually none.
""",
    bad="""
        2: [0.5, 0.4]
""",
    good="""
        2: [0.4, 0.5]
""",
    fix="write [start, end] with 0 <= start <= end <= 1",
)
def check_reversed_ranges(ctx: CheckContext) -> Iterator[Diagnostic]:
    for preset in ctx.psa_presets():
        for level_range in preset.level_ranges() or []:
            if level_range.end < level_range.start and 0.0 <= level_range.end and level_range.start <= 1.0:
                step = _walked(preset, level_range)
                runs = "nothing" if step.share <= TOLERANCE else f"[{step.begins:g}, {step.ends:g}]"
                yield preset.diagnostic(
                    "invalid-ratio-range", ("mask_ratios", level_range.level),
                    f"mask_ratios level {level_range.level}: [{level_range.start:g}, {level_range.end:g}] ends before "
                    f"it starts; the runtime ignores start and gives the level {runs}",
                    fix=f"write `{level_range.level}: [{level_range.end:g}, {level_range.start:g}]` if the bounds are swapped",
                )



@register(
    "PSA203",
    "ratio-gap-or-overlap",
    Severity.ERROR,
    summary="A level's range does not start where the previous one ended.",
    explanation="""
The runtime never reads `start`: each level's interval begins where the
previous level ended, in the order it walks them (as listed for topk, by
`end` for thresholdbound). A gap or an overlap is therefore silently re-read,
so the preset does not run the shares it shows. Ranges must chain in the
order listed: each start equals the previous end.
""",
    bad="""
      mask_ratios:
        1: [0.0, 0.4]
        2: [0.5, 0.6]
""",
    good="""
      mask_ratios:
        1: [0.0, 0.4]
        2: [0.4, 0.6]
""",
    fix="make each start equal the previous level's end",
)
def check_chain(ctx: CheckContext) -> Iterator[Diagnostic]:
    for preset in ctx.psa_presets():
        ranges = preset.level_ranges() or []
        for previous, current in zip(ranges, ranges[1:]):
            if current.index != previous.index + 1 or _close(current.start, previous.end):
                continue
            yield _chain_break(preset, previous, current)


def _chain_break(preset: PresetView, previous: LevelRange, current: LevelRange) -> Diagnostic:
    step = _walked(preset, current)
    runs = f"[{step.begins:g}, {step.ends:g}]"
    if current.end < previous.end:
        if preset.mask_mode == "thresholdbound":
            effect = (f"thresholdbound walks them by their end, so the runtime runs level {current.level} "
                      f"before level {previous.level}, over {runs}")
        elif step.share <= TOLERANCE:
            effect = f"topk walks them as listed, so level {current.level} gets no blocks"
        else:
            effect = f"topk walks them as listed, so level {current.level} only gets {runs}"
        return preset.diagnostic(
            "ratio-gap-or-overlap",
            ("mask_ratios", current.level),
            f"level {current.level} ends at {current.end:g}, before level {previous.level} (listed earlier) "
            f"ends at {previous.end:g}: the levels are listed out of order; {effect}",
            fix="list the levels in the order of their ranges",
        )
    kind = "a gap" if current.start > previous.end else "an overlap"
    return preset.diagnostic(
        "ratio-gap-or-overlap",
        ("mask_ratios", current.level),
        f"level {current.level} starts at {current.start:g} but level {previous.level} ends at "
        f"{previous.end:g} ({kind}); the runtime ignores start and runs {runs}",
        fix=_chain_fix(previous, current, step),
    )


def _chain_fix(previous: LevelRange, current: LevelRange, step: WalkedLevel) -> str:
    """Rewrite the level to run what it says, unless that is what it already says (then the previous level is off)."""
    if _close(step.begins, current.start):
        return f"end level {previous.level}'s range at {current.start:g}, where level {current.level} starts"
    return f"write `{current.level}: [{step.begins:g}, {current.end:g}]`"


def _walked(preset: PresetView, listed: LevelRange) -> WalkedLevel:
    return next(step for step in preset.walk() if step.index == listed.index)


@register(
    "PSA204",
    "ratios-not-covering",
    Severity.ERROR,
    summary="The first range does not start at 0 or the last does not end at 1.",
    explanation="""
The ranges, chained in the order listed, must cover [0, 1]: the first starts
at 0 and the last ends at 1. A first range starting elsewhere means the
levels are listed out of order (`0: [0.8, 1.0]` listed first takes every rank
in topk: new_mask_type runs fully dense, old_mask_type outputs zeros); a last
range ending before 1 leaves ranks to an unintended level.
""",
    bad="""
      mask_ratios:
        0: [0.8, 1.0]
        1: [0.0, 0.4]
""",
    good="""
      mask_ratios:
        1: [0.0, 0.4]
        0: [0.4, 1.0]
""",
    fix="list the levels in the order of their ranges, from 0 to 1",
)
def check_coverage(ctx: CheckContext) -> Iterator[Diagnostic]:
    for preset in ctx.psa_presets():
        ranges = preset.level_ranges()
        if ranges is None:
            continue
        if preset.ratio_count() == 0:
            yield preset.diagnostic(
                "ratios-not-covering", ("mask_ratios",),
                "mask_ratios is empty: new_mask_type attends only key block 0 and old_mask_type outputs zeros; "
                "list the levels 1, 2, 4, 8, 0 with ranges from 0 to 1",
            )
            continue
        yield from _first_and_last(preset, ranges)


def _first_and_last(preset: PresetView, ranges: list[LevelRange]) -> Iterator[Diagnostic]:
    first, last = (ranges[0], ranges[-1]) if ranges else (None, None)
    if first is not None and first.index == 0 and not _close(first.start, 0.0):
        step = _walked(preset, first)
        yield preset.diagnostic(
            "ratios-not-covering",
            ("mask_ratios", first.level),
            f"the first listed level ({first.level}) starts at {first.start:g}, not 0; "
            f"the runtime ignores start and runs it over [{step.begins:g}, {step.ends:g}]",
            fix="list the levels in the order of their ranges, the one starting at 0 first",
        )
    if last is not None and last.index == preset.ratio_count() - 1 and 0.0 <= last.end < 1.0 - TOLERANCE:
        yield preset.diagnostic(
            "ratios-not-covering",
            ("mask_ratios", last.level),
            f"the last listed level ({last.level}) ends at {last.end:g}, not 1; {_past_the_end(preset, ranges)}",
            fix=f"end the last range at 1: `{last.level}: [{last.start:g}, 1.0]`",
        )


def _past_the_end(preset: PresetView, ranges: list[LevelRange]) -> str:
    reach = max((step.ends for step in preset.walk()), default=0.0)
    if reach < 1.0 - TOLERANCE:
        return f"no level reaches past {reach:g}, so the rest is skipped"
    widest = max(ranges, key=lambda r: r.end)
    return f"level {widest.level}, listed earlier, ends at {widest.end:g}: the levels are out of order"


@register(
    "PSA205",
    "new-mask-level-order",
    Severity.ERROR,
    summary="new_mask_type needs the levels exactly 1, 2, 4, 8, 0 in this order.",
    explanation="""
The new_mask_type kernel receives per query block a list of key blocks in
segments separated by -1, and gives segment p the level 2^p (p = 0..3),
whatever the keys of `mask_ratios` were. A missing level shifts the segments
(the guide's own `{1, 2, 4, 0}` runs the "skip" range at 8x pooling and can
read a separator as block -1: NaN output); a different order mislabels them.
Only a missing trailing `0` leaves every level as written (the ranks past the
last level are skipped anyway); the message says which levels run as what.
An unused level is written as an empty range, e.g. `4: [0.6, 0.6]`.
""",
    bad="""
      attn_impl: new_mask_type
      mask_ratios:
        1: [0.0, 0.5]
        2: [0.5, 0.7]
        4: [0.7, 0.9]
        0: [0.9, 1.0]
""",
    good="""
      attn_impl: new_mask_type
      mask_ratios:
        1: [0.0, 0.5]
        2: [0.5, 0.7]
        4: [0.7, 0.9]
        8: [0.9, 0.9]
        0: [0.9, 1.0]
""",
    fix="list the levels 1, 2, 4, 8, 0 in this order; give an unused level an empty range",
)
def check_new_mask_order(ctx: CheckContext) -> Iterator[Diagnostic]:
    for preset in ctx.psa_presets():
        ratios = preset.get("mask_ratios")
        if preset.attn_impl != "new_mask_type" or not isinstance(ratios, dict) or not ratios:
            continue  # an empty mask_ratios is ratios-not-covering's
        keys = [level for level in map(_runtime_level, ratios) if level is not None]
        if tuple(keys) == NEW_MASK_ORDER:
            continue
        yield preset.diagnostic(
            "new-mask-level-order",
            ("mask_ratios",),
            _order_message(keys, _segment_effects(preset)),
            fix=_order_fix(preset),
            at="key",
        )


def _order_message(keys: list[int], effects: list[str] | None) -> str:
    missing = [level for level in NEW_MASK_ORDER if level not in keys]
    listed = ", ".join(str(k) for k in keys) or "none"
    wanted = (f"new_mask_type needs the levels 1, 2, 4, 8, 0 in this order (listed: {listed}"
              + (f"; missing: {', '.join(map(str, missing))})" if missing else ")"))
    if effects is None:
        return f"{wanted}: the kernel labels segments by position (1, 2, 4, 8, then skip), not by key"
    if not effects:
        return (f"{wanted}; the kernel labels segments by position (1, 2, 4, 8, then skip), which happens to "
                "match every non-empty level here, so it runs as written")
    return (f"{wanted}: the kernel labels segments by position (1, 2, 4, 8, then skip), not by key, so "
            + "; ".join(effects))


def _segment_effects(preset: PresetView) -> list[str] | None:
    """What the kernel runs each mislabelled non-empty level as; None when the walk cannot be known."""
    if not preset.ratios_are_clean() or len(preset.level_ranges() or []) != preset.ratio_count():
        return None
    return [effect for step in preset.walk() if (effect := _segment_effect(step)) is not None]


def _segment_effect(step: WalkedLevel) -> str | None:
    runs = 2 ** step.position if step.position < 4 else 0
    if step.share <= TOLERANCE or runs == step.level:
        return None
    return f"level {step.level}'s blocks {_run_as(runs)}" + (" instead of being skipped" if step.level == 0 else "")


def _run_as(level: int) -> str:
    if level == 0:
        return "are skipped (past the fourth separator)"
    return "run at full resolution" if level == 1 else f"run at {level}x pooling"


def _order_fix(preset: PresetView) -> str:
    ranges = {r.level: r for r in preset.level_ranges() or []}
    if not ranges or not preset.ratios_are_clean():
        return "list the levels 1, 2, 4, 8, 0 in this order"
    parts = []
    cursor = 0.0
    for level in NEW_MASK_ORDER:  # each level keeps its share, chained in the kernel's order
        share = ranges[level].end - ranges[level].start if level in ranges else 0.0
        end = round(cursor + share, 6)
        parts.append(f"{level}: [{cursor:g}, {end:g}]")
        cursor = end
    return "write " + ", ".join(parts)


def _runtime_level(key: object) -> int | None:
    """The level the runtime reads for a key (it applies int() to every key), if a valid one."""
    if isinstance(key, bool):
        return None
    if isinstance(key, str):
        try:
            key = int(key)
        except ValueError:  # the runtime's int() fails too ("--1", "²")
            return None
    return key if isinstance(key, int) and key in NEW_MASK_ORDER else None


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE
