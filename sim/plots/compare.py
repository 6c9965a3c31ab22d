"""Figure 5: the counterfactual comparison: P(each winner) per scenario and the spread of key dates."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim import cast as principals
from sim.plots import style
from sim.plots.load import normalise
from sim.plots.support import date_axis
from sim.record import marks as record_marks
from sim.record.marks import RecordMarks
from sim.run.stats import wilson

#: The key date every comparison shows, whoever the scenarios' leaders are.
CONSOLIDATION: tuple[str, str] = ("consolidation_date", "power consolidated (by the winner)")


def key_dates_for(rival: str | None) -> tuple[tuple[str, str], ...]:
    """The key dates of a comparison: the rival's expulsion from the party, then the consolidation.

    The rival is the principal's (`sim.cast.rival`): Trotsky in 1924, Malenkov in 1953.
    """
    if not rival:
        return (CONSOLIDATION,)
    return (
        (f"{rival}__party_expulsion", f"{style.display_name(rival)} expelled from the party"),
        CONSOLIDATION,
    )


def comparison_from_summaries(summaries: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Compute `p_winner_<name>` rows with Wilson intervals from summaries (no comparison.csv needed)."""
    rows = []
    winners = set()
    for s in summaries.values():
        if "winner" in s:
            winners |= set(normalise(s)["winner"].dropna())
    for name, s in summaries.items():
        w = normalise(s)["winner"].fillna("none") if "winner" in s else pd.Series(dtype="string")
        n = len(w)
        for who in sorted(winners):
            k = int((w == who).sum())
            lo, hi = wilson(k, n)
            rows.append(
                dict(scenario=name, metric=f"p_winner_{who}", value=k / n if n else np.nan, lo=lo, hi=hi)
            )
    return pd.DataFrame(rows, columns=["scenario", "metric", "value", "lo", "hi"])


def _winner_table(comparison: pd.DataFrame) -> pd.DataFrame:
    """Return the p_winner rows as numbers: scenario, winner, p, lo, hi (and diff when present)."""
    c = normalise(comparison)
    if c.empty or "metric" not in c:
        return pd.DataFrame(columns=["scenario", "winner", "p", "lo", "hi"])
    c = c[c["metric"].str.startswith("p_winner_", na=False)]
    out = pd.DataFrame(
        {
            "scenario": c["scenario"].astype(str),
            "winner": c["metric"].str.removeprefix("p_winner_"),
            "p": pd.to_numeric(c["value"], errors="coerce"),
        }
    )
    for col, name in (
        ("lo", "lo"),
        ("hi", "hi"),
        ("diff", "diff"),
        ("diff_lo", "diff_lo"),
        ("diff_hi", "diff_hi"),
    ):
        out[name] = pd.to_numeric(c[col], errors="coerce") if col in c else np.nan
    return out.dropna(subset=["p"])


