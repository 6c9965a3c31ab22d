"""Figure 1: each leader's following among the members by month, median with 50% and 90% bands."""

from __future__ import annotations

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.plots import style
from sim.plots.load import normalise

EXOGENOUS = {
    "lenin_death": "Lenin dies",
    "funeral": "Lenin's funeral",
    "testament_handled": "Testament read, suppressed",
    "testament_published": "Testament published",
    "war_scare": "war scare",
    "grain_crisis": "grain crisis",
}
SESSIONS = ("congress", "conference")
_LABEL_BOX = {"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.7}


def session_dates(events: pd.DataFrame) -> pd.DataFrame:
    """Congresses and Conferences with their median opening date across replicates (body, date)."""
    if events.empty or "kind" not in events:
        return pd.DataFrame(columns=["body", "date"])
    ev = events[events["kind"].isin(SESSIONS) & events["date"].notna()]
    if ev.empty:
        return pd.DataFrame(columns=["body", "date"])
    body = ev["body"].fillna(ev["kind"]) if "body" in ev else ev["kind"]
    out = ev.assign(body=body).groupby("body", as_index=False)["date"].median()
    return out.sort_values("date").reset_index(drop=True)


def short_body(body: str) -> str:
    """`13th Party Congress` -> `13th Congress`, to fit over a date axis."""
    return str(body).replace("Party ", "").replace("party ", "")


def exogenous_dates(events: pd.DataFrame, replicates: int) -> list[tuple[pd.Timestamp, str]]:
    """Median date of each exogenous event, labelled with how often it happened when not always."""
    out = []
    if events.empty or "kind" not in events:
        return out
    for kind, label in EXOGENOUS.items():
        ev = events[(events["kind"] == kind) & events["date"].notna()]
        if ev.empty:
            continue
        first = ev.groupby("replicate")["date"].min()
        share = len(first) / max(replicates, 1)
        text = label if share >= 0.995 else f"{label} ({share:.0%})"
        out.append((first.median(), text))
    out.sort(key=lambda x: x[0])
    merged: list[tuple[pd.Timestamp, str]] = []
    for date, text in out:  # events a few weeks apart share one label, or the labels overprint
        if merged and (date - merged[-1][0]).days < 40:
            merged[-1] = (merged[-1][0], f"{merged[-1][1]}; {text}")
        else:
            merged.append((date, text))
    return merged


def enrolment_span(events: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """Median start and end of the Lenin Enrolment, if it happened."""
    if events.empty or "kind" not in events:
        return None
    s = events.loc[events["kind"] == "lenin_enrolment_start", "date"].dropna()
    e = events.loc[events["kind"] == "lenin_enrolment_end", "date"].dropna()
    if s.empty:
        return None
    start = s.median()
    end = e.median() if not e.empty else start + pd.DateOffset(months=3)
    return start, end


def mark_context(ax: Axes, events: pd.DataFrame, replicates: int, labels: bool = True) -> list:
    """Mark Congresses, exogenous events and the Lenin Enrolment on a date axis; return legend handles."""
    handles = []
    sessions = session_dates(events)
    for _, row in sessions.iterrows():
        ax.axvline(row["date"], color="#555555", lw=0.8, ls="--", zorder=1)
        if labels:
            ax.annotate(
                short_body(row["body"]),
                (row["date"], 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(2, -4),
                textcoords="offset points",
                rotation=90,
                va="top",
                ha="left",
                fontsize=7.5,
                color="#333333",
                bbox=_LABEL_BOX,
            )
    if len(sessions):
        handles.append(Line2D([], [], color="#555555", lw=0.8, ls="--", label="Congress / Conference opens"))
    exo = exogenous_dates(events, replicates)
    for date, text in exo:
        ax.axvline(date, color="#999999", lw=0.8, ls=":", zorder=1)
        if labels:
            ax.annotate(
                text,
                (date, 0.0),
                xycoords=("data", "axes fraction"),
                xytext=(2, 4),
                textcoords="offset points",
                rotation=90,
                va="bottom",
                ha="left",
                fontsize=7.5,
                color="#555555",
                bbox=_LABEL_BOX,
            )
    if exo:
        handles.append(Line2D([], [], color="#999999", lw=0.8, ls=":", label="exogenous event (median date)"))
    span = enrolment_span(events)
    if span:
        ax.axvspan(span[0], span[1], color="#fee8c8", alpha=0.6, zorder=0, lw=0)
        handles.append(Patch(color="#fee8c8", alpha=0.6, label="Lenin Enrolment"))
    return handles


def date_axis(ax: Axes) -> None:
    """Readable date ticks at any span (years over the whole period, months when zoomed in)."""
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))
    ax.grid(axis="y", color="#e5e5e5", lw=0.6)


def support_over_time(
    timeseries: pd.DataFrame,
    events: pd.DataFrame | None = None,
    *,
    leaders: list[str] | None = None,
    caption: str = "",
) -> Figure:
    """Share of members following each leader by month: median line, 50% band (dark), 90% band (light).

    `leaders` is the scenario's cast (`Results.leaders`): it sets the order and the colours.
    """
    ts = normalise(timeseries)
    ev = (
        normalise(events)
        if events is not None
        else pd.DataFrame(columns=["replicate", "date", "kind", "actor"])
    )
    title = "Following over time: each leader's share of the party's members"
    fig = style.new_figure(style.WIDE)
    ax = fig.add_subplot()
    ax.set_title(title)
    ts = (
        ts[ts["date"].notna() & pd.to_numeric(ts["support"], errors="coerce").notna()] if not ts.empty else ts
    )
    if ts.empty:
        style.no_data(ax, "No support time series in these results")
        style.caption(fig, caption)
        return fig
    ts = ts.assign(support=pd.to_numeric(ts["support"], errors="coerce"))
    seen = ts["leader"].dropna().unique()
    names = style.order_leaders(seen, leaders)
    reps = int(ts["replicate"].nunique())
    handles, q = leader_bands(ax, ts, "support", names, style.leader_palette(leaders, seen))
    handles += mark_context(ax, ev, reps)
    date_axis(ax)
    ax.set_xlim(ts["date"].min(), ts["date"].max())
    ax.set_ylim(0, min(1.0, max(0.05, float(q[0.95].max()) * 1.1)))
    ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
    ax.set_xlabel("date (monthly)")
    ax.set_ylabel("share of members following him")
    side_legend(ax, handles, reps)
    style.caption(fig, caption)
    return fig


def leader_bands(
    ax: Axes,
    ts: pd.DataFrame,
    column: str,
    names: list[str],
    colours: dict[str, str],
    skip_zero: bool = False,
) -> tuple[list, pd.DataFrame]:
    """Per leader, the median of `column` by month with 50% and 90% bands across replicates.

    Returns the legend handles (a line per leader drawn, then the two bands') and the quantiles.
    `skip_zero` leaves out a leader whose 95% quantile is zero throughout.
    """
    q = ts.groupby(["leader", "date"])[column].quantile([0.05, 0.25, 0.5, 0.75, 0.95]).unstack()
    handles = []
    for name in names:
        if name not in q.index.get_level_values(0):
            continue
        d = q.loc[name].sort_index()
        if skip_zero and float(d[0.95].max()) <= 0.0:
            continue
        c = colours[name]
        ax.fill_between(d.index, d[0.05], d[0.95], color=c, alpha=0.10, lw=0)
        ax.fill_between(d.index, d[0.25], d[0.75], color=c, alpha=0.25, lw=0)
        (line,) = ax.plot(d.index, d[0.5], color=c, lw=2, label=style.display_name(name))
        handles.append(line)
    handles += [
        Patch(color="#777777", alpha=0.45, label="50% of replicates"),
        Patch(color="#777777", alpha=0.15, label="90% of replicates"),
    ]
    return handles, q


def side_legend(ax: Axes, handles: list, reps: int) -> None:
    """The legend beside the axes, titled with the number of replicates behind the medians."""
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=8.5,
        frameon=False,
        title=f"median across {reps} replicates",
        title_fontsize=8.5,
    )
