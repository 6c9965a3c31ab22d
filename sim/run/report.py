"""The short text summary printed at the end of `run` and `compare`."""

from __future__ import annotations

import math

import pandas as pd

from sim.run.results import Comparison, Results


def _p(x: float) -> str:
    return "  nan" if math.isnan(x) else f"{x:.2f}"


def _ci(lo: float, hi: float) -> str:
    return f"[{_p(lo)}, {_p(hi)}]"


def _d(x: float) -> str:
    return "   nan" if math.isnan(x) else f"{x:+.2f}"


def _pct(k: int, n: int) -> str:
    if not n:
        return "-"
    if 0 < k and 100 * k / n < 0.5:
        return "<1%"
    return f"{100 * k / n:.0f}%"


def _posterior_line(manifest: dict) -> list[str]:
    """Under a posterior, say so: its directory and how many calibrated parameters it holds."""
    posterior = manifest.get("posterior")
    if not posterior:
        return []
    count = len(posterior["parameters"])
    return [f"under the posterior of {posterior['path']} ({count} calibrated parameters, in summary.csv)"]


def run_report(res: Results, out_dir: object = None) -> str:
    """P(each winner) with its 95% Wilson interval; median and 10-90% dates of each sanction per leader."""
    m = res.manifest
    n = res.replicates
    head = f"{res.name}: {n} replicates, master seed {m.get('master_seed', '?')}"
    secs = (m.get("timings") or {}).get("seconds")
    if secs is not None:
        head += f", {secs:.1f} s"
    lines = [head, *_posterior_line(m)]
    if out_dir is not None:
        lines.append(f"tables written to {out_dir}")
    lines += ["", "Winner (consolidated power by the end)   P     95% interval (Wilson)"]
    probs = res.winner_probabilities()
    for r in probs.itertuples():
        if r.wins or r.winner == "none":
            lines.append(f"  {r.winner:<38} {_p(r.p)}  {_ci(r.lo, r.hi)}   ({r.wins}/{r.n})")
    never = probs[(probs["wins"] == 0) & (probs["winner"] != "none")]
    if len(never):
        lines.append(
            f"  never won ({_p(0.0)}, 95% interval up to {_p(float(never['hi'].iloc[0]))}): "
            + ", ".join(never["winner"])
        )
    dates = res.sanction_dates()
    dates = dates[dates["count"] > 0]
    lines += ["", "First date of each sanction: median [10%, 90%] (share of replicates in which it happened)"]
    if dates.empty:
        lines.append("  no sanctions in any replicate")
    previous = None
    for r in dates.itertuples():
        who = r.leader if r.leader != previous else ""
        previous = r.leader
        lines.append(f"  {who:<10} {r.kind:<18} {r.median} [{r.q10}, {r.q90}]  {_pct(r.count, r.n):>4}")
    return "\n".join(lines)


def comparison_report(cmp: Comparison, out_dir: object = None) -> str:
    """Side by side: P(winner) per scenario with Wilson intervals and differences from the first.

    Differences come with Newcombe 95% intervals (paired by seed); sanction dates are medians per scenario.
    """
    names = cmp.names
    t = cmp.table
    m = cmp.manifest
    lines = [
        f"comparison of {len(names)} scenarios, {m.get('replicates', '?')} replicates each, "
        f"master seed {m.get('master_seed', '?')} (same seeds in every scenario)",
        *_posterior_line(m),
    ]
    if out_dir is not None:
        lines.append(f"tables written to {out_dir}")
    legend = "  ".join(f"[{i + 1}] {n}" for i, n in enumerate(names))
    lines += ["", f"Scenarios: {legend}", "Differences are against [1] " + names[0] + "."]
    width = max(12, *(len(n) for n in names)) + len(str(len(names))) + 6
    p = t[t["metric"].str.startswith("p_winner_")]
    lines += ["", f"{'P(winner)':<{width}}  P     95% interval     diff   95% interval (paired Newcombe)"]
    for metric, group in p.groupby("metric", sort=False):
        if (group["n"] == 0).all():
            continue
        lines.append(f"  {metric.removeprefix('p_winner_')}")
        for i, r in enumerate(group.itertuples()):
            label = f"[{i + 1}] {r.scenario}"
            row = f"    {label:<{width - 2}}{_p(r.value)}  {_ci(r.lo, r.hi)}"
            if i > 0:
                row += f"   {_d(r.diff)}  [{_d(r.diff_lo)}, {_d(r.diff_hi)}]"
            lines.append(row)
    never = [
        metric.removeprefix("p_winner_")
        for metric, g in p.groupby("metric", sort=False)
        if (g["n"] == 0).all()
    ]
    if never:
        lines.append(f"  never won in any scenario: {', '.join(never)}")
    reps = cmp.results[names[0]].replicates
    lines += ["", _dates_side_by_side(t, names, reps)]
    return "\n".join(lines)


def _dates_side_by_side(t: pd.DataFrame, names: list[str], replicates: int) -> str:
    d = t[t["metric"].str.startswith("median_")]
    wide = d.pivot(index="metric", columns="scenario", values="value")
    wide = wide.reindex(index=list(dict.fromkeys(d["metric"])), columns=names)
    counts = d.pivot(index="metric", columns="scenario", values="n").reindex(index=wide.index, columns=names)
    cell = 14
    header = f"  {'leader, sanction':<28}" + "".join(f"{f'[{i + 1}]':<{cell}}" for i in range(len(names)))
    lines = [
        "First date of each sanction: median month per scenario and the share of replicates in which it",
        "happened ('-' = never; median, 10% and 90% dates in comparison.csv)",
        header.rstrip(),
    ]
    shown = 0
    for metric, row in wide.iterrows():
        ns = counts.loc[metric].fillna(0)
        if ns.sum() == 0:
            continue
        leader, kind = metric.removeprefix("median_").split("__", 1)
        cells = ""
        for v, n in zip(row.tolist(), ns.tolist(), strict=True):
            text = f"{v[:7]} {_pct(int(n), replicates):>4}" if isinstance(v, str) and v else "-"
            cells += f"{text:<{cell}}"
        lines.append(f"  {leader + ' ' + kind:<28}{cells}".rstrip())
        shown += 1
    if not shown:
        lines.append("  no sanctions in any scenario")
    return "\n".join(lines)
