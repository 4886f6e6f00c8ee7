"""The data model, shaped after EPCIS so that exporting events is a mapping."""

from .audit import AuditEntry
from .certification import Certification, CertificationKind, CertificationStatus, GrantingLevel
from .event import Event
from .inspection import Inspection, InspectionResult, LotStatusChange
from .interop import ApiToken, OutboxItem, OutboxState
from .job import Job, JobState
from .lot import Lot, LotInput, LotStatus
from .media import EventPhoto, MediaFile, MediaKind
from .producer import LegalForm, Producer
from .product import OcopGroup, Product
from .programme import BatchEntry, BatchEntryStatus, ProgrammeBatch
from .readiness import ProductReadiness
from .serial import Scan, ScanDay, ScanNationalDay, ScanNationalPlace, ScanPlace, Serial
from .user import Role, User

__all__ = [
    "ApiToken",
    "OutboxItem",
    "OutboxState",
    "AuditEntry",
    "Inspection",
    "Job",
    "JobState",
    "InspectionResult",
    "LotStatusChange",
    "BatchEntry",
    "BatchEntryStatus",
    "Certification",
    "CertificationKind",
    "CertificationStatus",
    "Event",
    "EventPhoto",
    "GrantingLevel",
    "LegalForm",
    "Lot",
    "LotInput",
    "LotStatus",
    "MediaFile",
    "MediaKind",
    "OcopGroup",
    "Producer",
    "Product",
    "ProductReadiness",
    "ProgrammeBatch",
    "Role",
    "Scan",
    "ScanDay",
    "ScanNationalDay",
    "ScanNationalPlace",
    "ScanPlace",
    "Serial",
    "User",
]
