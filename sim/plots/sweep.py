"""Figure 6: the parameter landscape of a sweep: P(outcome) against one, two or many swept parameters."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.colors import Colormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from sim.names import p_wins
from sim.plots import style
from sim.plots.load import normalise
from sim.run.stats import wilson


def outcome_table(
    points: pd.DataFrame, parameters: list[str], runs: pd.DataFrame | None = None, outcome: str | None = None
) -> pd.DataFrame:
    """Return one row per point (parameters, p, lo, hi, n) from points.csv, or computed from the runs.

    `outcome` is the winner whose probability it is (default: `default_outcome`).
    """
    outcome = outcome if outcome is not None else default_outcome(points, runs)
    pts = normalise(points) if points is not None else pd.DataFrame()
    col = f"p_{outcome}"
    if not pts.empty and col in pts and all(p in pts for p in parameters):
        out = pts[parameters].copy()
        out["p"] = pd.to_numeric(pts[col], errors="coerce")
        out["lo"] = pd.to_numeric(pts[f"{col}_lo"], errors="coerce") if f"{col}_lo" in pts else np.nan
        out["hi"] = pd.to_numeric(pts[f"{col}_hi"], errors="coerce") if f"{col}_hi" in pts else np.nan
        n = next((c for c in ("n", "replicates", "runs", "n_runs") if c in pts), None)
        out["n"] = pd.to_numeric(pts[n], errors="coerce") if n else np.nan
        return out.dropna(subset=["p"]).reset_index(drop=True)
    rr = normalise(runs) if runs is not None else pd.DataFrame()
    if rr.empty or "winner" not in rr or not all(p in rr for p in parameters) or not parameters:
        return pd.DataFrame(columns=[*parameters, "p", "lo", "hi", "n"])
    rows = []
    for key, g in rr.groupby(parameters, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        k, n = int((g["winner"] == outcome).sum()), len(g)
        lo, hi = wilson(k, n)
        rows.append(dict(zip(parameters, key, strict=True), p=k / n, lo=lo, hi=hi, n=n))
    return pd.DataFrame(rows)


def outcomes(points: pd.DataFrame, runs: pd.DataFrame | None = None) -> list[str]:
    """Winners the sweep reports a probability for (`p_<name>` columns, or winners in the runs)."""
    names = (
        [c[2:] for c in points.columns if c.startswith("p_") and not c.endswith(("_lo", "_hi"))]
        if points is not None
        else []
    )
    if not names and runs is not None and "winner" in runs:
        names = sorted(normalise(runs)["winner"].dropna().unique())
    return names


def default_outcome(
    points: pd.DataFrame, runs: pd.DataFrame | None = None, leaders: list[str] | None = None
) -> str:
    """The first winner the sweep reports, in the cast's order (`style.order_leaders`).

    With no winner at all, the cast's first leader (the figures' default cast when none is given, as
    for the colours). A caller that knows the scenario passes its principal instead (`draw.sweep_figures`).
    """
    names = [w for w in outcomes(points, runs) if w != "none"]
    return next(iter(style.order_leaders(names, leaders)), (leaders or style.LEADERS)[0])


def sweep_outcome(
    points: pd.DataFrame,
    parameters: list[str],
    *,
    runs: pd.DataFrame | None = None,
    outcome: str | None = None,
    caption: str = "",
    leaders: list[str] | None = None,
) -> Figure:
    """P(outcome wins) against the swept parameters: a line for one, a heatmap for two, panels for more.

    `leaders` is the scenario's cast, for the outcome's colour (as in the run figures). `outcome`
    defaults to `default_outcome` (the scenario's principal is passed by `draw.sweep_figures`).
    """
    outcome = outcome if outcome is not None else default_outcome(points, runs, leaders)
    who = style.display_name(outcome)
    colour = style.leader_colour(outcome, leaders)
    t = outcome_table(points, parameters, runs, outcome)
    numeric = [p for p in parameters if p in t and pd.api.types.is_numeric_dtype(t[p])]
    if not parameters:
        return style.empty_figure(f"Sweep: {p_wins(who)}", "No swept parameters found in this sweep", caption)
    if t.empty:
        return style.empty_figure(
            f"Sweep: {p_wins(who)}",
            f"No {p_wins(who)} in this sweep (no p_{outcome} column and no completed runs)",
            caption,
        )
    if len(parameters) == 1:
        return _one(t, parameters[0], outcome, caption, colour)
    if len(parameters) == 2 and len(numeric) == 2:
        return _two(t, parameters, outcome, caption)
    if len(parameters) == 2 and len(numeric) == 1:  # e.g. a numeric axis crossed with scenarios
        by = next(p for p in parameters if p not in numeric)
        return _one(t, numeric[0], outcome, caption, colour, by=by)
    return _many(t, parameters, outcome, caption, colour)


def parameter_label(path: str) -> str:
    """A swept parameter's short name for an axis, readable where a dotted path is not.

    `leaders.stalin.appointment_control` -> `Stalin: appointment control`,
    `mechanisms.propaganda.strength` -> `Propaganda mechanism: strength`.
    """
    parts = [p.replace("_", " ") for p in str(path).split(".")]
    if len(parts) == 1:
        return parts[0]
    kinds = {"leaders": "", "mechanisms": " mechanism", "events": " (event)"}
    if len(parts) >= 3 and str(path).split(".")[0] in kinds:
        owner = parts[1].capitalize() + kinds[str(path).split(".")[0]]
        return f"{owner}: {' '.join(parts[2:])}"
    return f"{parts[-2].capitalize()}: {parts[-1]}"


def replicates_per_point(t: pd.DataFrame) -> str:
    """`20 replicates per point` (or `10-20 ...` when points differ), from the table's `n`; '' if unknown."""
    n = pd.to_numeric(t["n"], errors="coerce").dropna() if "n" in t else pd.Series(dtype=float)
    if n.empty:
        return ""
    lo, hi = int(n.min()), int(n.max())
    count = f"{lo}" if lo == hi else f"{lo}-{hi}"
    return f"{count} replicate{'s' if hi != 1 else ''} per point"


def _titled(text: str, t: pd.DataFrame) -> str:
    """Add how many replicates stand behind each point to a title."""
    reps = replicates_per_point(t)
    return f"{text} ({reps})" if reps else text


def _one(
    t: pd.DataFrame, param: str, outcome: str, caption: str, colour: str, by: str | None = None
) -> Figure:
    """P against one parameter with its interval band (one line per value of `by`, when given)."""
    who = style.display_name(outcome)
    fig = style.new_figure((10.0, 6.0))
    ax = fig.add_subplot()
    title = f"Sweep: {p_wins(who)} against {parameter_label(param)}" + (f", by {by}" if by else "")
    ax.set_title(_titled(title, t))
    groups = list(t.groupby(by, sort=False)) if by else [(None, t)]
    styles = ("-", "--", ":", "-.")
    markers = ("o", "s", "^", "D", "v")
    for i, (key, g) in enumerate(groups):
        g = g.groupby(param, as_index=False)[["p", "lo", "hi"]].mean().sort_values(param)
        x = g[param]
        if not pd.api.types.is_numeric_dtype(x):
            x = np.arange(len(g))
            ax.set_xticks(x, g[param].astype(str))
        tag = f" · {key}" if by else ""
        if g["lo"].notna().all() and g["hi"].notna().all():
            ax.fill_between(
                x,
                g["lo"],
                g["hi"],
                color=colour,
                alpha=0.2 if not by else 0.12,
                lw=0,
                label=f"95% interval (Wilson){tag}" if i == 0 or not by else None,
            )
        ax.plot(
            x,
            g["p"],
            ls=styles[i % len(styles)],
            marker=markers[i % len(markers)],
            color=colour,
            lw=2,
            label=f"{p_wins(who)}{tag}",
        )
    ax.axhline(0.5, color="#999999", lw=0.8, ls=":", label="50%")
    ax.set_ylim(-0.02, 1.02)
    ax.yaxis.set_major_formatter(lambda v, _p: f"{v:.0%}")
    ax.grid(color="#eeeeee")
    ax.set_xlabel(parameter_label(param))
    ax.set_ylabel(f"{p_wins(who)}, share of replicates")
    ax.legend(loc="best", fontsize=9)
    style.caption(fig, caption)
    return fig


def _edges(values: np.ndarray) -> np.ndarray:
    """Cell edges half-way between sorted grid values, the outer ones at the swept min and max.

    A cell never reaches past the design: a value beyond the last one swept was never run.
    """
    v = np.asarray(values, dtype=float)
    return np.concatenate([[v[0]], (v[1:] + v[:-1]) / 2, [v[-1]]])


def _with_intervals(t: pd.DataFrame) -> pd.DataFrame:
    """Fill missing Wilson intervals from p and n, so that every point can show its uncertainty."""
    t = t.copy()
    missing = t["lo"].isna() | t["hi"].isna()
    if missing.any() and t.loc[missing, "n"].notna().all():
        rows = t.loc[missing, ["p", "n"]].itertuples(index=False)
        pairs = [wilson(round(p * n), int(n)) for p, n in rows]
        t.loc[missing, ["lo", "hi"]] = np.array(pairs, dtype=float)
    return t


def _level_ticks(axis: Axis, values: np.ndarray) -> None:
    """A few swept levels get a tick each; a switch's two (an attribution's design) read off and on."""
    if len(values) > 6:
        return
    axis.set_ticks([float(v) for v in values])
    if {float(v) for v in values} <= {0.0, 1.0}:
        axis.set_ticklabels(["off" if float(v) == 0 else "on" for v in values])


def _two(t: pd.DataFrame, params: list[str], outcome: str, caption: str) -> Figure:
    """P over two numeric parameters (left), and how sure each point is: its 95% interval's width (right).

    A full grid is a heatmap whose cells stop at the swept range; cells whose interval spans 50% are
    hatched (the sweep cannot tell which side of even they are). A sampled design is triangulated.
    """
    who = style.display_name(outcome)
    px, py = params
    g = _with_intervals(t).groupby([px, py], as_index=False)[["p", "lo", "hi", "n"]].mean()
    g["width"] = g["hi"] - g["lo"]
    xs, ys = np.sort(g[px].unique()), np.sort(g[py].unique())
    fig = style.new_figure((15.0, 7.0))
    ax, ax_u = fig.subplots(1, 2, width_ratios=[1.25, 1.0])
    fig.suptitle(_titled(f"Sweep: {p_wins(who)} over {parameter_label(px)} × {parameter_label(py)}", t))
    ax.set_title(f"{p_wins(who)}", fontsize=10)
    ax_u.set_title("uncertainty: width of each point's 95% interval (Wilson)", fontsize=10)
    cmap = colormaps["RdBu_r"]
    handles: list = []
    if len(g) == len(xs) * len(ys) and len(xs) > 1 and len(ys) > 1:
        grid = {c: g.pivot(index=py, columns=px, values=c).reindex(index=ys, columns=xs).to_numpy() for c in
                ("p", "lo", "hi", "width")}  # fmt: skip
        mesh = _grid_panel(ax, xs, ys, grid, cmap, handles)
        mesh_u = ax_u.pcolormesh(_edges(xs), _edges(ys), grid["width"], cmap="Greys", vmin=0, vmax=1)
        _annotate_cells(ax_u, xs, ys, grid["width"], lambda v: f"{v:.2f}", lambda v: v > 0.45)
        for a in (ax, ax_u):
            a.set_xlim(xs[0], xs[-1])
            a.set_ylim(ys[0], ys[-1])
            _level_ticks(a.xaxis, xs)
            _level_ticks(a.yaxis, ys)
    else:
        mesh = _scattered(ax, g, px, py, cmap, handles)
        mesh_u = ax_u.scatter(
            g[px], g[py], c=g["width"], cmap="Greys", vmin=0, vmax=1, edgecolors="black", s=50
        )
    cb = fig.colorbar(mesh, ax=ax)
    cb.set_label(f"{p_wins(who)}")
    cb.ax.yaxis.set_major_formatter(lambda v, _p: f"{v:.0%}")
    cb_u = fig.colorbar(mesh_u, ax=ax_u)
    cb_u.set_label("width of the 95% interval (hi - lo)")
    for a in (ax, ax_u):
        a.set_xlabel(parameter_label(px))
        a.set_ylabel(parameter_label(py))
    handles += [
        Patch(facecolor=cmap(0.9), label=f"red: {who} usually wins"),
        Patch(facecolor=cmap(0.1), label=f"blue: {who} usually loses"),
    ]
    ax.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(0, -0.1), ncol=2, fontsize=8.5, frameon=False
    )
    style.caption(fig, caption)
    return fig


