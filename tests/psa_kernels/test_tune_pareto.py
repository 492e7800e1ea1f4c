"""The feasible Pareto front: nothing on it is dominated, everything off it is, the chosen point is the best."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from psa_kernels.tune.measure import Measurement, SampleMeasurement
from psa_kernels.tune.pareto import Point, pareto_front
from psa_kernels.tune.space import Candidate

METRIC, BUDGET = "rel-l2", 0.3


def point(number: int, density: float, errors: list[float]) -> Point:
    samples = tuple(SampleMeasurement(f"s{i}", density, e, 1.0 - e, 1.0, 1.0, 2.0) for i, e in enumerate(errors))
    return Point(number, Candidate("topk", 128, (round(density, 2), 0.5, 0.6, 0.7)), Measurement(samples))


points_strategy = st.lists(
    st.tuples(st.floats(0.01, 1.0), st.lists(st.floats(0.0, 0.6), min_size=1, max_size=3)), max_size=12
).map(lambda rows: [point(i, d, e) for i, (d, e) in enumerate(rows)])


def dominates(a: Point, b: Point) -> bool:
    ad, bd, aw, bw = a.measurement.density, b.measurement.density, a.worst(METRIC), b.worst(METRIC)
    return ad <= bd and aw <= bw and (ad < bd or aw < bw)


def representatives(points: list[Point]) -> list[Point]:
    """Each preset's best feasible trial (sparsest, then lowest error, then earliest): what the front is made of."""
    best: dict[Candidate, Point] = {}
    for p in points:
        if p.worst(METRIC) <= BUDGET:
            key = (p.measurement.density, p.worst(METRIC), p.number)
            kept = best.get(p.candidate)
            if kept is None or key < (kept.measurement.density, kept.worst(METRIC), kept.number):
                best[p.candidate] = p
    return list(best.values())


@given(points_strategy)
def test_front_is_the_non_dominated_feasible_set(points: list[Point]) -> None:
    front = pareto_front(points, "density", METRIC, BUDGET)
    shown = representatives(points)
    assert all(p.worst(METRIC) <= BUDGET for p in front.front)
    assert len({o.candidate for o in front.front}) == len(front.front)
    assert sorted(p.number for p in front.front) == sorted(
        p.number for p in shown if not any(dominates(o, p) for o in shown))
    assert [p.measurement.density for p in front.front] == sorted(p.measurement.density for p in front.front)
    feasible = [p for p in points if p.worst(METRIC) <= BUDGET]
    if feasible:
        assert front.chosen is not None and front.chosen is front.front[0]
        assert front.chosen.measurement.density == min(p.measurement.density for p in feasible)
    else:
        assert front.chosen is None and front.front == []


def test_a_resampled_preset_shows_its_best_ranked_measurement() -> None:
    # Trials 0 and 1 are the same candidate (densities round to 0.01); the later one is sparser.
    first, later, other = point(0, 0.0117, [0.0]), point(1, 0.01, [0.25]), point(2, 0.5, [0.1])
    front = pareto_front([first, later, other], "density", METRIC, BUDGET)
    assert first.candidate == later.candidate
    # the hidden trial 0 would dominate `other`; hidden, it pushes nothing off the front
    assert front.chosen is later and front.front == [later, other]


def test_densities_too_close_for_one_minus_density_still_rank() -> None:
    sparser, denser = point(0, 0.01, [0.2]), point(1, 0.01 + 1e-18, [0.1])
    denser = Point(1, Candidate("topk", 64, (0.01, 0.5, 0.6, 0.7)), denser.measurement)
    assert sparser.value("density") == denser.value("density")  # why ranking does not use value()
    front = pareto_front([denser, sparser], "density", METRIC, BUDGET)
    assert front.chosen is sparser and front.front == [sparser, denser]


def test_worst_sample_decides_feasibility() -> None:
    inside, outside = point(0, 0.2, [0.1, 0.29]), point(1, 0.1, [0.05, 0.31])  # mean of `outside` is lower
    front = pareto_front([inside, outside], "density", METRIC, BUDGET)
    assert front.chosen is inside and front.front == [inside]


def test_cosine_metric_is_one_minus_cosine() -> None:
    p = point(0, 0.5, [0.2])
    assert abs(p.worst("cosine") - 0.2) < 1e-12  # the helper sets cosine = 1 - error
    assert p.worst("rel-l2") == 0.2