def winner_probabilities(
    comparison: pd.DataFrame,
    *,
    scenarios: list[str] | None = None,
    caption: str = "",
    focus: str | None = None,
    leaders: list[str] | None = None,
) -> Figure:
    """Plot P(winner) with its 95% interval per scenario, noting the change from the first.

    `leaders` is the scenarios' cast: it sets the order and the colours of the winners. `focus` is the
    winner whose value and change are written out: the first scenario's principal (`sim.cast`); by
    default the first winner in the cast's order.
    """
    title = "Counterfactuals: probability of each winner per scenario (95% interval)"
    t = _winner_table(comparison)
    if t.empty:
        return style.empty_figure(title, "No winner probabilities in this comparison", caption)
    names = scenarios or list(dict.fromkeys(t["scenario"]))
    names = [s for s in names if s in set(t["scenario"])]
    shown = t.groupby("winner")["p"].max()
    colours = style.leader_palette(leaders, shown.index)
    winners = [w for w in style.order_leaders(shown.index, leaders) if w != "none" and shown[w] > 0]
    if "none" in shown.index and shown["none"] > 0:
        winners.append("none")
    if not winners:
        winners = list(shown.index)
    focus = focus if focus is not None else winners[0]
    fig = style.new_figure((11.0, max(4.0, 1.6 + 0.55 * len(names) * max(1, len(winners)) ** 0.5)))
    ax = fig.add_subplot()
    ax.set_title(title)
    step = 0.7 / max(len(winners), 1)
    for j, who in enumerate(winners):
        colour = colours[who]
        for i, scen in enumerate(names):
            r = t[(t["scenario"] == scen) & (t["winner"] == who)]
            if r.empty:
                continue
            r = r.iloc[0]
            y = i + (j - (len(winners) - 1) / 2) * step
            if pd.notna(r["lo"]) and pd.notna(r["hi"]):
                ax.plot([r["lo"], r["hi"]], [y, y], color=colour, lw=2)
            ax.plot(r["p"], y, "o", color=colour, ms=7, mec="white")
            if who == focus:
                text = f"{r['p']:.2f}"
                if i > 0 and pd.notna(r["diff"]):
                    text += f"  (Δ {r['diff']:+.2f}"
                    if pd.notna(r["diff_lo"]) and pd.notna(r["diff_hi"]):
                        text += f" [{r['diff_lo']:+.2f}, {r['diff_hi']:+.2f}]"
                    text += ")"
                ax.annotate(
                    text,
                    (r["hi"] if pd.notna(r["hi"]) else r["p"], y),
                    xytext=(6, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=8,
                    color=colour,
                )
    ax.set_yticks(range(len(names)), names)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xlim(0, 1.32)
    ax.set_xticks(np.linspace(0, 1, 6))
    ax.xaxis.set_major_formatter(lambda v, _p: f"{v:.0%}")
    ax.grid(axis="x", color="#eeeeee")
    ax.axvline(0.5, color="#cccccc", lw=0.8, ls=":")
    ax.set_xlabel("probability of winning (share of replicates, Wilson 95% interval)")
    ax.set_ylabel("scenario")
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            color=colours[w],
            ms=7,
            mec="white",
            lw=2,
            label=f"P({style.display_name(w)} wins)" if w != "none" else "P(no winner)",
        )
        for w in winners
    ]
    if len(names) > 1:
        handles.append(
            Line2D(
                [], [], ls="none", label=f"Δ = difference from {names[0]}\n(Newcombe 95% interval, paired)"
            )
        )
    ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, fontsize=8.5)
    style.caption(fig, caption)
    return fig