def _grid_panel(
    ax: Axes, xs: np.ndarray, ys: np.ndarray, grid: dict, cmap: Colormap, handles: list
) -> object:
    """Heatmap of P on a full grid, its 50% contour, and hatching where the interval spans 50%."""
    z = grid["p"]
    mesh = ax.pcolormesh(_edges(xs), _edges(ys), z, cmap=cmap, vmin=0, vmax=1, shading="flat")
    if np.nanmin(z) < 0.5 < np.nanmax(z):
        ax.contour(xs, ys, z, levels=[0.5], colors="black", linewidths=2)
        handles.append(Line2D([], [], color="black", lw=2, label="50% contour"))
    unsure = (grid["lo"] <= 0.5) & (grid["hi"] >= 0.5)
    ex, ey = _edges(xs), _edges(ys)
    for i, j in zip(*np.nonzero(unsure), strict=True):
        ax.add_patch(Rectangle((ex[j], ey[i]), ex[j + 1] - ex[j], ey[i + 1] - ey[i], fill=False, hatch="///",
                               edgecolor="#555555", lw=0))  # fmt: skip
    if unsure.any():
        handles.append(Patch(fill=False, hatch="///", edgecolor="#555555", label="95% interval spans 50%"))
    _annotate_cells(ax, xs, ys, z, lambda v: f"{v:.2f}", lambda v: abs(v - 0.5) > 0.3)
    return mesh


