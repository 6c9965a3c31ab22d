"""Mechanism 5, the members' choice: whom the party's members follow (random utility, read by line bin).

Seed: the rank and file follow the apparatus, Lenin's guardian and the side that is winning, not the
best orator. A member's utility of following leader j: the patronage of his organisation's secretary
(the apparatus reaches members through the local committee), his organisation's boss, the distance
of lines, charisma times standing, legitimacy, the bandwagon, fear of following a loser, and an
organised faction's pull; with Gumbel noise of scale 1 (the unit
the weights are measured in), a multinomial logit. Members of one
organisation whose lines fall in one bin are alike, so the choice is computed per (organisation, line
bin) and weighed by the member table (`sim.model.party.membership`). Each month a share `reconsider_rate`
of the members weighs again: a leader's following moves that far toward what they would choose now.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.mechanisms.information import foresight_discount
from sim.model.leaders import RUNG
from sim.model.party.membership import BIN_CENTRES
from sim.model.politics import in_opposition, opposition

if TYPE_CHECKING:
    from sim.model.core import PowerStruggleModel


def eligible_mask(model: PowerStruggleModel) -> np.ndarray:
    """Which leaders members may follow, cached until a sanction changes it."""
    return model.cache.by_structure("eligible", _eligible, model)


def _eligible(model: PowerStruggleModel) -> np.ndarray:
    return np.array([lead.eligible for lead in model.leaders])


def danger(model: PowerStruggleModel) -> np.ndarray:
    """Per leader, how dangerous following him is.

    His rung (0 at censure, 1 at exile abroad), plus the climate of fear (`base_fear` + fear) if he is
    in open opposition.
    """
    w = model.cfg.mechanisms.delegate_choice
    span = RUNG["exile_abroad"] - RUNG["censure"]
    climate = w.base_fear + model.fear
    opposed = opposition(model)  # in_opposition(model, k, model.ruling) for each k, cached
    return np.array(
        [
            max(lead.rung - RUNG["censure"], 0) / span + climate * (k in opposed)
            for k, lead in enumerate(model.leaders)
        ]
    )


def _per_bin(model: PowerStruggleModel) -> np.ndarray:
    """The terms that do not depend on the organisation, per line bin and leader (bins x leaders)."""
    w = model.cfg.mechanisms.delegate_choice
    leaders = model.leaders
    support = model.support_list
    pos = np.array([lead.position for lead in leaders])
    const = np.array(
        [
            w.legitimacy * lead.legitimacy
            + w.charisma * lead.charisma * lead.standing
            + w.bandwagon * support[k]
            for k, lead in enumerate(leaders)
        ]
    ) - w.fear * danger(model)
    per_bin = -w.ideology * np.abs(BIN_CENTRES[:, None] - pos[None, :]) + const[None, :]
    mob = model.cfg.mechanisms.mobilisation
    if mob.enabled and any(lead.mobilised for lead in leaders):
        discount = foresight_discount(model, model.ruling)
        for k, lead in enumerate(leaders):
            if lead.mobilised:
                pull = mob.faction_pull * mob.strength * lead.organisational_skill * discount
                per_bin[:, k] += pull * np.exp(-np.abs(BIN_CENTRES - lead.position) / mob.reach)
    return per_bin


def _organisation_kinds(model: PowerStruggleModel) -> tuple[np.ndarray, np.ndarray]:
    """Organisations alike in whose man runs them and who is their boss: (kind of each, kinds' terms).

    The choice differs between organisations only by these two one-hot terms, so it is computed once
    per kind (a handful) rather than once per organisation (about ninety). Cached until a placement or
    a structural change (a boss losing his post).
    """
    version = model.party.apparatus.version
    return model.cache.by_structure(("organisation_kinds", version), _kinds, model)


def _kinds(model: PowerStruggleModel) -> tuple[np.ndarray, np.ndarray]:
    w = model.cfg.mechanisms.delegate_choice
    apparatus = model.party.apparatus
    n_leaders = len(model.leaders)
    key = (apparatus.patrons() + 1) * (n_leaders + 1) + (apparatus.bosses() + 1)
    # np.unique(key, return_inverse=True) by counting: the keys are few and small, and this runs after
    # every placement.
    present = np.bincount(key, minlength=(n_leaders + 1) ** 2) > 0
    kinds = np.flatnonzero(present)
    kind_of = (np.cumsum(present) - 1)[key]
    terms = np.zeros((kinds.size, n_leaders))
    patron, boss = kinds // (n_leaders + 1) - 1, kinds % (n_leaders + 1) - 1
    rows = np.arange(kinds.size)
    terms[rows[patron >= 0], patron[patron >= 0]] += w.patronage
    terms[rows[boss >= 0], boss[boss >= 0]] += w.bloc
    return kind_of, terms


def utilities(model: PowerStruggleModel) -> np.ndarray:
    """Utility (noise excluded, strength included) of each leader per organisation and line bin.

    Shape (organisations, bins, leaders); ineligible leaders get -inf.
    """
    kind_of, terms = _organisation_kinds(model)
    return _utilities(model, terms)[kind_of]


def _utilities(model: PowerStruggleModel, org_terms: np.ndarray) -> np.ndarray:
    w = model.cfg.mechanisms.delegate_choice
    u = (_per_bin(model)[None, :, :] + org_terms[:, None, :]) * w.strength
    return np.where(eligible_mask(model)[None, None, :], u, -np.inf)


def _logit(u: np.ndarray) -> np.ndarray:
    """Multinomial logit with Gumbel noise of scale 1: the noise is the unit the weights are measured in."""
    p = u - u.max(axis=2, keepdims=True)
    np.exp(p, out=p)
    p /= p.sum(axis=2, keepdims=True)
    return p


def choice_shares(model: PowerStruggleModel) -> np.ndarray:
    """The logit shares per organisation, line bin and leader (each (organisation, bin) sums to 1)."""
    kind_of, terms = _organisation_kinds(model)
    return _logit(_utilities(model, terms))[kind_of]


def following(model: PowerStruggleModel) -> np.ndarray:
    """Each leader's share of the members, were they all to choose now."""
    kind_of, terms = _organisation_kinds(model)
    p = _logit(_utilities(model, terms))
    table = model.party.members.table
    by_kind = _kind_members(model, kind_of, terms.shape[0]) @ table
    counts = np.einsum("cb,cbk->k", by_kind, p)
    total = counts.sum()
    return counts / total if total > 0 else counts


def _kind_members(model: PowerStruggleModel, kind_of: np.ndarray, n_kinds: int) -> np.ndarray:
    """Kinds x organisations: 1 where the organisation is of the kind (cached with the kinds)."""
    version = model.party.apparatus.version
    return model.cache.by_structure(
        ("kind_members", version),
        lambda: (kind_of[None, :] == np.arange(n_kinds)[:, None]).astype(np.int64),
    )


def organisation_views(model: PowerStruggleModel) -> np.ndarray:
    """Per organisation, the share of its members who would follow each leader (organisations x leaders)."""
    kind_of, terms = _organisation_kinds(model)
    p = _logit(_utilities(model, terms))
    counts = np.einsum("ob,obk->ok", model.party.members.table, p[kind_of])
    return counts / np.maximum(counts.sum(axis=1, keepdims=True), 1e-12)


def utility_reference(model: PowerStruggleModel, org: int, line: float) -> np.ndarray:
    """docs/model.md section 7.5 written plainly for one member (leader by leader); for tests only."""
    w, mob = model.cfg.mechanisms.delegate_choice, model.cfg.mechanisms.mobilisation
    apparatus = model.party.apparatus
    patron, boss = apparatus.secretaries[org].patron, apparatus.boss_of(org)
    out = []
    for j, lead in enumerate(model.leaders):
        if not lead.eligible:
            out.append(-np.inf)
            continue
        opposed = in_opposition(model, j, model.ruling)
        rung_danger = max(lead.rung - RUNG["censure"], 0) / (RUNG["exile_abroad"] - RUNG["censure"])
        u = (
            w.patronage * (patron == j)
            + w.bloc * (boss == j)
            - w.ideology * abs(line - lead.position)
            + w.charisma * lead.charisma * lead.standing
            + w.legitimacy * lead.legitimacy
            + w.bandwagon * model.support[j]
            - w.fear * (rung_danger + opposed * (w.base_fear + model.fear))
        )
        if mob.enabled and lead.mobilised:
            discount = foresight_discount(model, model.ruling)
            u += (
                mob.faction_pull
                * mob.strength
                * lead.organisational_skill
                * discount
                * np.exp(-abs(line - lead.position) / mob.reach)
            )
        out.append(w.strength * u)
    return np.array(out)


def settle(model: PowerStruggleModel) -> None:
    """The following of January 1924: the choice's fixed point (the bandwagon feeds back on itself)."""
    for _ in range(100):
        new = following(model)
        done = np.abs(new - model.support).max() < 1e-9
        model.set_support(new)
        if done:
            return


def reweigh(model: PowerStruggleModel) -> None:
    """A share `reconsider_rate` of members weigh again: the following moves that far toward their choice.

    Followers of a leader who has been expelled must choose again whatever the rate.
    """
    w = model.cfg.mechanisms.delegate_choice
    eligible = eligible_mask(model)
    support = model.support
    stranded = float(support[~eligible].sum())
    if not w.enabled and stranded == 0.0:
        return
    target = following(model)
    rate = w.reconsider_rate if w.enabled else 0.0
    kept = support * eligible * (1.0 - rate)
    new = kept + target * (1.0 - kept.sum())
    model.set_support(new)
