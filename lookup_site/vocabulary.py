"""Controlled vocabularies: diary steps mapped to EPCIS business steps, and labels."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import format_decimal, ngettext
from flask_babel import lazy_gettext as _l

CBV_BIZSTEP = "https://ref.gs1.org/cbv/BizStep-"
# The CBV has no farm steps (harvesting, sowing, ...): they get the project's own URIs.
PROJECT_BIZSTEP = "urn:txng:bizstep:"


@dataclass(frozen=True)
class Step:
    key: str
    uri: str
    label: object  # a lazy string, rendered in the visitor's language


def _cbv(key: str, label) -> Step:
    return Step(key, CBV_BIZSTEP + key, label)


def _own(key: str, label) -> Step:
    return Step(key, PROJECT_BIZSTEP + key, label)


STEPS: dict[str, Step] = {
    step.key: step
    for step in (
        _own("sowing", _l("Sowing")),
        _own("planting", _l("Planting")),
        _own("fertilising", _l("Fertilising")),
        _own("spraying", _l("Crop protection")),
        _own("feeding", _l("Feeding")),
        _own("harvesting", _l("Harvesting")),
        _own("catching", _l("Catching")),
        _own("drying", _l("Drying")),
        _own("fermenting", _l("Fermenting")),
        _own("cooking", _l("Cooking")),
        _own("distilling", _l("Distilling")),
        _own("firing", _l("Firing")),
        _cbv("receiving", _l("Receiving")),
        _cbv("commissioning", _l("Production")),
        _cbv("packing", _l("Packing")),
        _cbv("storing", _l("Storing")),
        _cbv("inspecting", _l("Inspection")),
        _cbv("sampling", _l("Sampling")),
        _cbv("shipping", _l("Shipping")),
        _cbv("transporting", _l("Transporting")),
        _cbv("retail_selling", _l("Retail sale")),
        _cbv("destroying", _l("Destruction")),
        _own("correction", _l("Correction")),
    )
}


def step_label(key: str):
    step = STEPS.get(key)
    return step.label if step else key


# Units are stored as these keys and shown in the visitor's language. Metric
# symbols read the same everywhere; counted units need a translated plural.
METRIC_UNITS = ("kg", "g", "t", "l", "ml")
COUNTED_UNITS = {
    "bottle": lambda n, q: ngettext("%(quantity)s bottle", "%(quantity)s bottles", n, quantity=q),
    "jar": lambda n, q: ngettext("%(quantity)s jar", "%(quantity)s jars", n, quantity=q),
    "box": lambda n, q: ngettext("%(quantity)s box", "%(quantity)s boxes", n, quantity=q),
    "bag": lambda n, q: ngettext("%(quantity)s bag", "%(quantity)s bags", n, quantity=q),
    "pack": lambda n, q: ngettext("%(quantity)s pack", "%(quantity)s packs", n, quantity=q),
    "tray": lambda n, q: ngettext("%(quantity)s tray", "%(quantity)s trays", n, quantity=q),
    "piece": lambda n, q: ngettext("%(quantity)s piece", "%(quantity)s pieces", n, quantity=q),
    "egg": lambda n, q: ngettext("%(quantity)s egg", "%(quantity)s eggs", n, quantity=q),
    "bunch": lambda n, q: ngettext("%(quantity)s bunch", "%(quantity)s bunches", n, quantity=q),
    "can": lambda n, q: ngettext("%(quantity)s can", "%(quantity)s cans", n, quantity=q),
    "sack": lambda n, q: ngettext("%(quantity)s sack", "%(quantity)s sacks", n, quantity=q),
    "carton": lambda n, q: ngettext("%(quantity)s carton", "%(quantity)s cartons", n, quantity=q),
    "roll": lambda n, q: ngettext("%(quantity)s roll", "%(quantity)s rolls", n, quantity=q),
    "set": lambda n, q: ngettext("%(quantity)s set", "%(quantity)s sets", n, quantity=q),
}
UNITS = (*METRIC_UNITS, *COUNTED_UNITS)


def quantity_with_unit(quantity: Decimal | int | None, unit: str | None) -> str:
    """Format a quantity and its unit in the active locale: "1.200 chai", "1,200 bottles"."""
    if quantity is None:
        return ""
    formatted = format_decimal(quantity)
    counted = COUNTED_UNITS.get(unit or "")
    if counted is not None:
        whole = int(quantity) if quantity == int(quantity) else 2  # 1.5 bottles is plural
        return counted(whole, formatted)
    return f"{formatted} {unit}" if unit else formatted


def unit_choices() -> list[tuple[str, str]]:
    """(key, label) pairs for a unit picker, labels in the active language."""
    choices = [("", "—")]
    for key in UNITS:
        counted = COUNTED_UNITS.get(key)
        choices.append((key, counted(1, "").strip() if counted else key))
    return choices


def step_choices() -> list[tuple[str, str]]:
    """(key, label) pairs for the diary's step picker, in vocabulary order."""
    return [(key, str(step.label)) for key, step in STEPS.items()]