def _annotate_cells(
    ax: Axes, xs: np.ndarray, ys: np.ndarray, z: np.ndarray, fmt: Callable, dark: Callable
) -> None:
    """Write each cell's value at its centre (a grid of at most 144 cells), white on dark cells."""
    if len(xs) * len(ys) > 144:
        return
    cx, cy = np.diff(_edges(xs)) / 2 + _edges(xs)[:-1], np.diff(_edges(ys)) / 2 + _edges(ys)[:-1]
    for i, yv in enumerate(cy):
        for j, xv in enumerate(cx):
            if np.isfinite(z[i, j]):
                colour = "white" if dark(z[i, j]) else "black"
                ax.text(xv, yv, fmt(z[i, j]), ha="center", va="center", fontsize=7, color=colour)


def _scattered(ax: Axes, g: pd.DataFrame, px: str, py: str, cmap: Colormap, handles: list) -> object:
    """Points of an irregular design, coloured by P, over a triangulated surface when one can be built."""
    x, y, z = g[px].to_numpy(float), g[py].to_numpy(float), g["p"].to_numpy(float)
    try:
        if len(g) >= 4:
            ax.tricontourf(x, y, z, levels=np.linspace(0, 1, 11), cmap=cmap, vmin=0, vmax=1, alpha=0.8)
            if z.min() < 0.5 < z.max():
                ax.tricontour(x, y, z, levels=[0.5], colors="black", linewidths=2)
                handles.append(Line2D([], [], color="black", lw=2, label="50% contour"))
    except (ValueError, RuntimeError):  # collinear or too few distinct points: show the points alone
        pass
    sc = ax.scatter(x, y, c=z, cmap=cmap, vmin=0, vmax=1, edgecolors="black", s=50, zorder=3)
    handles.append(Line2D([], [], marker="o", color="#777777", mec="black", ls="none", label="sampled point"))
    return sc


