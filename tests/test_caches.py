"""The model's caches follow the state they summarise: a structural change or a moved delegate shows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.mechanisms import choice
from sim.model.core import PowerStruggleModel
from sim.model.leaders import RUNG
from sim.model.politics import camps, ruling_camp

HISTORICAL = str(Path(__file__).resolve().parents[1] / "scenarios" / "historical.toml")


def _model() -> PowerStruggleModel:
    model = PowerStruggleModel(scenario=HISTORICAL, overrides={"party.scale": 0.04}, rng=11)
    model.step()
    return model


def test_expelling_a_leader_drops_him_from_the_camps_and_the_choice_set() -> None:
    model = _model()
    k = model.leader_index["trotsky"]
    assert any(k in c for c in camps(model))
    assert choice.eligible_mask(model)[k]
    model.leaders[k].rung = RUNG["party_expulsion"]
    assert not any(k in c for c in camps(model))
    assert not choice.eligible_mask(model)[k]
    assert (choice.choice_shares(model)[:, :, k] == 0).all()


def test_a_new_faction_counts_as_opposition_at_once() -> None:
    model = _model()
    k = model.leader_index["trotsky"]
    model.leaders[k].declared_opposition = False
    model.leaders[k].mobilised = False
    assert k not in model.ruling  # the Troika rules in January 1924
    calm = choice.danger(model)[k]
    model.leaders[k].mobilised = True
    assert choice.danger(model)[k] > calm  # following an open faction is dangerous at once


def test_support_and_ruling_follow_the_following_and_the_cc() -> None:
    model = _model()
    stalin = model.leader_index["stalin"]
    zinoviev = model.leader_index["zinoviev"]
    for c in list(model.coalitions):
        model.coalitions.end(c, "test")
    shares = np.zeros(len(model.leaders))
    shares[zinoviev] = 1.0
    model.central_committee.seat(np.full(40, -1), np.full(40, stalin))  # a CC elected for Stalin
    model.set_support(shares)
    assert model.support[zinoviev] == 1.0
    assert stalin in ruling_camp(model)  # the CC's majority leads, not the widest following
    model.central_committee.seat(np.full(40, zinoviev), np.full(40, zinoviev))
    model.refresh_support()
    assert zinoviev in model.ruling
    assert np.isclose(model.support.sum(), 1.0)


def _golden() -> object:
    import importlib.util

    path = Path(__file__).parent / "golden" / "regenerate.py"
    spec = importlib.util.spec_from_file_location("golden_regenerate", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


golden = _golden()


@pytest.mark.parametrize("scenario", golden.scenarios(), ids=lambda p: p.stem)
def test_caching_off_gives_the_same_tables_byte_for_byte(
    scenario: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With POWERSTRUGGLE_NO_CACHE=1 every cached query is recomputed; the tables must not change.

    The golden tables are the cached run's (tests/test_golden.py), so equality with them is equality
    of caching on and off; the manifest says which it was.
    """
    import json

    monkeypatch.setenv("POWERSTRUGGLE_NO_CACHE", "1")
    out = tmp_path / "nocache"
    golden.run_into(scenario, out)
    for table in golden.TABLES:
        want = (golden.GOLDEN / scenario.stem / table).read_bytes()
        assert (out / table).read_bytes() == want, f"{scenario.stem}/{table} differs with caching off"
    assert json.loads((out / "manifest.json").read_text())["cache"] is False


def test_the_manifest_records_caching_on_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    from sim.run.api import run_scenario

    monkeypatch.delenv("POWERSTRUGGLE_NO_CACHE", raising=False)
    assert (
        run_scenario(HISTORICAL, replicates=1, seed=1, overrides={"party.scale": 0.02}).manifest["cache"]
        is True
    )


def test_a_cache_with_caching_off_recomputes_every_query() -> None:
    from sim.model.cache import StateCache

    calls = []
    for enabled, expected in ((True, 1), (False, 3)):
        cache, calls[:] = StateCache(enabled), []
        for _ in range(3):
            cache.by_structure("q", calls.append, 1)
        assert len(calls) == expected
    cache = StateCache(True)
    cache.by_support("q", calls.append, 1)
    cache.structure_changed()  # a structural change forgets the support-keyed queries too
    n = len(calls)
    cache.by_support("q", calls.append, 1)
    assert len(calls) == n + 1