def key_dates(
    summaries: dict[str, pd.DataFrame],
    *,
    keys: tuple[tuple[str, str], ...] | None = None,
    caption: str = "",
    record: RecordMarks | None = None,
    leaders: list[str] | None = None,
    rival: str | None = None,
) -> Figure:
    """Plot each key event's date per scenario: replicates as dots, median, 25-75% box, 10-90% whiskers.

    `leaders` is the scenarios' cast: it sets the colours. `keys` default to `key_dates_for(rival)`;
    without a `rival`, the second leader of the cast (`sim.cast.rival` of names: the first other than
    the first), `leaders` or else the summaries' `support_final_` columns. `record` (from a targets
    file) draws the record's date of each key event as a red line.
    """
    title = "Counterfactuals: when the key events happen in each scenario"
    frames = {name: normalise(s) for name, s in summaries.items()}
    if keys is None:
        if rival is None:
            columns = [str(c) for s in frames.values() for c in s.columns]
            cast = leaders or [
                c.removeprefix("support_final_") for c in columns if c.startswith("support_final_")
            ]
            rival = principals.rival(list(dict.fromkeys(cast)))
        keys = key_dates_for(rival)
    usable = [
        (col, label) for col, label in keys if any(col in s and s[col].notna().any() for s in frames.values())
    ]
    if not frames or not usable:
        return style.empty_figure(
            title, "No key dates (" + ", ".join(c for c, _ in keys) + ") in these results", caption
        )
    names = list(frames)
    winners = {str(w) for s in frames.values() if "winner" in s for w in s["winner"].dropna()}
    colours = style.leader_palette(leaders, winners | {c.split("__")[0] for c, _ in usable if "__" in c})
    grey = style.LEADER_COLOURS["none"]  # a winner the table leaves blank
    fig = style.new_figure((12.0, max(4.0, 1.8 + 0.6 * len(names))))
    axes = fig.subplots(1, len(usable), sharey=True, squeeze=False)[0]
    fig.suptitle(title)
    rng = np.random.default_rng(0)
    for ax, (col, label) in zip(axes, usable, strict=True):
        # A leader's event takes his colour; a consolidation takes the colour of whoever consolidated.
        colour = colours[col.split("__")[0]] if "__" in col else None
        for i, name in enumerate(names):
            s = frames[name]
            n = len(s)
            d = (
                pd.to_datetime(s[col], errors="coerce").dropna()
                if col in s
                else pd.Series(dtype="datetime64[ns]")
            )
            if d.empty:
                ax.text(
                    0.02,
                    i,
                    "never",
                    transform=ax.get_yaxis_transform(),
                    va="center",
                    fontsize=8,
                    color="#777777",
                )
                continue
            jitter = rng.uniform(-0.18, 0.18, len(d))
            if colour is not None:
                ax.plot(d, i + jitter, "o", color=colour, alpha=0.25, ms=3, ls="none")
            else:
                who = s.loc[d.index, "winner"] if "winner" in s else pd.Series("none", index=d.index)
                for leader in style.order_leaders(who.astype(str), leaders):
                    mine = (who.astype(str).str.lower() == leader).to_numpy()
                    ax.plot(d[mine], i + jitter[mine], "o", color=colours.get(leader, grey), alpha=0.25,
                            ms=3, ls="none", label=style.display_name(leader))  # fmt: skip
            q = d.quantile([0.1, 0.25, 0.5, 0.75, 0.9])
            ax.plot([q[0.1], q[0.9]], [i, i], color="#333333", lw=1)
            ax.add_patch(_box(q[0.25], q[0.75], i))
            ax.plot([q[0.5]], [i], "|", color="#000000", ms=18, mew=2.5)
            ax.annotate(
                f"median {q[0.5]:%b %Y} · in {len(d) / max(n, 1):.0%}",
                (q[0.5], i - 0.2),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=7.5,
                color="#333333",
                bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.8},
            )
        when = record.summary_dates().get(col) if record is not None else None
        if when is not None:
            ax.axvline(when, color=record_marks.COLOUR, lw=2, zorder=4)
        ax.set_title(label, fontsize=10)
        date_axis(ax)
        ax.grid(axis="x", color="#eeeeee")
        ax.set_xlabel("date")
    axes[0].set_yticks(range(len(names)), names)
    axes[0].set_ylim(len(names) - 0.5, -0.5)
    axes[0].set_ylabel("scenario")
    handles = [
        Line2D([], [], marker="o", color="#777777", alpha=0.4, ls="none", ms=4, label="one replicate"),
        Line2D([], [], marker="|", color="black", ls="none", ms=12, mew=2.5, label="median"),
        Patch(facecolor="#dddddd", edgecolor="#333333", label="25-75%"),
        Line2D([], [], color="#333333", lw=1, label="10-90%"),
        Line2D([], [], ls="none", label="in X% = share of replicates\nwhere it happened"),
    ]
    if record is not None and record.dates:
        handles.append(Line2D([], [], color=record_marks.COLOUR, lw=2, label=record_marks.LABEL))
    fig.legend(handles=handles, loc="outside right center", frameon=False, fontsize=8.5)
    style.caption(fig, caption)
    return fig


def _box(lo: pd.Timestamp, hi: pd.Timestamp, y: float) -> object:
    """Build a 25-75% box on a date axis."""
    import matplotlib.dates as mdates
    from matplotlib.patches import Rectangle

    x0, x1 = mdates.date2num(lo), mdates.date2num(hi)
    return Rectangle(
        (x0, y - 0.14), max(x1 - x0, 1.0), 0.28, facecolor="#dddddd", edgecolor="#333333", alpha=0.8, zorder=2
    )