def smooth(x: np.ndarray, y: np.ndarray, grid: np.ndarray, bandwidth: float) -> np.ndarray:
    """Gaussian-kernel (Nadaraya-Watson) trend of y against x, evaluated on grid."""
    w = np.exp(-0.5 * ((grid[:, None] - x[None, :]) / bandwidth) ** 2)
    s = w.sum(axis=1)
    return np.where(s > 1e-12, (w * y[None, :]).sum(axis=1) / np.where(s > 1e-12, s, 1), np.nan)


def _many(t: pd.DataFrame, params: list[str], outcome: str, caption: str, colour: str) -> Figure:
    """One panel per parameter: every point's P against it, with a kernel-smoothed trend."""
    who = style.display_name(outcome)
    ncol = min(3, len(params))
    nrow = -(-len(params) // ncol)
    fig = style.new_figure((4.2 * ncol + 1.0, 3.6 * nrow + 1.0))
    axes = fig.subplots(nrow, ncol, squeeze=False, sharey=True).ravel()
    fig.suptitle(_titled(f"Sweep: {p_wins(who)} against each of {len(params)} swept parameters", t))
    for ax, param in zip(axes, params, strict=False):
        x = pd.to_numeric(t[param], errors="coerce")
        ok = x.notna()
        if not ok.any():  # categorical (crossed scenarios): a column of points per value
            cats = list(dict.fromkeys(t[param].astype(str)))
            pos = t[param].astype(str).map({c: i for i, c in enumerate(cats)}).to_numpy(float)
            ax.scatter(pos, t["p"], s=14, color=colour, alpha=0.45, lw=0)
            med = t.groupby(t[param].astype(str))["p"].median()
            ax.plot(range(len(cats)), [med[c] for c in cats], "_", color="black", ms=30, mew=2)
            ax.set_xticks(range(len(cats)), cats, rotation=30, ha="right", fontsize=8)
            ax.set_xlabel(parameter_label(param), fontsize=8.5)
            ax.grid(color="#eeeeee")
            continue
        xv, yv = x[ok].to_numpy(float), t.loc[ok, "p"].to_numpy(float)
        ax.scatter(xv, yv, s=14, color=colour, alpha=0.45, lw=0)
        if np.ptp(xv) > 0:
            grid = np.linspace(xv.min(), xv.max(), 100)
            ax.plot(grid, smooth(xv, yv, grid, 0.15 * np.ptp(xv)), color="black", lw=2)
        ax.axhline(0.5, color="#999999", lw=0.8, ls=":")
        ax.set_xlabel(parameter_label(param), fontsize=8.5)
        ax.grid(color="#eeeeee")
    for ax in axes[len(params) :]:
        ax.set_visible(False)
    for ax in axes[::ncol]:
        ax.set_ylabel(f"{p_wins(who)}")
        ax.yaxis.set_major_formatter(lambda v, _p: f"{v:.0%}")
    axes[0].set_ylim(-0.02, 1.02)
    handles = [
        Line2D([], [], marker="o", color=colour, alpha=0.45, ls="none", label="one sweep point"),
        Line2D([], [], color="black", lw=2, label="smoothed trend (Gaussian kernel)"),
        Line2D([], [], color="#999999", lw=0.8, ls=":", label="50%"),
    ]
    spare = axes[len(params) :]
    if len(spare):  # an unused panel holds the legend, clear of the caption and the title
        spare[0].set_visible(True)
        spare[0].axis("off")
        spare[0].legend(handles=handles, loc="center", frameon=False, fontsize=9)
    else:
        fig.legend(handles=handles, loc="outside right center", frameon=False, fontsize=8.5)
    style.caption(fig, caption)
    return fig
