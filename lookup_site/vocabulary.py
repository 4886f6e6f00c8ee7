"""Controlled vocabularies: diary steps mapped to EPCIS business steps, and labels."""

from __future__ import annotations

from dataclasses import dataclass

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
