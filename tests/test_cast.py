"""The principal and his rival come from the scenario: the first office's holder, the first other leader."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cast import principal, rival
from sim.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


@pytest.mark.parametrize(
    ("stem", "first", "second"),
    [
        ("historical", "stalin", "trotsky"),
        ("trotsky_general_secretary", "trotsky", "stalin"),
        ("succession_1953", "khrushchev", "malenkov"),
        ("succession_1953_malenkov_keeps_secretariat", "malenkov", "beria"),
    ],
)
def test_principal_and_rival_of_each_case(stem: str, first: str, second: str) -> None:
    leaders = load_scenario(SCENARIOS / f"{stem}.toml").config.leaders
    assert (principal(leaders), rival(leaders)) == (first, second)


def test_a_manifests_dicts_and_plain_names_give_the_same_answer() -> None:
    cast = {"malenkov": {"posts": ["council_of_ministers"]}, "khrushchev": {"posts": ["general_secretary"]}}
    assert (principal(cast), rival(cast)) == ("khrushchev", "malenkov")
    # plain names have no posts: the first listed, then the second
    assert (principal(["malenkov", "khrushchev"]), rival(iter(["malenkov", "khrushchev"]))) == (
        "malenkov",
        "khrushchev",
    )
    assert principal([]) is None and rival(["malenkov"]) is None
