"""Certificate status derived from dates; the OCOP 36-month default."""

from __future__ import annotations

from datetime import date

import pytest

from lookup_site.models import Certification, CertificationKind, CertificationStatus
from lookup_site.models.certification import add_months


def test_ocop_certificate_is_valid_for_36_months_by_default():
    certificate = Certification(kind=CertificationKind.OCOP, issued_on=date(2023, 10, 15))
    assert certificate.valid_until == date(2026, 10, 15)


def test_an_explicit_validity_is_kept():
    certificate = Certification(
        kind=CertificationKind.OCOP, issued_on=date(2023, 10, 15), valid_until=date(2025, 1, 1)
    )
    assert certificate.valid_until == date(2025, 1, 1)


def test_other_certificates_have_no_default_validity():
    certificate = Certification(kind=CertificationKind.VIETGAP, issued_on=date(2023, 10, 15))
    assert certificate.valid_until is None


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2023, 10, 14), CertificationStatus.PENDING),
        (date(2023, 10, 15), CertificationStatus.VALID),
        (date(2026, 10, 15), CertificationStatus.VALID),
        (date(2026, 10, 16), CertificationStatus.EXPIRED),
    ],
)
def test_status_follows_the_dates(today, expected):
    certificate = Certification(kind=CertificationKind.OCOP, issued_on=date(2023, 10, 15))
    assert certificate.status_on(today) is expected


def test_pending_and_revoked():
    pending = Certification(kind=CertificationKind.OCOP)
    assert pending.status_on(date(2026, 1, 1)) is CertificationStatus.PENDING
    revoked = Certification(
        kind=CertificationKind.OCOP, issued_on=date(2024, 1, 1), revoked_on=date(2025, 1, 1)
    )
    assert revoked.status_on(date(2024, 6, 1)) is CertificationStatus.VALID
    assert revoked.status_on(date(2025, 1, 1)) is CertificationStatus.REVOKED


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 2, 29), 36, date(2027, 2, 28)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2023, 11, 30), 3, date(2024, 2, 29)),
    ],
)
def test_add_months_clamps_to_the_month_end(start, months, expected):
    assert add_months(start, months) == expected
