"""PowerStruggleModel is an ordinary mesa.Model: batch_run and the DataCollector work with it."""

from __future__ import annotations

from pathlib import Path

import mesa

from sim.model.core import PowerStruggleModel

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = str(ROOT / "scenarios" / "historical.toml")


def test_is_a_mesa_model_with_a_datacollector() -> None:
    model = PowerStruggleModel(scenario=HISTORICAL, overrides={"party.scale": 0.02}, rng=3)
    assert isinstance(model, mesa.Model)
    assert isinstance(model.datacollector, mesa.DataCollector)
    model.step()
    model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) >= 2
    assert "date" in frame.columns


def test_batch_run() -> None:
    # mesa.batch_run forces the spawn start method when called: import it here and restore the method after
    import multiprocessing

    from mesa.batchrunner import batch_run

    previous = multiprocessing.get_start_method(allow_none=True)
    try:
        rows = batch_run(
            PowerStruggleModel,
            parameters={"scenario": HISTORICAL, "overrides": [{"party.scale": 0.02}, {"party.scale": 0.03}]},
            rng=[1, 2],
            number_processes=1,
            max_steps=200,
            display_progress=False,
        )
    finally:
        multiprocessing.set_start_method(previous, force=True)
    assert len(rows) == 4  # 2 overrides x 2 seeds, one row each at the end (data_collection_period=-1)
    assert {str(r["overrides"]) for r in rows} == {"{'party.scale': 0.02}", "{'party.scale': 0.03}"}
    assert {r["rng"] for r in rows} == {1, 2}
    assert all(r["scenario"] == HISTORICAL for r in rows)
    assert all("date" in r and "leader_state" in r for r in rows)


def test_same_rng_same_path() -> None:
    a = PowerStruggleModel(scenario=HISTORICAL, overrides={"party.scale": 0.02}, rng=5)
    b = PowerStruggleModel(scenario=HISTORICAL, overrides={"party.scale": 0.02}, rng=5)
    for _ in range(12):
        a.step()
        b.step()
    assert a.datacollector.model_vars["leader_state"] == b.datacollector.model_vars["leader_state"]


def test_the_party_apparatus_is_mesa_agents() -> None:
    from sim.model.leaders import Leader
    from sim.model.members import PolitburoMember
    from sim.model.party import ProvincialSecretary

    model = PowerStruggleModel(scenario=HISTORICAL, overrides={"party.scale": 0.03}, rng=4)
    model.step()
    members = len(model.politburo.members)
    assert members == 7  # Molotov, Kalinin, Rudzutak, Voroshilov, Kuibyshev, Kirov, Kaganovich
    secretaries = len(model.party.apparatus.secretaries)
    assert secretaries == 90  # Leningrad, Moscow, Ukraine, the army and 86 provinces
    assert len(model.agents) == len(model.leaders) + members + secretaries
    assert model.agent_types == [Leader, PolitburoMember, ProvincialSecretary]
    placed = model.agents_by_type[ProvincialSecretary]
    assert {a.organisation for a in placed} == set(range(secretaries))
    assert len({a.unique_id for a in model.agents}) == 7 + members + secretaries


def test_datacollector_agent_reporters_see_every_secretary() -> None:
    model = PowerStruggleModel(scenario=HISTORICAL, overrides={"party.scale": 0.02}, rng=4)
    collector = mesa.DataCollector(agent_reporters={"patron": lambda a: getattr(a, "patron_name", None)})
    collector.collect(model)
    frame = collector.get_agent_vars_dataframe()
    assert frame["patron"].notna().sum() == 90
