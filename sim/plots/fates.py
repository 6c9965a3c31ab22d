"""Figure 2: each leader's institutional fall step by step: median date, 10-90% range, one replicate."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.plots import style
from sim.plots.load import normalise
from sim.plots.support import date_axis, session_dates
from sim.record import marks as record_marks
from sim.record.marks import RecordMarks
from sim.scenario.names import DEFAULT_NAMES, Names


def steps_named(names: Names) -> dict[str, tuple[str, str, str]]:
    """Event kind -> (label, row label, marker), top row first, in the scenario's names for its bodies.

    The kinds stay generic (`gs_removal` in 1953 too); only what the reader sees changes.
    """
    return {
        "gs_removal": (f"lost the {names.first_office}'s post", _abbreviate(names.first_office), "h"),
        "politburo_removal": (f"out of the {names.politburo}", names.politburo, "o"),
        "cc_removal": (f"out of the {names.central_committee}", "CC", "s"),
        "party_expulsion": ("expelled from the party", "party", "D"),
        "internal_exile": ("internal exile", "exile", "v"),
        "exile_abroad": ("exile abroad", "abroad", "*"),
    }


def _abbreviate(office: str) -> str:
    """A row label short enough for the axis: `General Secretary` -> `Gen. Sec.` (`First Sec.` in 1953)."""
    return " ".join(w if len(w) <= 5 else f"{w[:3]}." for w in office.split())


#: The steps in the 1924 names (the kinds are the same in every scenario).
STEPS = steps_named(DEFAULT_NAMES)
#: Below this share of replicates a median date would mislead: each date is drawn hollow, with the count.
RARE = 0.05


def step_dates(summary: pd.DataFrame, events: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the first date of every step per replicate and leader, from the summary or else the events."""
    rows = []
    summ = normalise(summary) if summary is not None else pd.DataFrame()
    cols = [c for c in summ.columns if "__" in str(c) and str(c).split("__", 1)[1] in STEPS]
    if cols and "replicate" in summ:
        long = summ.melt(id_vars=["replicate"], value_vars=cols, var_name="col", value_name="date")
        long = long[long["date"].notna()]
        parts = long["col"].str.split("__", n=1, expand=True)
        if not long.empty:
            rows.append(
                pd.DataFrame(
                    {
                        "replicate": long["replicate"].to_numpy(),
                        "leader": parts[0].to_numpy(),
                        "step": parts[1].to_numpy(),
                        "date": long["date"].to_numpy(),
                    }
                )
            )
    elif events is not None:
        ev = normalise(events)
        if not ev.empty:
            ev = ev[ev["kind"].isin(list(STEPS)) & ev["date"].notna()]
            first = ev.groupby(["replicate", "actor", "kind"], as_index=False)["date"].min()
            rows.append(first.rename(columns={"actor": "leader", "kind": "step"}))
    if not rows:
        return pd.DataFrame(columns=["replicate", "leader", "step", "date"])
    out = pd.concat(rows, ignore_index=True)
    out["date"] = pd.to_datetime(out["date"], errors="coerce")
    return out.dropna(subset=["date"])


