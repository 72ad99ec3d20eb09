"""HTML renderings of procedures, plans and catalogues for notebooks.

Colours are inherited from the notebook theme (text and borders use ``currentColor`` and
translucent greys), so the tables read in light and dark themes alike.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from interventional.procedures.catalog import Catalog
    from interventional.procedures.model import Procedure
    from interventional.procedures.plan import ProcedurePlan

__all__ = ["catalog_html", "plan_html", "procedure_html"]

_TABLE = (
    '<table style="border-collapse:collapse;color:inherit;background:transparent;font-size:0.9em">'
)
_CELL = 'style="border:1px solid rgba(127,127,127,0.45);padding:2px 6px;text-align:left"'
_HEAD = (
    'style="border:1px solid rgba(127,127,127,0.45);padding:2px 6px;text-align:left;'
    'background:rgba(127,127,127,0.15)"'
)


def _e(value: object) -> str:
    return html.escape(str(value))


def _rows(pairs: list[tuple[str, str]]) -> str:
    return "".join(f"<tr><th {_HEAD}>{_e(k)}</th><td {_CELL}>{v}</td></tr>" for k, v in pairs)


def _join(values: object) -> str:
    return ", ".join(_e(v) for v in values) if values else "&mdash;"  # type: ignore[attr-defined]


def _procedure_rows(p: Procedure) -> list[tuple[str, str]]:
    rows = [
        ("id", f"<code>{_e(p.id)}</code>"),
        ("aliases", _join(p.aliases)),
        ("category", _e(p.category.value)),
        ("technique", _e(p.technique.value)),
        ("approach", _e(p.approach.value)),
        ("regions", _join(sorted(r.value for r in p.regions))),
        ("levels", _join(p.levels)),
        ("targets", _join(sorted(kind.value for kind in p.target_kinds))),
        (
            "modalities",
            _join(sorted(m.value for m in p.modalities))
            + f" (usual: {_e(p.usual_modality.value)})",
        ),
        ("bleeding risk (ASRA 2018)", f"<b>{_e(p.bleeding_risk.value)}</b>"),
        (
            "basis of the class",
            _e(p.bleeding_risk_basis) if p.bleeding_risk_basis is not None else "&mdash;",
        ),
        ("neuraxial", "yes" if p.neuraxial else "no"),
        ("lateralized", "yes" if p.lateralized else "no"),
    ]
    if p.views:
        rows.append(("views", _join(getattr(v, "name", v) for v in p.views)))
    if p.needle is not None:
        rows.append(("needle", _e(p.needle)))
    if p.injectates:
        rows.append(("injectates", _join(p.injectates)))
    if p.structures_at_risk:
        rows.append(("at risk", _join(p.structures_at_risk)))
    if p.complications:
        rows.append(("complications", _join(p.complications)))
    if p.max_levels is not None:
        rows.append(("max levels", _e(p.max_levels)))
    if p.typical_duration is not None:
        minutes = int(p.typical_duration.total_seconds() // 60)
        sources = _join(ref.key for ref in p.typical_duration_references)
        rows.append(("typical duration", f"{minutes} min ({sources})"))
    rows.append(("references", _join(ref.key for ref in p.references)))
    return rows


def procedure_html(p: Procedure) -> str:
    """A two-column table of a procedure's record."""
    return f"<div><b>{_e(p.name)}</b>{_TABLE}{_rows(_procedure_rows(p))}</table></div>"


def plan_html(plan: ProcedurePlan) -> str:
    """A two-column table of a plan and its resolved targets."""
    rows = [
        ("procedure", f"{_e(plan.procedure.name)} (<code>{_e(plan.procedure.id)}</code>)"),
        ("levels", _join(plan.levels)),
        ("side", _e(plan.side.value) if plan.side is not None else "&mdash;"),
        ("modality", _e(plan.modality.value)),
        ("injectates", _join(plan.injectates)),
        ("targets", _join(f"{s.id}" for s in plan.targets)),
        ("bleeding risk (ASRA 2018)", f"<b>{_e(plan.procedure.bleeding_risk.value)}</b>"),
    ]
    return f"<div><b>Plan</b>{_TABLE}{_rows(rows)}</table></div>"


def catalog_html(catalog: Catalog) -> str:
    """One row per procedure: id, name, category, modalities, bleeding risk."""
    head = "".join(
        f"<th {_HEAD}>{_e(h)}</th>"
        for h in ("id", "name", "category", "modalities", "bleeding risk")
    )
    body = "".join(
        f"<tr><td {_CELL}><code>{_e(p.id)}</code></td><td {_CELL}>{_e(p.name)}</td>"
        f"<td {_CELL}>{_e(p.category.value)}</td>"
        f"<td {_CELL}>{_join(sorted(m.value for m in p.modalities))}</td>"
        f"<td {_CELL}>{_e(p.bleeding_risk.value)}</td></tr>"
        for p in catalog.values()
    )
    return (
        f"<div><b>Catalog of {len(catalog)} procedures</b>{_TABLE}"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )
