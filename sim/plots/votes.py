"""Figure 4: the majority's and the opposition's shares at each Congress and Conference, across replicates."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.plots import style
from sim.plots.load import normalise
from sim.plots.support import short_body
from sim.record import marks as record_marks
from sim.record.marks import RecordMarks

LINE = "leadership line"


def session_votes(votes: pd.DataFrame) -> pd.DataFrame:
    """Congress and Conference votes on the leadership line, as shares of voting delegates."""
    v = normalise(votes)
    if v.empty or "body" not in v:
        return pd.DataFrame(columns=["replicate", "date", "body", "for", "against", "abstain"])
    v = v[v["body"].str.contains("Congress|Conference", case=False, na=False)]
    if "motion" in v and (v["motion"].str.lower() == LINE).any():
        v = v[v["motion"].str.lower() == LINE]
    if v.empty:
        return pd.DataFrame(columns=["replicate", "date", "body", "for", "against", "abstain"])
    f = pd.to_numeric(v["for"], errors="coerce")
    a = pd.to_numeric(v["against"], errors="coerce")
    ab = (
        pd.to_numeric(v["abstain"], errors="coerce").fillna(0)
        if "abstain" in v
        else pd.Series(0, index=v.index)
    )
    total = pd.to_numeric(v["voting_delegates"], errors="coerce") if "voting_delegates" in v else f + a + ab
    total = total.where(total > 0, f + a + ab)
    out = pd.DataFrame(
        {
            "replicate": v["replicate"],
            "date": v["date"],
            "body": v["body"],
            "for": f / total,
            "against": a / total,
            "abstain": ab / total,
        }
    )
    return out.dropna(subset=["for", "against"])


def vote_shares(votes: pd.DataFrame, *, caption: str = "", record: RecordMarks | None = None) -> Figure:
    """Plot the shares for (majority) and against (opposition) the line at each Congress/Conference.

    `record` (from a targets file) marks the record's share against as a red bar.
    """
    title = "Votes: the majority's and the opposition's share at each Congress and Conference"
    sv = session_votes(votes)
    if sv.empty:
        return style.empty_figure(title, "No Congress or Conference vote in these results", caption)
    order = sv.groupby("body")["date"].median().sort_values()
    n = int(sv["replicate"].nunique())
    fig = style.new_figure((max(10.5, 1.5 + 1.4 * len(order)), 6.0))  # at least as wide as the title
    ax = fig.add_subplot()
    ax.set_title(title)
    sides = [
        ("for", "majority (for the leadership line)", style.MAJORITY_COLOUR, -0.22),
        ("against", "opposition (against)", style.OPPOSITION_COLOUR, 0.0),
        ("abstain", "abstained", style.ABSTAIN_COLOUR, 0.22),
    ]
    x = np.arange(len(order))
    for col, _label, colour, dx in sides:
        for i, body in enumerate(order.index):
            d = sv.loc[sv["body"] == body, col].dropna()
            if d.empty:
                continue
            q = d.quantile([0.05, 0.25, 0.5, 0.75, 0.95])
            ax.vlines(i + dx, q[0.05], q[0.95], color=colour, lw=1.2)
            ax.vlines(i + dx, q[0.25], q[0.75], color=colour, lw=6, alpha=0.6)
            ax.plot(i + dx, q[0.5], "o", color=colour, mec="white", ms=7, zorder=3)
            if col != "abstain":
                ax.annotate(
                    f"{q[0.5]:.0%}",
                    (i + dx, q[0.95]),
                    xytext=(0, 3),
                    textcoords="offset points",
                    ha="center",
                    fontsize=7.5,
                    color=colour,
                )
    for i, body in enumerate(order.index):
        share = record.votes.get(str(body).strip().lower()) if record is not None else None
        if share is not None:
            ax.plot(i, share, marker="_", color=record_marks.COLOUR, ms=22, mew=3, ls="none", zorder=4)
    # a long name ("Pre-congress discussion") wraps rather than run into its neighbours' labels
    labels = [f"{textwrap.fill(short_body(b), 15)}\n{order[b]:%b %Y}" for b in order.index]
    ax.set_xticks(x, labels, fontsize=8.5)
    ax.set_xlim(-0.6, len(order) - 0.4)
    ax.set_ylim(0, 1.1)
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.axhline(0.5, color="#aaaaaa", lw=0.8, ls=":")
    ax.yaxis.set_major_formatter(lambda v, _p: f"{v:.0%}")
    ax.grid(axis="y", color="#eeeeee")
    ax.set_ylabel("share of voting delegates (of members, in a discussion)")
    ax.set_xlabel("Party Congress or Conference, or open discussion (median date)")
    handles = [
        Line2D([], [], marker="o", color=c, mec="white", ms=7, lw=0, label=lab) for _, lab, c, _ in sides
    ]
    handles += [
        Patch(color="#777777", alpha=0.6, label="25-75% of replicates"),
        Line2D([], [], color="#777777", lw=1.2, label="5-95% of replicates"),
    ]
    if record is not None and record.votes:
        handles.append(
            Line2D(
                [],
                [],
                marker="_",
                color=record_marks.COLOUR,
                ms=14,
                mew=3,
                ls="none",
                label=f"{record_marks.LABEL} (against)",
            )
        )
    ax.legend(
        handles=handles,
        loc="center left",
        bbox_to_anchor=(1.01, 0.5),
        fontsize=8.5,
        frameon=False,
        title=f"median across {n} replicates",
        title_fontsize=8.5,
    )
    style.caption(fig, caption)
    return fig
