"""Figure 6: the parameter landscape of a sweep: P(outcome) against one, two or many swept parameters."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.plots import style
from sim.plots.load import normalise
from sim.stats import wilson


def outcome_table(
    points: pd.DataFrame, parameters: list[str], runs: pd.DataFrame | None = None, outcome: str = "stalin"
) -> pd.DataFrame:
    """Return one row per point (parameters, p, lo, hi, n) from points.csv, or computed from the runs."""
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


def sweep_outcome(
    points: pd.DataFrame,
    parameters: list[str],
    *,
    runs: pd.DataFrame | None = None,
    outcome: str = "stalin",
    caption: str = "",
) -> Figure:
    """P(outcome wins) against the swept parameters: a line for one, a heatmap for two, panels for more."""
    who = style.display_name(outcome)
    t = outcome_table(points, parameters, runs, outcome)
    numeric = [p for p in parameters if p in t and pd.api.types.is_numeric_dtype(t[p])]
    if not parameters:
        return style.empty_figure(f"Sweep: P({who} wins)", "No swept parameters found in this sweep", caption)
    if t.empty:
        return style.empty_figure(
            f"Sweep: P({who} wins)",
            f"No P({who} wins) in this sweep (no p_{outcome} column and no completed runs)",
            caption,
        )
    if len(parameters) == 1:
        return _one(t, parameters[0], outcome, caption)
    if len(parameters) == 2 and len(numeric) == 2:
        return _two(t, parameters, outcome, caption)
    if len(parameters) == 2 and len(numeric) == 1:  # e.g. a numeric axis crossed with scenarios
        by = next(p for p in parameters if p not in numeric)
        return _one(t, numeric[0], outcome, caption, by=by)
    return _many(t, parameters, outcome, caption)


def _label(param: str) -> str:
    """Axis label for a dotted parameter path."""
    return f"{param}  (swept value)"


def _one(t: pd.DataFrame, param: str, outcome: str, caption: str, by: str | None = None) -> Figure:
    """P against one parameter with its interval band (one line per value of `by`, when given)."""
    who = style.display_name(outcome)
    colour = style.leader_colour(outcome)
    fig = style.new_figure((10.0, 6.0))
    ax = fig.add_subplot()
    ax.set_title(f"Sweep: P({who} wins) against {param}" + (f", by {by}" if by else ""))
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
            label=f"P({who} wins){tag}",
        )
    ax.axhline(0.5, color="#999999", lw=0.8, ls=":", label="50%")
    ax.set_ylim(-0.02, 1.02)
    ax.yaxis.set_major_formatter(lambda v, _p: f"{v:.0%}")
    ax.grid(color="#eeeeee")
    ax.set_xlabel(_label(param))
    ax.set_ylabel(f"P({who} wins), share of replicates")
    ax.legend(loc="best", fontsize=9)
    style.caption(fig, caption)
    return fig


def _edges(values: np.ndarray) -> np.ndarray:
    """Cell edges half-way between sorted grid values (works for uneven spacing)."""
    v = np.asarray(values, dtype=float)
    if len(v) == 1:
        return np.array([v[0] - 0.5, v[0] + 0.5])
    mid = (v[1:] + v[:-1]) / 2
    return np.concatenate([[v[0] - (mid[0] - v[0])], mid, [v[-1] + (v[-1] - mid[-1])]])


def _two(t: pd.DataFrame, params: list[str], outcome: str, caption: str) -> Figure:
    """Heatmap of P over a two-parameter grid with the 50% contour; scattered designs use a triangulation."""
    who = style.display_name(outcome)
    px, py = params
    fig = style.new_figure((10.0, 7.5))
    ax = fig.add_subplot()
    ax.set_title(f"Sweep: P({who} wins) over {px} × {py}")
    g = t.groupby([px, py], as_index=False)["p"].mean()
    xs, ys = np.sort(g[px].unique()), np.sort(g[py].unique())
    cmap = "RdBu_r"
    handles = []
    if len(g) == len(xs) * len(ys) and len(xs) > 1 and len(ys) > 1:
        z = g.pivot(index=py, columns=px, values="p").reindex(index=ys, columns=xs).to_numpy()
        mesh = ax.pcolormesh(_edges(xs), _edges(ys), z, cmap=cmap, vmin=0, vmax=1, shading="flat")
        if np.nanmin(z) < 0.5 < np.nanmax(z):
            ax.contour(xs, ys, z, levels=[0.5], colors="black", linewidths=2)
            handles.append(Line2D([], [], color="black", lw=2, label="50% contour"))
        if len(xs) * len(ys) <= 144:
            for i, yv in enumerate(ys):
                for j, xv in enumerate(xs):
                    if np.isfinite(z[i, j]):
                        ax.text(
                            xv,
                            yv,
                            f"{z[i, j]:.2f}",
                            ha="center",
                            va="center",
                            fontsize=7,
                            color="white" if abs(z[i, j] - 0.5) > 0.3 else "black",
                        )
    else:
        mesh = _scattered(ax, g, px, py, cmap, handles)
    cb = fig.colorbar(mesh, ax=ax)
    cb.set_label(f"P({who} wins)")
    cb.ax.yaxis.set_major_formatter(lambda v, _p: f"{v:.0%}")
    ax.set_xlabel(_label(px))
    ax.set_ylabel(_label(py))
    handles.append(
        Patch(
            facecolor=style.leader_colour("stalin") if outcome == "stalin" else "#b2182b",
            label=f"red: {who} usually wins",
        )
    )
    handles.append(Patch(facecolor="#2166ac", label=f"blue: {who} usually loses"))
    ax.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(0, -0.1), ncol=3, fontsize=8.5, frameon=False
    )
    style.caption(fig, caption)
    return fig


def _scattered(ax: Axes, g: pd.DataFrame, px: str, py: str, cmap: str, handles: list) -> object:
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


def _many(t: pd.DataFrame, params: list[str], outcome: str, caption: str) -> Figure:
    """One panel per parameter: every point's P against it, with a kernel-smoothed trend."""
    who = style.display_name(outcome)
    colour = style.leader_colour(outcome)
    ncol = min(3, len(params))
    nrow = -(-len(params) // ncol)
    fig = style.new_figure((4.2 * ncol + 1.0, 3.6 * nrow + 1.0))
    axes = fig.subplots(nrow, ncol, squeeze=False, sharey=True).ravel()
    fig.suptitle(f"Sweep: P({who} wins) against each of {len(params)} swept parameters")
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
            ax.set_xlabel(param, fontsize=8.5)
            ax.grid(color="#eeeeee")
            continue
        xv, yv = x[ok].to_numpy(float), t.loc[ok, "p"].to_numpy(float)
        ax.scatter(xv, yv, s=14, color=colour, alpha=0.45, lw=0)
        if np.ptp(xv) > 0:
            grid = np.linspace(xv.min(), xv.max(), 100)
            ax.plot(grid, smooth(xv, yv, grid, 0.15 * np.ptp(xv)), color="black", lw=2)
        ax.axhline(0.5, color="#999999", lw=0.8, ls=":")
        ax.set_xlabel(param, fontsize=8.5)
        ax.grid(color="#eeeeee")
    for ax in axes[len(params) :]:
        ax.set_visible(False)
    for ax in axes[::ncol]:
        ax.set_ylabel(f"P({who} wins)")
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