def institutional_fates(
    summary: pd.DataFrame,
    events: pd.DataFrame | None = None,
    *,
    replicate: int | None = None,
    leaders: list[str] | None = None,
    caption: str = "",
    record: RecordMarks | None = None,
    names: Names = DEFAULT_NAMES,
) -> Figure:
    """Draw one timeline per leader: median date of each step, its 10-90% range, and replicate K's dates.

    `leaders` is the scenario's cast (`Results.leaders`): one panel each, in its order and colours.
    `record` (from a targets file) marks the record's date of each step as a red bar. `names` (the
    run's, `sim.scenario.names.names_of(manifest)`) label the bodies and the first office.
    """
    labels = steps_named(names)
    title = "Institutional fates: when each leader lost his post, his seats, his party card, his country"
    summ = normalise(summary) if summary is not None else pd.DataFrame(columns=["replicate"])
    ev = (
        normalise(events)
        if events is not None
        else pd.DataFrame(columns=["replicate", "date", "kind", "actor"])
    )
    steps = step_dates(summ, ev)
    reps = (
        int(summ["replicate"].nunique())
        if "replicate" in summ and len(summ)
        else (int(ev["replicate"].nunique()) if len(ev) else 0)
    )
    if steps.empty:
        return style.empty_figure(
            title,
            f"No leader was removed as {names.first_office} or from the {names.politburo}, "
            "or sanctioned further, in any replicate",
            caption,
        )
    if replicate is None:
        replicate = int(summ["replicate"].min()) if len(summ) else int(steps["replicate"].min())
    seen = set(steps["leader"]) | set(_leaders_in(summ))
    names = style.order_leaders(seen, leaders)
    colours = style.leader_palette(leaders, seen)
    hit = set(steps["leader"])
    ratios = [2.6 if n in hit else 0.8 for n in names]
    fig = style.new_figure((12.0, 1.6 + 0.42 * sum(ratios)))
    axes = fig.subplots(nrows=len(names), sharex=True, squeeze=False, gridspec_kw={"height_ratios": ratios})[
        :, 0
    ]
    fig.suptitle(title)
    sessions = session_dates(ev)
    keys = list(STEPS)
    for ax, name in zip(axes, names, strict=True):
        colour = colours[name]
        mine = steps[steps["leader"] == name]
        for _, s in sessions.iterrows():
            ax.axvline(s["date"], color="#cccccc", lw=0.7, ls="--", zorder=0)
        for i, key in enumerate(keys):
            y = len(keys) - 1 - i
            marker = STEPS[key][2]
            when = record.date_of(name, key) if record is not None else None
            if when is not None:
                ax.plot(
                    [when], [y], marker="|", color=record_marks.COLOUR, ms=14, mew=2.5, ls="none", zorder=4
                )
            d = mine.loc[mine["step"] == key, "date"]
            if not d.empty:
                _draw_step(ax, d, y, marker, colour, reps)
            one = mine.loc[(mine["step"] == key) & (mine["replicate"] == replicate), "date"]
            if not one.empty:
                ax.plot(
                    [one.min()], [y - 0.3], marker=marker, mfc="white", mec="black", mew=1.0, ms=6, ls="none"
                )
        if mine.empty:
            ax.text(
                0.5,
                0.5,
                "kept his seats in every replicate",
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize=9,
                color="#777777",
            )
            ax.set_yticks([])
        else:
            ax.set_ylim(-0.8, len(keys) - 0.2)
            ax.set_yticks(range(len(keys)), [labels[k][1] for k in reversed(keys)], fontsize=7)
        ax.set_ylabel(
            style.display_name(name),
            rotation=0,
            ha="right",
            va="center",
            color=colour,
            fontsize=11,
            fontweight="bold",
        )
        date_axis(ax)
    first_date = (
        pd.Timestamp(ev["date"].min()) if len(ev) and ev["date"].notna().any() else steps["date"].min()
    )
    last_date = (
        pd.Timestamp(ev["date"].max()) if len(ev) and ev["date"].notna().any() else steps["date"].max()
    )
    axes[-1].set_xlim(
        min(first_date, steps["date"].min()) - pd.Timedelta(days=15),
        max(last_date, steps["date"].max()) + pd.Timedelta(days=60),
    )
    axes[-1].set_xlabel("date")
    handles = [
        Line2D([], [], marker=m, color="#444444", ls="none", ms=7, label=lab) for lab, _, m in labels.values()
    ]
    handles += [
        Line2D([], [], color="#444444", lw=3, alpha=0.45, label="10-90% range of dates"),
        Line2D([], [], ls="none", label="% = share of replicates\n      with that step"),
        Line2D(
            [],
            [],
            marker="o",
            mfc="white",
            mec="#444444",
            mew=1.5,
            ls="none",
            ms=7,
            label=f"hollow, with a count: in under {RARE:.0%}\nof replicates (each date shown)",
        ),  # fmt: skip
        Line2D(
            [],
            [],
            marker="o",
            mfc="white",
            mec="black",
            ls="none",
            ms=5,
            label=f"replicate {replicate}\n(black, below the row)",
        ),  # fmt: skip
        Line2D([], [], color="#cccccc", ls="--", label="Congress / Conference"),
    ]
    if record is not None and record.dates:
        handles.append(
            Line2D(
                [],
                [],
                marker="|",
                color=record_marks.COLOUR,
                ms=12,
                mew=2.5,
                ls="none",
                label=record_marks.LABEL,
            )
        )
    fig.legend(
        handles=handles,
        loc="outside right center",
        fontsize=8,
        frameon=False,
        title=f"filled: median date\nacross {reps} replicates",
        title_fontsize=8,
    )
    style.caption(fig, caption)
    return fig


def _draw_step(ax: Axes, dates: pd.Series, y: float, marker: str, colour: str, replicates: int) -> None:
    """One step of one leader: median and 10-90% range, or, when rare, each date hollow with the count.

    A median over two replicates in two hundred would read as what usually happens; "0%" beside a
    filled marker would contradict itself. So below `RARE` the dates are shown as they are.
    """
    n = max(replicates, 1)
    if len(dates) / n < RARE:
        ax.plot(dates, [y] * len(dates), marker=marker, mfc="white", mec=colour, mew=1.5, ms=8, ls="none")
        text, at = f"{len(dates)} of {n} replicates", dates.max()
    else:
        lo, med, hi = dates.quantile(0.1), dates.median(), dates.quantile(0.9)
        ax.plot([lo, hi], [y, y], color=colour, lw=3, alpha=0.45, solid_capstyle="butt")
        ax.plot([med], [y], marker=marker, color=colour, ms=8, ls="none")
        text, at = f"{len(dates) / n:.0%}", hi
    ax.annotate(
        text, (at, y), xytext=(5, 0), textcoords="offset points", va="center", fontsize=7, color="#555555"
    )


def _leaders_in(summary: pd.DataFrame) -> list[str]:
    """Leader names from the summary's `support_final_<leader>` columns."""
    return [c.removeprefix("support_final_") for c in summary.columns if str(c).startswith("support_final_")]
