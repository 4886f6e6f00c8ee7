"""Vietnam's 34 provincial-level units (since the 2025 merger), for coarse places.

A shopper may choose to share the province where they checked an item; nothing
finer is ever asked or stored. Each unit has a stable code, its Vietnamese and
English names, and the approximate position of its administrative centre, which
is enough to tell "far apart" (Hà Nội and Cà Mau) from "next door".
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Province:
    code: str
    name_vi: str
    name_en: str
    lat: float
    lon: float

    def name(self, language: str) -> str:
        return self.name_vi if language == "vi" else self.name_en


PROVINCES: tuple[Province, ...] = (
    Province("ha-noi", "Hà Nội", "Hanoi", 21.03, 105.85),
    Province("hai-phong", "Hải Phòng", "Hai Phong", 20.86, 106.68),
    Province("hue", "Huế", "Hue", 16.46, 107.59),
    Province("da-nang", "Đà Nẵng", "Da Nang", 16.05, 108.20),
    Province("ho-chi-minh", "TP. Hồ Chí Minh", "Ho Chi Minh City", 10.78, 106.70),
    Province("can-tho", "Cần Thơ", "Can Tho", 10.03, 105.78),
    Province("an-giang", "An Giang", "An Giang", 10.01, 105.08),
    Province("bac-ninh", "Bắc Ninh", "Bac Ninh", 21.27, 106.19),
    Province("ca-mau", "Cà Mau", "Ca Mau", 9.18, 105.15),
    Province("cao-bang", "Cao Bằng", "Cao Bang", 22.67, 106.26),
    Province("dak-lak", "Đắk Lắk", "Dak Lak", 12.67, 108.04),
    Province("dien-bien", "Điện Biên", "Dien Bien", 21.39, 103.02),
    Province("dong-nai", "Đồng Nai", "Dong Nai", 10.95, 106.82),
    Province("dong-thap", "Đồng Tháp", "Dong Thap", 10.36, 106.36),
    Province("gia-lai", "Gia Lai", "Gia Lai", 13.78, 109.22),
    Province("ha-tinh", "Hà Tĩnh", "Ha Tinh", 18.34, 105.90),
    Province("hung-yen", "Hưng Yên", "Hung Yen", 20.65, 106.05),
    Province("khanh-hoa", "Khánh Hòa", "Khanh Hoa", 12.24, 109.19),
    Province("lai-chau", "Lai Châu", "Lai Chau", 22.40, 103.46),
    Province("lam-dong", "Lâm Đồng", "Lam Dong", 11.94, 108.44),
    Province("lang-son", "Lạng Sơn", "Lang Son", 21.85, 106.76),
    Province("lao-cai", "Lào Cai", "Lao Cai", 21.72, 104.91),
    Province("nghe-an", "Nghệ An", "Nghe An", 18.68, 105.68),
    Province("ninh-binh", "Ninh Bình", "Ninh Binh", 20.25, 105.97),
    Province("phu-tho", "Phú Thọ", "Phu Tho", 21.32, 105.40),
    Province("quang-ngai", "Quảng Ngãi", "Quang Ngai", 15.12, 108.80),
    Province("quang-ninh", "Quảng Ninh", "Quang Ninh", 20.95, 107.08),
    Province("quang-tri", "Quảng Trị", "Quang Tri", 17.47, 106.62),
    Province("son-la", "Sơn La", "Son La", 21.33, 103.91),
    Province("tay-ninh", "Tây Ninh", "Tay Ninh", 10.54, 106.41),
    Province("thai-nguyen", "Thái Nguyên", "Thai Nguyen", 21.59, 105.85),
    Province("thanh-hoa", "Thanh Hóa", "Thanh Hoa", 19.81, 105.78),
    Province("tuyen-quang", "Tuyên Quang", "Tuyen Quang", 21.82, 105.21),
    Province("vinh-long", "Vĩnh Long", "Vinh Long", 10.25, 105.97),
)

BY_CODE: dict[str, Province] = {province.code: province for province in PROVINCES}

EARTH_RADIUS_KM = 6371.0


def get(code: str | None) -> Province | None:
    return BY_CODE.get(code or "")


def distance_km(a: Province, b: Province) -> float:
    """Great-circle distance between two administrative centres (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


@lru_cache(maxsize=4)
def choices(language: str) -> tuple[tuple[str, str], ...]:
    """(code, name) pairs in alphabetical order, accents folded (Đ sorts with D)."""

    def key(province: Province) -> str:
        name = province.name(language)
        return unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))

    return tuple((p.code, p.name(language)) for p in sorted(PROVINCES, key=key))
