"""Figure 3: which coalitions held when, and in how many replicates."""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.plots import style
from sim.plots.load import normalise
from sim.plots.support import date_axis, session_dates

MAX_ROWS = 12


def alliance_spells(events: pd.DataFrame, end: pd.Timestamp | None = None) -> pd.DataFrame:
    """Each coalition's spells per replicate (replicate, members, start, end); open spells run to `end`."""
    ev = normalise(events)
    cols = ["replicate", "members", "start", "end"]
    if ev.empty or "kind" not in ev:
        return pd.DataFrame(columns=cols)
    last = (
        end
        if end is not None
        else (ev["date"].max() + pd.Timedelta(days=1) if ev["date"].notna().any() else None)
    )
    ev = ev[ev["kind"].isin(["alliance_formed", "alliance_dissolved"]) & ev["date"].notna()]
    rows = []
    for rep, g in ev.sort_values(["replicate", "date"], kind="stable").groupby("replicate"):
        open_: dict[frozenset, pd.Timestamp] = {}
        for _, e in g.iterrows():
            members = frozenset(m.strip() for m in str(e["actor"]).split("+") if m.strip())
            if not members:
                continue
            if e["kind"] == "alliance_formed":
                open_.setdefault(members, e["date"])
            elif members in open_:
                rows.append((rep, members, open_.pop(members), e["date"]))
        for members, start in open_.items():
            rows.append((rep, members, start, max(last, start) if last is not None else start))
    return pd.DataFrame(rows, columns=cols)


def _held(spells: pd.DataFrame, rows: list[frozenset], edges: pd.DatetimeIndex, n: int) -> np.ndarray:
    """Share of replicates in which each coalition held at some point of each month (rows x months)."""
    reps = {r: k for k, r in enumerate(sorted(spells["replicate"].unique()))}
    index = {m: i for i, m in enumerate(rows)}
    held = np.zeros((len(rows), len(reps), len(edges) - 1), dtype=bool)
    e = edges.to_numpy()
    for members, rep, start, end in spells[["members", "replicate", "start", "end"]].itertuples(index=False):
        if members in index:  # months whose [lo, hi) overlaps the spell [start, end)
            held[
                index[members], reps[rep], (e[:-1] < np.datetime64(end)) & (e[1:] > np.datetime64(start))
            ] = True
    return held.sum(axis=1) / max(n, 1)


def alliance_timeline(
    events: pd.DataFrame,
    *,
    replicates: int | None = None,
    caption: str = "",
    end: pd.Timestamp | None = None,
    leaders: list[str] | None = None,
) -> Figure:
    """Show each coalition's members, how often it held month by month, and how often it ever formed.

    `leaders` is the scenario's cast: it sets the order and the colours of the members.
    """
    title = "Alliances: which coalitions held when, and in how many replicates"
    ev = normalise(events)
    spells = alliance_spells(ev, end)
    if spells.empty:
        return style.empty_figure(title, "No alliance formed in any replicate", caption)
    n = replicates or (int(ev["replicate"].nunique()) if len(ev) else int(spells["replicate"].nunique()))
    first = spells.groupby("members")["start"].median()
    ever = spells.groupby("members")["replicate"].nunique() / max(n, 1)
    top = ever.sort_values(ascending=False).index[:MAX_ROWS]
    rows = sorted(top, key=lambda m: first[m])
    start = ev["date"].min() if ev["date"].notna().any() else spells["start"].min()
    stop = max(spells["end"].max(), ev["date"].max())
    months = pd.date_range(start.to_period("M").to_timestamp(), stop, freq="MS")
    edges = months.append(pd.DatetimeIndex([months[-1] + pd.offsets.MonthBegin(1)]))
    held = _held(spells, rows, edges, n)
    cast = style.order_leaders(set().union(*rows), leaders)
    colours = style.leader_palette(leaders, cast)
    fig = style.new_figure((13.0, max(4.5, 2.6 + 0.42 * len(rows))))
    gs = fig.add_gridspec(1, 3, width_ratios=[0.25 + 0.28 * len(cast), 7.0, 1.3])
    ax_m, ax_h, ax_b = fig.add_subplot(gs[0]), fig.add_subplot(gs[1]), fig.add_subplot(gs[2])
    fig.suptitle(title)
    y = np.arange(len(rows))
    for i, members in enumerate(rows):
        for k, name in enumerate(cast):
            inside = name in members
            ax_m.plot(k, i, "o", ms=9 if inside else 4, color=colours[name] if inside else "#dddddd")
    ax_m.set_xticks(
        range(len(cast)), [style.display_name(c) for c in cast], rotation=60, ha="right", fontsize=8
    )
    ax_m.set_yticks(y, [style.coalition_name(m, leaders) for m in rows], fontsize=8)
    ax_m.set_xlim(-0.6, len(cast) - 0.4)
    ax_m.set_ylim(len(rows) - 0.5, -0.5)
    ax_m.set_title("members", fontsize=9)
    ax_m.set_ylabel("coalition")
    ax_m.set_xlabel("leader")
    for side in ("top", "right"):
        ax_m.spines[side].set_visible(False)
    x = mdates.date2num(edges.to_pydatetime())
    # zero stays white; any share above it is at least a visible grey, so rare coalitions do not vanish
    cmap = ListedColormap(colormaps["Greys"](np.linspace(0.2, 1.0, 256))).with_extremes(bad="white")
    shown = np.ma.masked_less_equal(held, 0.0)
    mesh = ax_h.pcolormesh(
        x, np.arange(len(rows) + 1) - 0.5, shown, cmap=cmap, vmin=0, vmax=1, shading="flat"
    )
    ax_h.set_ylim(len(rows) - 0.5, -0.5)
    ax_h.set_yticks(y, [""] * len(rows))
    for _, s in session_dates(ev).iterrows():
        ax_h.axvline(mdates.date2num(s["date"]), color="#e7298a", lw=0.8, ls="--")
    ax_h.xaxis_date()
    date_axis(ax_h)
    ax_h.grid(False)
    ax_h.set_xlabel("date (monthly)")
    ax_h.set_title("share of replicates in which the coalition held, by month", fontsize=9)
    cb = fig.colorbar(mesh, ax=ax_h, location="bottom", fraction=0.05, aspect=50, pad=0.02)
    cb.set_label("share of replicates", fontsize=8)
    cb.ax.xaxis.set_major_formatter(lambda v, _p: f"{v:.0%}")
    vals = [ever[m] for m in rows]
    ax_b.barh(y, vals, color="#737373", height=0.6)
    for i, v in enumerate(vals):
        ax_b.text(min(v, 1.0) + 0.02, i, f"{v:.0%}", va="center", fontsize=8)
    ax_b.set_xlim(0, 1.25)
    ax_b.set_ylim(len(rows) - 0.5, -0.5)
    ax_b.set_yticks(y, [""] * len(rows))
    ax_b.xaxis.set_major_formatter(lambda v, _p: f"{v:.0%}")
    ax_b.set_xticks([0, 0.5, 1])
    ax_b.set_xlabel("share of replicates")
    ax_b.set_title("ever formed", fontsize=9)
    handles = [
        Line2D([], [], color="#e7298a", lw=0.8, ls="--", label="Congress / Conference opens"),
        Line2D([], [], marker="o", color="#777777", ls="none", ms=8, label="member (leader's colour)"),
    ]
    fig.legend(handles=handles, loc="outside lower right", fontsize=7.5, frameon=False, ncol=2)
    style.caption(
        fig,
        caption
        + (f"  ·  {len(ever) - len(rows)} rarer coalitions not shown" if len(ever) > len(rows) else ""),
    )
    return fig
