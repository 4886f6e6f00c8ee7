"""The data model, shaped after EPCIS so that exporting events is a mapping."""

from .certification import Certification, CertificationKind, CertificationStatus, GrantingLevel
from .event import Event
from .lot import Lot, LotInput, LotStatus
from .producer import LegalForm, Producer
from .product import OcopGroup, Product
from .programme import BatchEntry, BatchEntryStatus, ProgrammeBatch

__all__ = [
    "BatchEntry",
    "BatchEntryStatus",
    "Certification",
    "CertificationKind",
    "CertificationStatus",
    "Event",
    "GrantingLevel",
    "LegalForm",
    "Lot",
    "LotInput",
    "LotStatus",
    "OcopGroup",
    "Producer",
    "Product",
    "ProgrammeBatch",
]
