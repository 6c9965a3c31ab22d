"""Plots and loader against small synthetic tables that follow docs/contract.md (no model needed)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

LEADERS = ["stalin", "trotsky", "zinoviev", "kamenev", "bukharin", "rykov", "tomsky"]
SANCTIONS = [
    "censure",
    "post_removal",
    "politburo_removal",
    "cc_removal",
    "party_expulsion",
    "internal_exile",
    "exile_abroad",
    "gs_removal",
]
SESSIONS = [
    ("1924-05-23", "congress", "13th Party Congress"),
    ("1925-04-27", "conference", "14th Party Conference"),
    ("1925-12-18", "congress", "14th Party Congress"),
    ("1926-10-26", "conference", "15th Party Conference"),
    ("1927-12-02", "congress", "15th Party Congress"),
    ("1929-04-23", "conference", "16th Party Conference"),
]
FALL = {  # leader -> (kind, typical date)
    "trotsky": [
        ("politburo_removal", "1926-10-23"),
        ("cc_removal", "1927-10-23"),
        ("party_expulsion", "1927-11-14"),
        ("internal_exile", "1928-01-17"),
        ("exile_abroad", "1929-02-10"),
    ],
    "zinoviev": [
        ("politburo_removal", "1926-07-23"),
        ("cc_removal", "1927-10-23"),
        ("party_expulsion", "1927-11-14"),
    ],
    "kamenev": [
        ("politburo_removal", "1926-01-01"),
        ("cc_removal", "1927-10-23"),
        ("party_expulsion", "1927-12-18"),
    ],
    "bukharin": [("post_removal", "1929-04-23"), ("politburo_removal", "1929-11-17")],
}


def make_run(out: Path, n: int = 6, seed: int = 1, name: str = "synthetic") -> Path:
    """Write a run directory with n replicates of plausible-looking tables."""
    rng = np.random.default_rng(seed)
    months = pd.date_range("1924-01-01", "1929-12-01", freq="MS")
    ts, ev, votes, summary = [], [], [], []
    for r in range(n):
        shift = lambda d, sd=45: (
            (pd.Timestamp(d) + pd.Timedelta(days=int(rng.normal(0, sd)))).date().isoformat()
        )  # noqa: E731
        ev.append(dict(replicate=r, date="1924-01-21", kind="lenin_death", actor="", body="", detail=""))
        ev.append(
            dict(replicate=r, date="1924-01-27", kind="funeral", actor="", body="", detail="Trotsky absent")
        )
        ev.append(
            dict(replicate=r, date="1924-02-01", kind="lenin_enrolment_start", actor="", body="", detail="")
        )
        ev.append(
            dict(replicate=r, date="1924-05-01", kind="lenin_enrolment_end", actor="", body="", detail="")
        )
        ev.append(
            dict(replicate=r, date="1924-05-22", kind="testament_handled", actor="", body="", detail="")
        )
        if r % 2 == 0:
            ev.append(
                dict(replicate=r, date=shift("1927-06-01"), kind="war_scare", actor="", body="", detail="")
            )
        for d, kind, body in SESSIONS:
            ev.append(dict(replicate=r, date=d, kind=kind, actor="", body=body, detail=""))
            f = int(rng.integers(600, 900))
            a = int(rng.integers(10, 200))
            votes.append(
                dict(
                    replicate=r,
                    date=d,
                    body=body,
                    motion="leadership line",
                    **{"for": f},
                    against=a,
                    abstain=int(rng.integers(0, 30)),
                    voting_delegates=f + a + 30,
                )
            )
        votes.append(
            dict(
                replicate=r,
                date=shift("1926-10-23"),
                body="CC plenum",
                motion="politburo_removal: trotsky",
                **{"for": 150},
                against=30,
                abstain=5,
                voting_delegates=185,
            )
        )
        first = {}
        for leader, steps in FALL.items():
            for kind, d in steps:
                if rng.random() < 0.85:
                    date = shift(d)
                    first[f"{leader}__{kind}"] = date
                    ev.append(
                        dict(replicate=r, date=date, kind=kind, actor=leader, body="CC plenum", detail="")
                    )
        ev.append(
            dict(
                replicate=r,
                date=shift("1924-02-15", 10),
                kind="alliance_formed",
                actor="kamenev+stalin+zinoviev",
                body="",
                detail="",
            )
        )
        ev.append(
            dict(
                replicate=r,
                date=shift("1925-10-01"),
                kind="alliance_dissolved",
                actor="kamenev+stalin+zinoviev",
                body="",
                detail="",
            )
        )
        ev.append(
            dict(
                replicate=r,
                date=shift("1925-10-15"),
                kind="alliance_formed",
                actor="bukharin+stalin",
                body="",
                detail="",
            )
        )
        if r % 3:
            ev.append(
                dict(
                    replicate=r,
                    date=shift("1926-04-01"),
                    kind="alliance_formed",
                    actor="kamenev+trotsky+zinoviev",
                    body="",
                    detail="United Opposition",
                )
            )
            ev.append(
                dict(
                    replicate=r,
                    date=shift("1926-04-20"),
                    kind="mobilisation",
                    actor="trotsky",
                    body="",
                    detail="",
                )
            )
        winner = "stalin" if r % 5 else "none"
        cons = shift("1929-06-01") if winner == "stalin" else ""
        if cons:
            ev.append(dict(replicate=r, date=cons, kind="consolidation", actor="stalin", body="", detail=""))
        w = rng.dirichlet(np.ones(len(LEADERS)) * 4, size=len(months))
        w[:, 0] = np.linspace(0.15, 0.6, len(months)) + rng.normal(0, 0.02, len(months))
        w = np.clip(w, 0.001, None)
        w = w / w.sum(axis=1, keepdims=True)
        for i, m in enumerate(months):
            for j, leader in enumerate(LEADERS):
                ts.append(
                    dict(
                        replicate=r,
                        date=m.date().isoformat(),
                        leader=leader,
                        support=round(w[i, j], 4),
                        pb_seat=2,
                        cc_share=round(w[i, j], 3),
                        rung=0,
                        legitimacy=0.5,
                        standing=0.5,
                        camp=leader,
                    )
                )
        row = dict(replicate=r, seed=1000 + r, winner=winner, consolidation_date=cons)
        for leader in LEADERS:
            row[f"support_final_{leader}"] = round(w[-1, LEADERS.index(leader)], 4)
            for kind in SANCTIONS:
                row[f"{leader}__{kind}"] = first.get(f"{leader}__{kind}", "")
        row["line_for_share_mean"] = 0.8
        row["gs_holder_final"] = "stalin"
        summary.append(row)
    out.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(summary).to_csv(out / "summary.csv", index=False)
    pd.DataFrame(ev).sort_values(["replicate", "date"]).to_csv(out / "events.csv", index=False)
    pd.DataFrame(votes).to_csv(out / "votes.csv", index=False)
    pd.DataFrame(ts).to_csv(out / "timeseries.csv", index=False)
    manifest = dict(
        kind="run",
        scenario_name=name,
        replicates=n,
        master_seed=seed,
        seeds=list(range(n)),
        start="1924-01-01",
        end="1929-12-31",
        step="month",
        leaders=LEADERS,
    )
    (out / "manifest.json").write_text(json.dumps(manifest))
    return out
