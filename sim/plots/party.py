"""The party's figures: the apparatus by patron, the party's growth, the delegations at each Congress."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from sim.plots import style
from sim.plots.support import date_axis, leader_bands, session_dates, short_body, side_legend


def apparatus_over_time(
    timeseries: pd.DataFrame, events: pd.DataFrame, caption: str = "", leaders: list[str] | None = None
) -> Figure:
    """Each leader's clients' share of the provincial secretaries by month: median and 50%/90% bands.

    `leaders` is the scenario's cast: it sets the order and the colours.
    """
    fig = style.new_figure(style.WIDE)
    ax = fig.add_subplot()
    ax.set_title("The apparatus: provincial secretaries by the leader who placed them")
    ts = timeseries
    if ts.empty or "secretary_share" not in ts:
        style.no_data(ax, "No secretary shares in these results")
        style.caption(fig, caption)
        return fig
    ts = ts.assign(secretary_share=pd.to_numeric(ts["secretary_share"], errors="coerce")).dropna(
        subset=["secretary_share", "date"]
    )
    seen = ts["leader"].dropna().unique()
    colours = style.leader_palette(leaders, seen)
    handles, _ = leader_bands(
        ax, ts, "secretary_share", style.order_leaders(seen, leaders), colours, skip_zero=True
    )
    for _, row in session_dates(events).iterrows():
        if "Congress" in str(row["body"]):
            ax.axvline(row["date"], color="#999999", lw=0.8, ls=":")
            ax.text(
                row["date"],
                0.98,
                short_body(row["body"]),
                rotation=90,
                va="top",
                ha="right",
                fontsize=7,
                transform=ax.get_xaxis_transform(),
                color="#555555",
            )
    date_axis(ax)
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
    ax.set_xlabel("date (monthly)")
    ax.set_ylabel("share of provincial secretaries who are his men")
    side_legend(ax, handles, int(ts["replicate"].nunique()))
    style.caption(fig, caption)
    return fig


def party_growth(
    party: pd.DataFrame, events: pd.DataFrame, caption: str = "", drives: dict | None = None
) -> Figure:
    """Members and candidates by month (median across replicates), with the drives and purges marked.

    `drives` is the scenario's `party.drives` (from the manifest); the Lenin Enrolment is read from the
    events.
    """
    fig = style.new_figure(style.WIDE)
    ax = fig.add_subplot()
    ax.set_title("The party's growth: full members and candidates")
    if party.empty:
        style.no_data(ax, "No party table in these results")
        style.caption(fig, caption)
        return fig
    med = party.groupby("date")[["members", "candidates"]].median().sort_index()
    ax.stackplot(
        med.index,
        med["members"] / 1e3,
        med["candidates"] / 1e3,
        labels=["full members", "candidates"],
        colors=["#4c72b0", "#a1c9f4"],
        alpha=0.9,
    )
    ev = (
        events[events["kind"].isin(["lenin_enrolment_start", "lenin_enrolment_end"])]
        if not events.empty
        else events
    )
    if not ev.empty:
        start, end = (
            ev[ev["kind"] == "lenin_enrolment_start"]["date"].min(),
            ev[ev["kind"] == "lenin_enrolment_end"]["date"].max(),
        )
        if pd.notna(start) and pd.notna(end):
            ax.axvspan(start, end, color="#dd8452", alpha=0.2, label="Lenin Enrolment")
    labelled: set[str] = set()
    for name, drive in (drives or {}).items():
        purge = float(drive.get("expelled") or 0) > 0
        kind = "purge" if purge else "admissions"
        ax.axvspan(
            pd.Timestamp(drive["start"]),
            pd.Timestamp(drive["end"]),
            ymin=0.0,
            ymax=0.03,
            color="#c44e52" if purge else "#55a868",
            alpha=0.8,
            label=None if kind in labelled else kind,
        )
        labelled.add(kind)
        ax.text(
            pd.Timestamp(drive["start"]),
            0.04,
            name.replace("_", " "),
            fontsize=7,
            transform=ax.get_xaxis_transform(),
            color="#444444",
        )
    date_axis(ax)
    ax.set_xlabel("date (monthly)")
    ax.set_ylabel("thousands (real numbers)")
    ax.legend(
        loc="upper left", fontsize=8.5, frameon=False, title="median across replicates", title_fontsize=8.5
    )
    style.caption(fig, caption)
    return fig


def delegations_at_congresses(
    delegations: pd.DataFrame, caption: str = "", leaders: list[str] | None = None
) -> Figure:
    """At each Congress, the delegates by the patron of their organisation's secretary; the votes against.

    `leaders` is the scenario's cast: it sets the order and the colours of the patrons.
    """
    fig = style.new_figure(style.WIDE)
    ax = fig.add_subplot()
    ax.set_title("Delegations at each Congress, by whose man chose them (mean across replicates)")
    d = (
        delegations[delegations["body"].astype(str).str.contains("Congress", na=False)]
        if not delegations.empty
        else delegations
    )
    if d.empty:
        style.no_data(ax, "No Congress delegations in these results")
        style.caption(fig, caption)
        return fig
    d = d.assign(patron=d["patron"].fillna("").replace({"<na>": ""}).astype(str))
    reps = int(d["replicate"].nunique())
    by = d.groupby(["body", "patron"])["delegates"].sum().unstack(fill_value=0) / reps
    against = d.groupby("body")["against"].sum() / reps
    bodies = sorted(by.index, key=lambda b: d[d["body"] == b]["date"].min())
    bottom = pd.Series(0.0, index=bodies)
    patrons = [p for p in by.columns if p]
    colours = style.leader_palette(leaders, patrons)
    for patron in [p for p in style.order_leaders(patrons, leaders) if p in by.columns] + (
        [""] if "" in by.columns else []
    ):
        vals = by.loc[bodies, patron]
        label = style.display_name(patron) + "'s men" if patron else "nobody's (locally elected)"
        ax.bar(
            [short_body(b) for b in bodies],
            vals,
            bottom=bottom,
            color=colours[patron] if patron else "#cccccc",
            label=label,
        )
        bottom += vals
    for i, b in enumerate(bodies):
        ax.text(
            i, bottom[b] * 1.01, f"against the line: {against[b]:.0f}", ha="center", va="bottom", fontsize=8
        )
    ax.set_xlabel("Party Congress")
    ax.set_ylabel("voting delegates")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8.5, frameon=False)
    style.caption(fig, caption)
    return fig
