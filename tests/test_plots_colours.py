"""One colour per leader in every figure, derived from the scenario's cast, read off the figure objects."""

from __future__ import annotations

import itertools

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.plots import style
from sim.plots.draw import comparison_figures, run_figures
from sim.plots.load import ComparisonData, RunData, normalise

CAST_1953 = [
    "khrushchev",
    "malenkov",
    "beria",
    "molotov",
    "kaganovich",
    "bulganin",
    "mikoyan",
    "voroshilov",
    "zhukov",
]
SESSIONS = [
    ("1954-03-01", "congress", "20th Party Congress"),
    ("1956-02-14", "congress", "21st Party Congress"),
]


def synthetic_run(cast: list[str], n: int = 8, seed: int = 1, name: str = "succession_1953") -> RunData:
    """A run of `cast` with every table a run figure reads, its leaders named in the manifest."""
    rng = np.random.default_rng(seed)
    months = pd.date_range("1953-03-01", "1958-12-01", freq="MS")
    summary, events, votes, ts, party, delegations = [], [], [], [], [], []
    for r in range(n):
        for date, kind, body in SESSIONS:
            events.append(dict(replicate=r, date=date, kind=kind, actor="", body=body, detail=""))
            votes.append(
                {"replicate": r, "date": date, "body": body, "motion": "leadership line", "for": 900,
                 "against": int(rng.integers(5, 80)), "abstain": 10, "voting_delegates": 1000}
            )  # fmt: skip
            for k, patron in enumerate([*cast[:4], ""]):
                delegations.append(
                    {"replicate": r, "date": date, "body": body, "organisation": f"org{k}", "patron": patron,
                     "delegates": 100 + 10 * k, "for": 90, "against": 10 + k}
                )  # fmt: skip
        winner = cast[r % 2]
        for date, kind, actor in (
            ("1953-06-26", "politburo_removal", "beria"),
            ("1955-02-08", "gs_removal", "malenkov"),
            ("1953-04-01", "alliance_formed", "+".join(sorted(cast[r % 3 : r % 3 + 2]))),
            ("1957-06-01", "alliance_formed", "bulganin+molotov+zhukov"),
            ("1958-03-27", "consolidation", winner),
        ):
            events.append(dict(replicate=r, date=date, kind=kind, actor=actor, body="", detail=""))
        share = rng.dirichlet(np.ones(len(cast)), size=len(months))
        for i, m in enumerate(months):
            for j, leader in enumerate(cast):
                ts.append(
                    dict(replicate=r, date=m, leader=leader, support=share[i, j], secretary_share=share[i, j])
                )
            party.append(dict(replicate=r, date=m, members=6e6 + 1e4 * i, candidates=4e5))
        row = {"replicate": r, "seed": 100 + r, "winner": winner, "consolidation_date": "1958-03-27",
               "beria__politburo_removal": "1953-06-26", "malenkov__gs_removal": "1955-02-08",
               "molotov__cc_removal": "1957-06-29" if r % 2 else ""}  # fmt: skip
        row |= {f"support_final_{leader}": share[-1, j] for j, leader in enumerate(cast)}
        summary.append(row)
    frames = [pd.DataFrame(x) for x in (summary, events, votes, ts, party, delegations)]
    summary_df, events_df, votes_df, ts_df, party_df, delegations_df = (normalise(f) for f in frames)
    manifest = {"kind": "run", "scenario_name": name, "replicates": n, "master_seed": seed, "leaders": cast}
    return RunData(
        manifest, summary_df, events_df, votes_df, ts_df, party=party_df, delegations=delegations_df
    )


def _hex(colour: object) -> str:
    return mcolors.to_hex(colour)


def leader_colours(fig: Figure, cast: list[str]) -> dict[str, set[str]]:
    """Every colour the figure gives each leader, by name.

    Read from his labelled lines, bars and legend entries, the panel named after him (fates), and his
    dots in the coalition matrix (alliances).
    """
    shown = {style.display_name(n): n for n in cast}
    found: dict[str, set[str]] = {}

    def add(label: str, colour: object) -> None:
        for text, name in shown.items():
            if label in (text, f"{text}'s men", f"P({text} wins)"):
                found.setdefault(name, set()).add(_hex(colour))

    for ax in fig.axes:
        for line in ax.get_lines():
            add(line.get_label(), line.get_color())
        for container in ax.containers:
            add(container.get_label(), container.patches[0].get_facecolor())
        if ax.get_ylabel() in shown:  # a fates panel: its name, and its filled markers
            add(ax.get_ylabel(), ax.yaxis.label.get_color())
            for line in ax.get_lines():
                if line.get_marker() not in ("None", "|", "") and line.get_markerfacecolor() != "white":
                    add(ax.get_ylabel(), line.get_color())
        if ax.get_title() == "members":  # alliances: dot k of a row is the leader of tick k
            names = [t.get_text() for t in ax.get_xticklabels()]
            for line in ax.get_lines():
                if line.get_markersize() > 5:
                    add(names[int(line.get_xdata()[0])], line.get_color())
        legends = [ax.get_legend(), *fig.legends] if ax.get_legend() else list(fig.legends)
        for legend in legends:
            for handle, text in zip(legend.legend_handles, legend.get_texts(), strict=False):
                if hasattr(handle, "get_color"):
                    add(text.get_text(), handle.get_color())
    return found


def test_nine_arbitrary_leaders_get_nine_distinct_colours() -> None:
    names = ["ivanov", "petrov", "sidorov", "a", "b", "c", "Kuznetsov", "smirnov", "popov"]
    palette = style.leader_palette(names)
    assert len({palette[n.lower()] for n in names}) == 9
    assert palette["none"] not in {palette[n.lower()] for n in names}  # "no winner" stays apart
    assert style.leader_palette(names) == palette  # stable: the same cast, the same colours
    big = [f"leader{i}" for i in range(40)]
    assert len(set(style.leader_palette(big).values())) == 41


def test_the_1924_cast_keeps_its_colours_and_a_second_case_gets_distinct_ones() -> None:
    assert style.leader_palette(style.LEADERS) == style.LEADER_COLOURS
    with_newcomer = style.leader_palette(["frunze", *style.LEADERS])
    assert all(with_newcomer[n] == style.LEADER_COLOURS[n] for n in style.LEADERS)
    assert with_newcomer["frunze"] not in style.LEADER_COLOURS.values()
    colours = style.leader_palette(CAST_1953)
    assert len({colours[n] for n in CAST_1953}) == len(CAST_1953)


def test_every_figure_of_a_run_gives_each_leader_the_same_colour() -> None:
    run = synthetic_run(CAST_1953)
    expected = style.leader_palette(CAST_1953)
    figures = run_figures(run)
    seen: dict[str, set[str]] = {}
    per_figure = {}
    for stem, fig in figures.items():
        found = leader_colours(fig, CAST_1953)
        per_figure[stem] = found
        for name, colours in found.items():
            seen.setdefault(name, set()).update(colours)
    leader_figures = {"support_over_time", "institutional_fates", "alliances", "apparatus", "delegations"}
    assert all(per_figure[s] for s in leader_figures), {s: per_figure[s] for s in leader_figures}
    assert {n: c for n, c in seen.items() if len(c) != 1} == {}  # one colour per leader across figures
    assert {n: c.pop() for n, c in seen.items()} == {n: expected[n] for n in seen}
    assert len(seen) >= 7  # nearly the whole cast appears somewhere, so the check is not vacuous


def test_a_comparison_colours_winners_as_its_runs_do() -> None:
    runs = {name: synthetic_run(CAST_1953, seed=i, name=name) for i, name in enumerate(("a", "b"))}
    cmp = ComparisonData({"kind": "comparison", "scenarios": list(runs), "replicates": 8, "master_seed": 0},
                         pd.DataFrame(), runs)  # fmt: skip
    expected = style.leader_palette(CAST_1953)
    figures = comparison_figures(cmp)
    for stem in ("winner_probabilities", "key_dates"):
        found = leader_colours(figures[stem], CAST_1953)
        assert found and all(c == {expected[n]} for n, c in found.items()), (stem, found)
    pairs = itertools.combinations(CAST_1953, 2)
    assert all(expected[a] != expected[b] for a, b in pairs)
