"""The demo catalogue as plain data: 15 fictitious facilities and 48 products in Hai Phong.

Modelled on the city's 2023 traceability programme (48 products of 15 facilities surveyed:
31 OCOP 3-star, 7 OCOP 4-star, 6 pending, the rest specialities with a protected mark;
44 approved). Every facility, person, shop, tax code, phone number and certificate number
here is invented and marked "(demo)"; GTINs and GLNs use GS1's example prefix 952, never
Vietnam's 893.

Dates are relative: ``days_ago`` counts back from the day the demo is loaded, a diary
step's ``day`` counts from the lot's production date, and certificates are issued
``months_ago``. Lot quantities use the unit keys of ``lookup_site.vocabulary``
(``bottle``, ``kg``, ``box``...), listed in ``UNITS`` with the words the notes use.

The loading logic lives in ``loader.py``; nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..models import BatchEntryStatus, CertificationKind, LegalForm, OcopGroup

# GS1's example prefix: GTIN-14 "0" + 952 + 01 + facility (2) + item (5) + check digit;
# GLN 952 + 01 + facility (2) + 00000 + check digit.
GS1_EXAMPLE_PREFIX = "95201"

# Before this day 3-star OCOP certificates were the district's to grant.
PROVINCE_GRANTS_3_STARS_FROM = (2025, 7, 1)
PROVINCE = "Hải Phòng"

#: Lot quantity units: a key of lookup_site.vocabulary.UNITS -> (Vietnamese, English) for notes.
UNITS: dict[str, tuple[str, str]] = {
    "bottle": ("chai", "bottles"),
    "can": ("can", "cans"),
    "jar": ("hũ", "jars"),
    "kg": ("kg", "kg"),
    "l": ("lít", "litres"),
    "bag": ("túi", "bags"),
    "sack": ("bao", "sacks"),
    "box": ("hộp", "boxes"),
    "carton": ("thùng", "cartons"),
    "tray": ("khay", "trays"),
    "pack": ("gói", "packs"),
    "roll": ("khoanh", "rolls"),
    "piece": ("chiếc", "pieces"),
    "set": ("bộ", "sets"),
}


# --------------------------------------------------------------------------- shapes


@dataclass(frozen=True)
class FacilitySpec:
    key: str
    legal_form: LegalForm
    name_vi: str
    name_en: str
    street: str
    commune: str
    former_district: str
    latitude: str
    longitude: str
    phone: str
    email: str
    description_vi: str
    description_en: str
    #: Fictitious staff: the first keeps the diary, the others appear as actors.
    people: tuple[str, ...]
    #: A short local place name used in diary locations ("Bến cá {site}").
    site: str
    has_gln: bool = False
    former_province: str = PROVINCE


@dataclass(frozen=True)
class DiaryStep:
    """One planned diary entry; ``notes`` are (vi, en) variants with {placeholders}."""

    step: str
    day: int
    at: str
    place: str
    notes: tuple[tuple[str, str], ...]
    actor: str | None = None  # None: one of the facility's people
    offsite: str | None = None  # the address, when it did not happen at the facility
    takes_inputs: bool = False  # the entry that names the input lots, if any
    unless_inputs: bool = False  # skipped when the lot is made from another lot


@dataclass(frozen=True)
class Kind:
    """What products of one type share: picture, OCOP group, shelf life and diary."""

    image: str
    group: OcopGroup
    lot_unit: str
    diary: tuple[DiaryStep, ...]
    shelf_life_days: int | None = None
    hard_expiry: bool = False
    #: Numbers drawn per lot for the notes: (name, low, high).
    ranges: tuple[tuple[str, int, int], ...] = ()


@dataclass(frozen=True)
class Ocop:
    """An OCOP certificate; stars None means the application is still pending."""

    stars: int | None
    months_ago: int | None = None


PENDING = Ocop(None)


@dataclass(frozen=True)
class Entry:
    """The product's entry in the programme batch."""

    status: BatchEntryStatus
    notes: str | None = None


APPROVED = Entry(BatchEntryStatus.APPROVED)


@dataclass(frozen=True)
class ProductSpec:
    key: str
    facility: str
    kind: str
    lot_prefix: str
    name_vi: str
    name_en: str
    description_vi: str
    description_en: str
    content: tuple[str, str]
    standards: str
    brand: str | None
    ocop: Ocop | None
    #: (days_ago, quantity) for each lot, oldest last or first as it reads best.
    lots: tuple[tuple[int, int], ...]
    has_gtin: bool = True
    lot_unit: str | None = None
    #: Fixed values for the notes: (name, vi, en).
    params: tuple[tuple[str, str, str], ...] = ()
    entry: Entry = APPROVED


@dataclass(frozen=True)
class CertificateSpec:
    """A certificate other than OCOP, held by a facility or a product (by key)."""

    holder: str
    kind: CertificationKind
    name_vi: str
    name_en: str
    number: str
    issuer: str
    months_ago: int
    valid_months: int | None = None


@dataclass(frozen=True)
class InputLink:
    """One step back: ``source`` lot went into ``output`` lot; lots are (product, index)."""

    output: tuple[str, int]
    source: tuple[str, int]
    quantity: str
    unit: str
    #: The note number that must equal this quantity (the raw weight received).
    sets: str | None = None


@dataclass(frozen=True)
class RecallSpec:
    lot: tuple[str, int]
    reason_vi: str
    reason_en: str
    day: int
    at: str
    diary: tuple[DiaryStep, ...]


@dataclass(frozen=True)
class CorrectionSpec:
    lot: tuple[str, int]
    corrects_step: str
    entry: DiaryStep


# The tables below are laid out by hand, one record to a block, to read as a catalogue.
# fmt: off

# --------------------------------------------------------------------------- facilities

FACILITIES: tuple[FacilitySpec, ...] = (
    FacilitySpec(
        "cat_hai_fish_sauce", LegalForm.COOPERATIVE,
        "HTX Nước mắm Cát Hải (demo)", "Cat Hai Fish Sauce Cooperative (demo)",
        "Số 18, tổ dân phố Hoàng Châu", "Đặc khu Cát Hải", "Huyện Cát Hải",
        "20.796800", "106.903200", "0225 3999 101", "nuocmamcathai@example.vn",
        "Hợp tác xã của các hộ làm mắm lâu đời trên đảo Cát Hải: cá cơm than ủ với muối biển "
        "trong thùng gỗ một năm, rút mắm cốt và để lắng trong chum sành. Cơ sở minh họa, "
        "không có thật.",
        "A cooperative of long-standing fish-sauce families on Cat Hai island: black anchovies "
        "fermented with sea salt in wooden vats for a year, then drawn and settled in "
        "earthenware jars. An illustrative facility, not a real one.",
        ("Vũ Thị Thoa", "Phạm Văn Tuấn", "Nguyễn Thị Lan", "Đỗ Văn Khải"),
        "Hoàng Châu", has_gln=True,
    ),
    FacilitySpec(
        "hoang_chau_fishing", LegalForm.COOPERATIVE,
        "HTX Khai thác hải sản Hoàng Châu (demo)", "Hoang Chau Fishing Cooperative (demo)",
        "Bến cá tổ dân phố Văn Phong", "Đặc khu Cát Hải", "Huyện Cát Hải",
        "20.812400", "106.915700", "0225 3999 102", "haisanhoangchau@example.vn",
        "Mười hai tàu lưới vây của xã viên khai thác cá cơm quanh đảo; cá tươi cung cấp cho các "
        "cơ sở làm mắm và được phơi, sấy thành cá khô. Cơ sở minh họa.",
        "Twelve member-owned purse seiners fish for anchovies around the island, supplying "
        "fish-sauce makers and drying part of the catch. An illustrative facility.",
        ("Phạm Văn Lực", "Bùi Văn Hưng", "Trần Thị Mơ"),
        "Văn Phong", has_gln=True,
    ),
    FacilitySpec(
        "gia_luan_honey", LegalForm.HOUSEHOLD,
        "Hộ kinh doanh Mật ong rừng Gia Luận (demo)",
        "Gia Luan Forest Honey Household Business (demo)",
        "Thôn Gia Lộc", "Đặc khu Cát Hải", "Huyện Cát Hải",
        "20.834600", "106.991200", "0225 3999 103", "matonggialuan@example.vn",
        "Gia đình nuôi hơn trăm đàn ong nội ven rừng quốc gia Cát Bà, quay mật theo mùa hoa rừng. "
        "Cơ sở minh họa.",
        "A family keeping over a hundred colonies of native bees at the edge of Cat Ba national "
        "park, extracting honey as the forest flowers. An illustrative facility.",
        ("Hoàng Văn Bảy", "Hoàng Thị Nhung"),
        "Gia Lộc",
    ),
    FacilitySpec(
        "kien_thuy_seafood", LegalForm.ENTERPRISE,
        "Công ty TNHH Thực phẩm biển Kiến Thụy (demo)", "Kien Thuy Sea Foods Co., Ltd. (demo)",
        "Lô 7, cụm sản xuất Đông Tác", "Xã Kiến Thụy", "Huyện Kiến Thụy",
        "20.738100", "106.662300", "0225 3999 104", "camoikienthuy@example.vn",
        "Xưởng chế biến cá mòi kho theo công thức của làng biển: cá mòi tươi kho với nước mắm, "
        "riềng, gừng đến nhừ xương, đóng gói tiệt trùng. Cơ sở minh họa.",
        "A workshop braising sardines the coastal-village way, with fish sauce, galangal and "
        "ginger until the bones soften, then sterilised in sealed packs. An illustrative "
        "facility.",
        ("Lê Minh Đức", "Nguyễn Thị Hằng", "Trần Văn Sơn"),
        "Đông Tác", has_gln=True,
    ),
    FacilitySpec(
        "kien_minh_rice", LegalForm.COOPERATIVE,
        "HTX Nông nghiệp Ruộng rươi Kiến Minh (demo)",
        "Kien Minh Rice-Worm Paddy Cooperative (demo)",
        "Đội 5, thôn Tân Hưng", "Xã Kiến Minh", "Huyện Kiến Thụy",
        "20.715300", "106.628900", "0225 3999 105", "gaoruongruoi@example.vn",
        "Xã viên canh tác lúa trên ruộng có rươi, hạn chế tối đa phân bón và thuốc hóa học để "
        "giữ rươi sinh sống. Cơ sở minh họa.",
        "Members farm rice on paddies where rice worms (rươi) live, keeping chemical fertiliser "
        "and pesticides to a minimum so the worms survive. An illustrative facility.",
        ("Đặng Văn Thắng", "Ngô Thị Huệ", "Lưu Văn Quý"),
        "Tân Hưng",
    ),
    FacilitySpec(
        "tien_minh_farming", LegalForm.COOPERATIVE,
        "HTX Dịch vụ nông nghiệp Tiên Minh (demo)",
        "Tien Minh Agricultural Services Cooperative (demo)",
        "Thôn Đông Xuân", "Xã Tiên Minh", "Huyện Tiên Lãng",
        "20.648200", "106.590400", "0225 3999 106", "htxtienminh@example.vn",
        "Hợp tác xã trồng lúa ruộng rươi và chuối tiêu hồng trên đất bãi ven sông Văn Úc. "
        "Cơ sở minh họa.",
        "A cooperative growing rice-worm paddy rice and pink Cavendish bananas on the Van Uc "
        "riverside land. An illustrative facility.",
        ("Phạm Thị Duyên", "Vũ Văn Chiến", "Nguyễn Văn Hào"),
        "Đông Xuân",
    ),
    FacilitySpec(
        "quyet_thang_poultry", LegalForm.ENTERPRISE,
        "Công ty TNHH Trang trại gà Quyết Thắng (demo)",
        "Quyet Thang Poultry Farm Co., Ltd. (demo)",
        "Khu chăn nuôi tập trung số 2", "Xã Quyết Thắng", "Huyện Tiên Lãng",
        "20.695100", "106.566700", "0225 3999 107", "trangtraiga@example.vn",
        "Trang trại gà đẻ nuôi thả vườn, thức ăn phối trộn thảo dược, trứng được soi và đóng hộp "
        "trong ngày. Cơ sở minh họa.",
        "A free-range laying farm feeding a herb-enriched mash; eggs are candled and boxed the "
        "day they are laid. An illustrative facility.",
        ("Trịnh Văn Toàn", "Lê Thị Mai", "Hoàng Văn Nam"),
        "Quyết Thắng", has_gln=True,
    ),
    FacilitySpec(
        "hung_thang_dried_banana", LegalForm.HOUSEHOLD,
        "Hộ kinh doanh Chuối sấy Hùng Thắng (demo)",
        "Hung Thang Dried Banana Household Business (demo)",
        "Xóm 3, thôn Lý Khê", "Xã Hùng Thắng", "Huyện Tiên Lãng",
        "20.658300", "106.625100", "0225 3999 108", "chuoisay@example.vn",
        "Cơ sở gia đình sấy chuối tiêu hồng của các hợp tác xã trong vùng, không đường, không "
        "chất bảo quản. Cơ sở minh họa.",
        "A family workshop drying pink Cavendish bananas bought from nearby cooperatives, with "
        "no sugar and no preservatives. An illustrative facility.",
        ("Nguyễn Thị Ngọc", "Nguyễn Văn Trường"),
        "Lý Khê",
    ),
    FacilitySpec(
        "vinh_bao_mushroom", LegalForm.HOUSEHOLD,
        "Hộ kinh doanh Nấm sò Vĩnh Bảo (demo)",
        "Vinh Bao Oyster Mushroom Household Business (demo)",
        "Thôn An Lạc", "Xã Nguyễn Bỉnh Khiêm", "Huyện Vĩnh Bảo",
        "20.668400", "106.470200", "0225 3999 109", "namsovinhbao@example.vn",
        "Bốn nhà nấm trồng nấm sò trên phôi rơm rạ của chính cánh đồng trong xã; nấm hái buổi "
        "sáng, giao trong ngày. Cơ sở minh họa.",
        "Four mushroom houses growing oyster mushrooms on straw from the commune's own fields; "
        "picked in the morning and delivered the same day. An illustrative facility.",
        ("Bùi Thị Hạnh", "Bùi Văn Định"),
        "An Lạc",
    ),
    FacilitySpec(
        "vinh_am_rice_wine", LegalForm.COOPERATIVE,
        "HTX Rượu nếp Vĩnh Am (demo)", "Vinh Am Sticky Rice Wine Cooperative (demo)",
        "Thôn Thượng Am", "Xã Vĩnh Am", "Huyện Vĩnh Bảo",
        "20.648900", "106.505600", "0225 3999 110", "ruounepvinham@example.vn",
        "Các hộ nấu rượu nếp cái hoa vàng bằng men lá gia truyền, chưng cất nồi đồng và hạ thổ "
        "chum rượu trước khi đóng chai. Cơ sở minh họa.",
        "Households distilling yellow-flower sticky rice wine with inherited leaf yeast in copper "
        "pots, ageing the jars underground before bottling. An illustrative facility.",
        ("Đào Văn Lộc", "Đào Thị Thu", "Phạm Văn Cường"),
        "Thượng Am", has_gln=True,
    ),
    FacilitySpec(
        "bang_la_jujube", LegalForm.COOPERATIVE,
        "HTX Táo Bàng La (demo)", "Bang La Jujube Cooperative (demo)",
        "Tổ dân phố 4, khu Bàng La", "Phường Đồ Sơn", "Quận Đồ Sơn",
        "20.728500", "106.748300", "0225 3999 111", "taobangla@example.vn",
        "Xã viên trồng táo Bàng La trên đất pha cát ven biển Đồ Sơn, quả giòn, ngọt mát, thu "
        "hoạch từ cuối năm đến sau Tết. Cơ sở minh họa.",
        "Members grow Bang La jujubes on the sandy coastal soil of Do Son: crisp, sweet fruit "
        "picked from late in the year until after Tet. An illustrative facility.",
        ("Phạm Văn Bình", "Lương Thị Sen", "Phạm Đức Anh"),
        "Bàng La",
    ),
    FacilitySpec(
        "an_duong_roselle", LegalForm.ENTERPRISE,
        "Công ty Cổ phần Atiso đỏ An Dương (demo)", "An Duong Roselle JSC (demo)",
        "Số 46, tổ dân phố Hoàng Lâu", "Phường An Dương", "Quận An Dương",
        "20.870300", "106.602100", "0225 3999 112", "atisodo@example.vn",
        "Doanh nghiệp liên kết với các hộ trồng atiso đỏ, chế biến trà túi lọc, hoa sấy khô và "
        "nước giải khát. Cơ sở minh họa.",
        "A company working with roselle growers to make tea bags, dried calyces and soft "
        "drinks. An illustrative facility.",
        ("Trần Thị Thanh Hương", "Lê Văn Phúc", "Phạm Thị Yến"),
        "Hoàng Lâu", has_gln=True,
    ),
    FacilitySpec(
        "an_lao_rice_cracker", LegalForm.HOUSEHOLD,
        "Hộ kinh doanh Bánh đa An Lão (demo)", "An Lao Rice Cracker Household Business (demo)",
        "Thôn Xuân Sơn", "Xã An Lão", "Huyện An Lão",
        "20.822100", "106.556400", "0225 3999 113", "banhdaanlao@example.vn",
        "Ba thế hệ tráng bánh đa đỏ bằng gạo tẻ và mật mía, phơi nắng trên phên tre. "
        "Cơ sở minh họa.",
        "Three generations making red rice crackers from rice and sugar-cane molasses, "
        "sun-dried on bamboo racks. An illustrative facility.",
        ("Vũ Thị Hoa", "Vũ Văn Mạnh"),
        "Xuân Sơn",
    ),
    FacilitySpec(
        "kien_an_sausage", LegalForm.ENTERPRISE,
        "Công ty TNHH Giò chả Kiến An (demo)", "Kien An Pork Roll Co., Ltd. (demo)",
        "Số 36, tổ dân phố Đồng Hòa 2", "Phường Kiến An", "Quận Kiến An",
        "20.811200", "106.630400", "0225 3999 114", "giochakienan@example.vn",
        "Xưởng giò chả dùng thịt lợn nóng trong ngày, giã máy và gói lá chuối, không dùng hàn "
        "the. Cơ sở minh họa.",
        "A pork-roll workshop using pork slaughtered the same morning, machine-pounded and "
        "wrapped in banana leaves, never with borax. An illustrative facility.",
        ("Ngô Văn Hải", "Ngô Thị Bích", "Đinh Văn Long"),
        "Đồng Hòa",
    ),
    FacilitySpec(
        "chu_dau_ceramics", LegalForm.ENTERPRISE,
        "Công ty TNHH Gốm Chu Đậu Thái Tân (demo)", "Thai Tan Chu Dau Ceramics Co., Ltd. (demo)",
        "Thôn Chu Đậu", "Xã Thái Tân", "Huyện Nam Sách",
        "21.013400", "106.392100", "0225 3999 115", "gomchudau@example.vn",
        "Xưởng gốm men lam vẽ tay theo dáng và hoa văn gốm Chu Đậu cổ, nung lò ga nhiệt độ cao. "
        "Cơ sở minh họa.",
        "A workshop making hand-painted blue-and-white stoneware in the shapes and patterns of "
        "old Chu Dau ceramics, fired at high temperature. An illustrative facility.",
        ("Nguyễn Văn Đạt", "Trần Thị Ánh", "Lê Văn Thái"),
        "Chu Đậu", former_province="Hải Dương",
    ),
)

#: Fictitious boat captains, contract growers and customers the diary notes mention.
CAPTAINS = ("Phạm Văn Lực", "Nguyễn Văn Tám", "Bùi Văn Hưng", "Trần Văn Bộ")
CONTRACT_GROWERS = ("Nguyễn Thị Nụ", "Đỗ Văn Chung", "Lê Thị Lành", "Hoàng Văn Khanh")
SHOPS: tuple[tuple[str, str], ...] = (
    ("Cửa hàng OCOP Lạch Tray (demo)", "the Lach Tray OCOP shop (demo)"),
    ("Siêu thị mini Cầu Đất (demo)", "the Cau Dat mini-mart (demo)"),
    ("Đại lý Hồng Hà, chợ Sắt (demo)", "the Hong Ha stall at Sat market (demo)"),
    ("Quầy đặc sản bến tàu Cát Bà (demo)", "the Cat Ba ferry-pier speciality counter (demo)"),
    ("Nhà phân phối Hải An (demo)", "the Hai An distributor (demo)"),
    ("Cửa hàng thực phẩm sạch Văn Cao (demo)", "the Van Cao clean-food shop (demo)"),
)

INPUT_NOTE = (
    "Nguyên liệu: lô {code} ({product}), {qty} {unit}, của {facility}.",
    "Input: lot {code} ({product}), {qty} {unit}, from {facility}.",
)
OWN_INPUT_NOTE = (
    "Nguyên liệu: lô {code} ({product}), {qty} {unit}, từ kho của cơ sở.",
    "Input: lot {code} ({product}), {qty} {unit}, from our own store.",
)

# --------------------------------------------------------------------------- diaries

SHIP = DiaryStep(
    "shipping", 2, "08:00", "Kho thành phẩm",
    (
        ("Xuất {ship_share}% lô hàng cho {shop}.", "Shipped {ship_share}% of the lot to {shop}."),
        ("Giao đợt đầu cho {shop}; phần còn lại lưu kho.",
         "First delivery to {shop}; the rest stays in store."),
    ),
)
LAB_CHECK = DiaryStep(
    "inspecting", 1, "14:00", "Phòng kiểm tra chất lượng",
    (
        ("Lưu mẫu lô {code}; kiểm tra nhãn, khối lượng tịnh đạt yêu cầu.",
         "Retained samples of lot {code}; label and net quantity pass."),
        ("Kiểm tra ngẫu nhiên {samples} mẫu của lô {code}: đạt chỉ tiêu cảm quan và nhãn.",
         "Random check of {samples} units of lot {code}: appearance and label pass."),
    ),
)
MUSHROOM_PLANTING = DiaryStep(
    "planting", -35, "08:00", "Nhà nấm số {house}",
    (
        ("Cấy giống nấm sò vào {bags} bịch phôi rơm đã thanh trùng.",
         "Inoculated {bags} bags of pasteurised straw with oyster-mushroom spawn."),
        ("Vào {bags} bịch phôi rơm ủ, cấy giống nấm sò xám.",
         "Filled {bags} bags with composted straw and seeded them with grey oyster spawn."),
    ),
)
MUSHROOM_PICKING = DiaryStep(
    "harvesting", 0, "05:00", "Nhà nấm số {house}",
    (
        ("Hái nấm lúc sáng sớm khi mũ vừa xòe, được {raw_kg} kg.",
         "Picked at dawn as the caps opened: {raw_kg} kg."),
        ("Thu hái đợt {flush} của các bịch phôi, được {raw_kg} kg nấm.",
         "Picked flush {flush} from the bags: {raw_kg} kg of mushrooms."),
    ),
)
ROSELLE_PICKING = DiaryStep(
    "harvesting", -20, "06:00", "Vùng trồng atiso đỏ {site}",
    (
        ("Thu hái {raw_kg} kg đài hoa atiso đỏ chín đỏ thẫm.",
         "Picked {raw_kg} kg of deep-red roselle calyces."),
        ("Cắt đài hoa từ ruộng liên kết của {grower}, được {raw_kg} kg.",
         "Cut {raw_kg} kg of calyces from {grower}'s contract field."),
    ),
)
ROSELLE_DRYING = DiaryStep(
    "drying", -19, "08:00", "Xưởng sấy",
    (
        ("Tách hạt, sấy đài hoa ở {dry_temp} °C trong {dry_hours} giờ.",
         "Seeds removed; calyces dried at {dry_temp} °C for {dry_hours} hours."),
        ("Sấy lạnh đài hoa {dry_hours} giờ, giữ màu đỏ tươi.",
         "Cold-air dried for {dry_hours} hours to keep the bright red colour."),
    ),
)

KINDS: dict[str, Kind] = {
    "fish_sauce": Kind(
        "demo/fish-sauce.svg", OcopGroup.FOOD, "bottle", shelf_life_days=730,
        ranges=(("fish_kg", 1800, 3200), ("tank", 1, 36), ("settle", 5, 6),
                ("samples", 6, 12), ("ship_share", 30, 70)),
        diary=(
            DiaryStep(
                "catching", -372, "02:30", "Ngư trường quanh đảo Long Châu",
                (
                    ("Đánh bắt cá cơm than bằng lưới vây ánh sáng, khoảng {fish_kg} kg; cá được "
                     "trộn muối ngay trên tàu.",
                     "Black anchovies caught by light-assisted purse seine, about {fish_kg} kg; "
                     "salted on board straight away."),
                    ("Chuyến biển đêm được khoảng {fish_kg} kg cá cơm than cỡ đều.",
                     "Night trip: about {fish_kg} kg of evenly sized black anchovies."),
                ),
                actor="{captain}", offsite="Vùng biển phía nam đảo Cát Hải, vịnh Bắc Bộ",
                unless_inputs=True,
            ),
            DiaryStep(
                "receiving", -372, "07:00", "Bến cá {site}",
                (
                    ("Tiếp nhận {fish_kg} kg cá cơm tại bến: cá tươi, mắt trong, không lẫn tạp.",
                     "Received {fish_kg} kg of anchovies at the pier: fresh, clear-eyed, no "
                     "by-catch."),
                    ("Cân và kiểm tra cảm quan {fish_kg} kg cá cơm; loại bỏ cá tạp.",
                     "Weighed and checked {fish_kg} kg of anchovies; by-catch removed."),
                ),
                takes_inputs=True,
            ),
            DiaryStep(
                "fermenting", -372, "10:00", "Nhà thùng ủ chượp",
                (
                    ("Trộn cá với muối biển theo tỷ lệ 3 cá 1 muối, cho vào thùng gỗ số {tank}; "
                     "bắt đầu ủ chượp 12 tháng.",
                     "Fish mixed with sea salt 3 to 1 and packed into wooden vat no. {tank}; "
                     "twelve months of fermentation begin."),
                    ("Vào chượp thùng gỗ số {tank}, nén kín, ủ tự nhiên không phụ gia khoảng "
                     "một năm.",
                     "Vat no. {tank} filled and pressed down, left to ferment naturally with no "
                     "additives for about a year."),
                ),
            ),
            DiaryStep(
                "sampling", -14, "08:30", "Nhà thùng ủ chượp",
                (
                    ("Lấy mẫu nước cốt thùng {tank}: độ đạm {protein} °N, màu cánh gián, mùi "
                     "thơm đặc trưng.",
                     "Sampled vat {tank}: {protein} °N protein, amber colour, the proper aroma."),
                    ("Kiểm tra chượp thùng {tank} sau gần 12 tháng: chượp chín đều, đo được "
                     "{protein} °N.",
                     "Checked vat {tank} after nearly twelve months: evenly ripe, "
                     "{protein} °N."),
                ),
            ),
            DiaryStep(
                "storing", -6, "09:00", "Khu chum sành",
                (
                    ("Rút nước mắm cốt thùng {tank}, lọc qua vải, để lắng trong chum sành "
                     "{settle} ngày.",
                     "Drew the fish sauce from vat {tank}, cloth-filtered it and settled it in "
                     "earthenware jars for {settle} days."),
                    ("Chuyển nước mắm sang chum sành phơi nắng {settle} ngày cho trong và dậy "
                     "mùi.",
                     "Moved to earthenware jars and sun-aged for {settle} days to clear and "
                     "round out."),
                ),
            ),
            DiaryStep(
                "packing", 0, "08:00", "Xưởng đóng chai số 1",
                (
                    ("Đóng {qty} {unit}, dán nhãn, in mã lô {code} trên nắp.",
                     "Filled {qty} {unit}, labelled, lot {code} printed on the caps."),
                    ("Chiết rót {qty} {unit} trên dây chuyền bán tự động; in mã lô {code} và "
                     "hạn sử dụng.",
                     "Filled {qty} {unit} on the semi-automatic line; lot {code} and "
                     "best-before printed."),
                ),
            ),
            replace(LAB_CHECK, notes=(
                ("Kiểm tra ngẫu nhiên {samples} chai: độ đạm, độ kín nắp và nhãn đạt; histamin "
                 "trong giới hạn.",
                 "Random check of {samples} bottles: protein, cap seal and label pass; histamine "
                 "within limits."),
                LAB_CHECK.notes[0],
            )),
            replace(SHIP, day=3, at="07:30"),
        ),
    ),
    "fresh_fish": Kind(
        "demo/fish.svg", OcopGroup.FOOD, "kg",
        ranges=(("fish_temp", 1, 4),),
        diary=(
            DiaryStep(
                "catching", 0, "01:30", "Ngư trường vịnh Bắc Bộ",
                (
                    ("Mẻ lưới vây đêm được {qty} {unit} cá cơm than, ướp đá ngay trên tàu.",
                     "Night purse-seine haul of {qty} {unit} of black anchovies, iced on board."),
                    ("Khai thác bằng lưới vây ánh sáng; sản lượng chuyến {qty} {unit}.",
                     "Light-assisted purse seining; the trip landed {qty} {unit}."),
                ),
                actor="{captain}", offsite="Vùng biển phía đông đảo Cát Bà",
            ),
            DiaryStep(
                "receiving", 0, "04:30", "Bến cá {site}",
                (
                    ("Cá cập bến, phân loại theo cỡ và rửa bằng nước biển sạch.",
                     "Landed, sorted by size and rinsed in clean seawater."),
                    ("Dỡ cá lên bến, loại cá tạp, giữ lạnh bằng đá vảy.",
                     "Unloaded, by-catch removed, kept cold on flake ice."),
                ),
            ),
            DiaryStep(
                "inspecting", 0, "05:15", "Bến cá {site}",
                (
                    ("Kiểm tra cảm quan: cá tươi, thân chắc; nhiệt độ thân cá {fish_temp} °C.",
                     "Sensory check: fresh and firm; core temperature {fish_temp} °C."),
                    ("Đo nhiệt độ thân cá {fish_temp} °C, mang đỏ tươi, không có mùi lạ.",
                     "Core temperature {fish_temp} °C, bright red gills, no off smell."),
                ),
            ),
            DiaryStep(
                "shipping", 0, "06:00", "Bến cá {site}",
                (
                    ("Giao cá cho cơ sở chế biến ngay trong buổi sáng bằng thùng đá cách nhiệt.",
                     "Delivered to the processor that morning in insulated ice boxes."),
                    ("Chuyển cá về xưởng chế biến bằng xe bảo ôn.",
                     "Taken to the processing workshop in an insulated truck."),
                ),
            ),
        ),
    ),
    "dried_fish": Kind(
        "demo/dried-fish.svg", OcopGroup.FOOD, "bag", shelf_life_days=180,
        ranges=(("raw_kg", 300, 600), ("steam_min", 3, 6), ("brine", 3, 5),
                ("dry_hours", 10, 16), ("dry_temp", 50, 60), ("ship_share", 40, 80)),
        diary=(
            DiaryStep(
                "receiving", -1, "05:30", "Xưởng chế biến {site}",
                (
                    ("Nhận {raw_kg} kg cá tươi từ tàu, rửa sạch bằng nước biển lọc.",
                     "Received {raw_kg} kg of fresh fish from the boats, washed in filtered "
                     "seawater."),
                    ("Tiếp nhận {raw_kg} kg cá nguyên liệu, phân cỡ, bỏ cá dập.",
                     "Took in {raw_kg} kg of raw fish, graded it and discarded bruised fish."),
                ),
                takes_inputs=True,
            ),
            DiaryStep(
                "cooking", -1, "07:00", "Xưởng chế biến {site}",
                (
                    ("Hấp cá qua nước muối loãng khoảng {steam_min} phút.",
                     "Steamed in light brine for about {steam_min} minutes."),
                    ("Luộc sơ cá trong nước muối {brine}%, để ráo.",
                     "Blanched in {brine}% brine and drained."),
                ),
            ),
            DiaryStep(
                "drying", -1, "09:00", "Sân phơi và lò sấy",
                (
                    ("Phơi trên giàn lưới {dry_hours} giờ nắng, sau đó sấy nhẹ cho đều.",
                     "Sun-dried on mesh racks for {dry_hours} hours, then finished in a low "
                     "dryer."),
                    ("Trời nồm, sấy bằng lò ở {dry_temp} °C trong {dry_hours} giờ.",
                     "Humid weather, so dried in the oven at {dry_temp} °C for {dry_hours} "
                     "hours."),
                ),
            ),
            DiaryStep(
                "packing", 0, "08:30", "Xưởng chế biến {site}",
                (
                    ("Đóng {qty} {unit}, hút chân không, in mã lô {code}.",
                     "Packed {qty} {unit}, vacuum-sealed, lot {code} printed."),
                    ("Cân, đóng {qty} {unit} kèm gói hút ẩm; in mã lô {code}.",
                     "Weighed and packed {qty} {unit} with desiccant; lot {code} printed."),
                ),
            ),
            SHIP,
        ),
    ),
    "honey": Kind(
        "demo/honey.svg", OcopGroup.FOOD, "bottle", shelf_life_days=730,
        ranges=(("hives", 30, 60), ("settle", 2, 3), ("moisture", 18, 20),
                ("ship_share", 30, 60)),
        diary=(
            DiaryStep(
                "harvesting", -4, "06:00", "Trại ong {site}",
                (
                    ("Quay mật {hives} thùng ong nuôi dưới tán rừng; chỉ lấy cầu mật đã vít nắp.",
                     "Extracted honey from {hives} hives under the forest canopy; only capped "
                     "combs taken."),
                    ("Thu mật vụ hoa rừng từ {hives} đàn ong nội.",
                     "Harvested wild-flower honey from {hives} native bee colonies."),
                ),
            ),
            DiaryStep(
                "storing", -3, "09:00", "Nhà lọc mật",
                (
                    ("Lọc mật qua lưới inox, để lắng {settle} ngày trong thùng inox kín.",
                     "Filtered through stainless mesh and settled for {settle} days in sealed "
                     "steel tanks."),
                    ("Lọc hai lần, hớt bọt, để lắng {settle} ngày.",
                     "Filtered twice, skimmed and left to settle for {settle} days."),
                ),
            ),
            DiaryStep(
                "drying", -1, "08:00", "Nhà lọc mật",
                (
                    ("Hạ thủy phần mật xuống {moisture}% bằng tủ hút ẩm chuyên dụng.",
                     "Moisture brought down to {moisture}% in a dehumidifying cabinet."),
                ),
            ),
            DiaryStep(
                "inspecting", 0, "07:30", "Nhà lọc mật",
                (
                    ("Đo độ ẩm {moisture}%, kiểm tra màu, mùi; đạt tiêu chuẩn cơ sở.",
                     "Moisture {moisture}%, colour and aroma checked; meets the in-house "
                     "standard."),
                    ("Mật sánh, màu hổ phách, độ ẩm {moisture}%; lưu mẫu lô {code}.",
                     "Thick, amber honey at {moisture}% moisture; lot {code} sample retained."),
                ),
            ),
            DiaryStep(
                "packing", 0, "09:00", "Nhà lọc mật",
                (
                    ("Đóng {qty} {unit}, niêm phong màng co, in mã lô {code}.",
                     "Filled {qty} {unit}, shrink-sealed, lot {code} printed."),
                ),
            ),
            SHIP,
        ),
    ),
    "braised_fish": Kind(
        "demo/braised-fish.svg", OcopGroup.FOOD, "box", shelf_life_days=365,
        ranges=(("raw_kg", 300, 650), ("cook_hours", 6, 9), ("sterile_temp", 115, 121),
                ("rejects", 2, 6), ("ship_share", 30, 60)),
        diary=(
            DiaryStep(
                "receiving", -1, "05:00", "Xưởng chế biến {site}",
                (
                    ("Nhận {raw_kg} kg cá mòi tươi của ngư dân trong vùng; cá còn vảy, mắt trong.",
                     "Received {raw_kg} kg of fresh sardines from local fishers; scales intact, "
                     "clear eyes."),
                    ("Tiếp nhận {raw_kg} kg cá mòi, bỏ đầu, ruột, rửa sạch.",
                     "Took in {raw_kg} kg of sardines; heads and guts removed, washed."),
                ),
                takes_inputs=True,
            ),
            DiaryStep(
                "cooking", -1, "08:00", "Xưởng chế biến {site}",
                (
                    ("Xếp cá vào nồi cùng riềng, gừng, nước mắm; kho liu riu {cook_hours} giờ "
                     "cho nhừ xương.",
                     "Layered with galangal, ginger and fish sauce; simmered for {cook_hours} "
                     "hours until the bones are soft."),
                    ("Kho cá trong nồi đất trên bếp than {cook_hours} giờ, để nguội qua đêm cho "
                     "ngấm.",
                     "Braised in clay pots over charcoal for {cook_hours} hours, left overnight "
                     "to soak."),
                ),
            ),
            DiaryStep(
                "packing", 0, "07:30", "Xưởng đóng gói",
                (
                    ("Đóng {qty} {unit}, hút chân không và tiệt trùng ở {sterile_temp} °C.",
                     "Packed {qty} {unit}, vacuum-sealed and sterilised at {sterile_temp} °C."),
                ),
            ),
            DiaryStep(
                "inspecting", 1, "09:00", "Xưởng đóng gói",
                (
                    ("Ủ ổn định 24 giờ, kiểm tra độ kín từng hộp; loại {rejects} hộp phồng, hở.",
                     "Held 24 hours and checked every pack; {rejects} swollen or leaking packs "
                     "removed."),
                ),
            ),
            DiaryStep(
                "storing", 1, "15:00", "Kho thành phẩm",
                (
                    ("Nhập kho thành phẩm, nhiệt độ phòng dưới 30 °C.",
                     "Into the finished-goods store, kept below 30 °C."),
                ),
            ),
            replace(SHIP, day=3),
        ),
    ),
    "rice": Kind(
        "demo/rice-bag.svg", OcopGroup.FOOD, "bag", shelf_life_days=365,
        ranges=(("area", 3, 9), ("water_cm", 5, 10), ("yield_kg", 5200, 6400),
                ("dry_days", 2, 3), ("moisture", 13, 14), ("ship_share", 30, 60)),
        diary=(
            DiaryStep(
                "sowing", -140, "07:00", "Cánh đồng ruộng rươi {site}",
                (
                    ("Gieo mạ giống {variety} cho {area} ha ruộng rươi.",
                     "Sowed {variety} seedlings for {area} ha of rice-worm paddies."),
                    ("Gieo thẳng giống {variety} trên {area} ha, mật độ thưa.",
                     "Direct-seeded {variety} thinly over {area} ha."),
                ),
            ),
            DiaryStep(
                "fertilising", -110, "06:30", "Cánh đồng ruộng rươi {site}",
                (
                    ("Bón lót phân hữu cơ vi sinh, không dùng phân hóa học để giữ rươi.",
                     "Base dressing of microbial organic fertiliser; no chemical fertiliser, to "
                     "keep the rice worms alive."),
                    ("Bón thúc phân chuồng hoai mục; giữ mực nước ruộng {water_cm} cm.",
                     "Top-dressed with rotted manure; water kept at {water_cm} cm."),
                ),
            ),
            DiaryStep(
                "harvesting", -25, "06:00", "Cánh đồng ruộng rươi {site}",
                (
                    ("Gặt bằng máy gặt đập liên hợp, năng suất khoảng {yield_kg} kg/ha.",
                     "Harvested by combine; about {yield_kg} kg per hectare."),
                    ("Thu hoạch khi 85% số hạt chín vàng; năng suất {yield_kg} kg/ha.",
                     "Harvested at 85% ripe grains; {yield_kg} kg per hectare."),
                ),
            ),
            DiaryStep(
                "drying", -24, "09:00", "Sân phơi hợp tác xã",
                (
                    ("Phơi thóc trên sân gạch {dry_days} nắng, độ ẩm còn {moisture}%.",
                     "Sun-dried the paddy on brick yards for {dry_days} days, down to "
                     "{moisture}% moisture."),
                    ("Sấy thóc bằng máy sấy tĩnh đến độ ẩm {moisture}%.",
                     "Dried in a flat-bed dryer to {moisture}% moisture."),
                ),
            ),
            DiaryStep(
                "storing", -20, "10:00", "Kho thóc hợp tác xã",
                (
                    ("Nhập thóc vào kho kín, kê cao cách nền.",
                     "Paddy stored in a sealed barn, off the floor."),
                ),
            ),
            DiaryStep(
                "packing", 0, "08:00", "Xưởng xay xát",
                (
                    ("Xay xát, tách tấm, đóng {qty} {unit}; in mã lô {code}.",
                     "Milled, broken grains sifted out, {qty} {unit} packed; lot {code} "
                     "printed."),
                    ("Xát trắng nhẹ giữ lớp cám, đóng {qty} {unit} hút chân không.",
                     "Lightly polished to keep some bran; {qty} {unit} vacuum-packed."),
                ),
            ),
            SHIP,
        ),
    ),
    "banana": Kind(
        "demo/banana.svg", OcopGroup.FOOD, "kg",
        ranges=(("plants", 300, 900), ("raw_kg", 1600, 2200), ("ripen_days", 2, 3),
                ("ship_share", 50, 90)),
        diary=(
            DiaryStep(
                "fertilising", -70, "06:30", "Vườn chuối {site}",
                (
                    ("Bón phân chuồng ủ hoai và tro bếp cho {plants} gốc chuối.",
                     "Fed {plants} banana plants with composted manure and wood ash."),
                ),
            ),
            DiaryStep(
                "spraying", -50, "07:00", "Vườn chuối {site}",
                (
                    ("Bao buồng bằng túi chuyên dụng chống côn trùng; không phun thuốc lên quả.",
                     "Bagged the bunches against insects; nothing sprayed on the fruit."),
                    ("Cắt bắp, bao buồng cho {plants} cây; phòng trừ sâu bằng chế phẩm sinh "
                     "học.",
                     "Removed the flower buds and bagged {plants} bunches; pests kept off with "
                     "a biological spray."),
                ),
            ),
            DiaryStep(
                "harvesting", -3, "05:30", "Vườn chuối {site}",
                (
                    ("Thu hoạch {raw_kg} kg chuối khi quả già khoảng 85%.",
                     "Harvested {raw_kg} kg at about 85% maturity."),
                ),
            ),
            DiaryStep(
                "storing", -2, "08:00", "Nhà ủ chuối",
                (
                    ("Ủ chín tự nhiên {ripen_days} ngày bằng lá xoan, không dùng hóa chất thúc "
                     "chín.",
                     "Ripened naturally under chinaberry leaves for {ripen_days} days; no "
                     "ripening chemicals."),
                    ("Ủ chín trong phòng thoáng {ripen_days} ngày, không dùng đất đèn.",
                     "Ripened in an airy room for {ripen_days} days, no carbide."),
                ),
            ),
            DiaryStep(
                "packing", 0, "07:00", "Nhà ủ chuối",
                (
                    ("Tách nải, rửa nhựa, đóng {qty} {unit}; dán tem mã lô {code}.",
                     "Hands separated, sap washed off, {qty} {unit} packed; lot {code} stickers "
                     "applied."),
                ),
            ),
            replace(SHIP, day=1),
        ),
    ),
    "dried_banana": Kind(
        "demo/dried-banana.svg", OcopGroup.FOOD, "bag", shelf_life_days=180,
        ranges=(("raw_kg", 250, 600), ("slice_mm", 3, 5), ("dry_hours", 14, 20),
                ("dry_temp", 40, 55), ("moisture", 12, 16), ("ship_share", 30, 60)),
        diary=(
            DiaryStep(
                "receiving", -3, "14:00", "Xưởng sấy {site}",
                (
                    ("Nhận {raw_kg} kg chuối tiêu hồng chín đều, vỏ lốm đốm.",
                     "Received {raw_kg} kg of evenly ripe pink bananas, skins freckled."),
                ),
                takes_inputs=True,
            ),
            DiaryStep(
                "commissioning", -2, "07:00", "Xưởng sấy {site}",
                (
                    ("Bóc vỏ, cắt lát {slice_mm} mm, ngâm nước chanh loãng chống thâm.",
                     "Peeled, sliced {slice_mm} mm thick, dipped in weak lime water against "
                     "browning."),
                    ("Bóc vỏ, để nguyên quả hoặc chẻ đôi, xếp khay inox.",
                     "Peeled, left whole or halved, laid out on steel trays."),
                ),
            ),
            DiaryStep(
                "drying", -2, "09:00", "Xưởng sấy {site}",
                (
                    ("Sấy {dry_hours} giờ ở {dry_temp} °C; không đường, không chất bảo quản.",
                     "Dried for {dry_hours} hours at {dry_temp} °C; no sugar, no "
                     "preservatives."),
                ),
            ),
            DiaryStep(
                "packing", 0, "08:00", "Xưởng sấy {site}",
                (
                    ("Đóng {qty} {unit} kèm gói hút ẩm, hàn kín miệng túi.",
                     "Packed {qty} {unit} with desiccant sachets, heat-sealed."),
                ),
            ),
            DiaryStep(
                "inspecting", 1, "10:00", "Xưởng sấy {site}",
                (
                    ("Độ ẩm thành phẩm {moisture}%, màu vàng nâu đều.",
                     "Finished moisture {moisture}%, even golden-brown colour."),
                ),
            ),
            SHIP,
        ),
    ),
    "eggs": Kind(
        "demo/eggs.svg", OcopGroup.FOOD, "box", shelf_life_days=30,
        ranges=(("barn", 1, 6), ("hens", 3600, 4200), ("eggs_n", 3000, 3400),
                ("rejects", 20, 90), ("ship_share", 50, 90)),
        diary=(
            DiaryStep(
                "feeding", -2, "06:00", "Chuồng nuôi số {barn}",
                (
                    ("Cho đàn {hens} gà đẻ ăn cám ngô trộn thảo dược, nước uống sạch.",
                     "Fed the {hens} laying hens maize mash with herbs; clean water."),
                    ("Thả vườn đàn {hens} gà; bổ sung rau xanh và men tiêu hóa.",
                     "Let the {hens} hens out to range; green fodder and probiotics added."),
                ),
            ),
            DiaryStep(
                "harvesting", -1, "16:00", "Chuồng nuôi số {barn}",
                (
                    ("Nhặt trứng hai lần trong ngày, được {eggs_n} quả.",
                     "Collected eggs twice in the day: {eggs_n} eggs."),
                ),
            ),
            DiaryStep(
                "inspecting", 0, "06:30", "Khu soi và đóng trứng",
                (
                    ("Soi trứng, loại {rejects} quả dập, nứt hoặc bẩn.",
                     "Candled; {rejects} cracked or dirty eggs removed."),
                ),
            ),
            DiaryStep(
                "packing", 0, "08:00", "Khu soi và đóng trứng",
                (
                    ("Lau sạch, in mã lô {code} lên vỏ, đóng {qty} {unit}.",
                     "Wiped clean, lot {code} stamped on the shells, {qty} {unit} packed."),
                ),
            ),
            replace(SHIP, day=1, at="06:00"),
        ),
    ),
    "mushroom": Kind(
        "demo/mushroom.svg", OcopGroup.FOOD, "box", shelf_life_days=5, hard_expiry=True,
        ranges=(("house", 1, 4), ("bags", 1500, 4000), ("raw_kg", 130, 180), ("flush", 2, 4)),
        diary=(
            MUSHROOM_PLANTING,
            MUSHROOM_PICKING,
            DiaryStep(
                "packing", 0, "07:00", "Nhà sơ chế",
                (
                    ("Cắt chân, đóng {qty} {unit}, bọc màng; giữ mát 2–5 °C.",
                     "Stems trimmed, {qty} {unit} packed and film-wrapped; kept at 2–5 °C."),
                ),
            ),
            DiaryStep(
                "shipping", 0, "09:00", "Nhà sơ chế",
                (
                    ("Giao cho {shop} bằng xe thùng lạnh.",
                     "Delivered to {shop} in a chilled van."),
                    ("Giao buổi sáng cho {shop}, nấm còn tươi giòn.",
                     "Morning delivery to {shop}, still crisp."),
                ),
            ),
        ),
    ),
    "dried_mushroom": Kind(
        "demo/mushroom.svg", OcopGroup.FOOD, "bag", shelf_life_days=365,
        ranges=(("house", 1, 4), ("bags", 1500, 4000), ("raw_kg", 150, 260), ("flush", 2, 4),
                ("dry_temp", 45, 55), ("dry_hours", 10, 14), ("ship_share", 30, 60)),
        diary=(
            replace(MUSHROOM_PLANTING, day=-40),
            replace(MUSHROOM_PICKING, day=-2),
            DiaryStep(
                "drying", -2, "09:00", "Nhà sơ chế",
                (
                    ("Sấy nấm ở {dry_temp} °C trong {dry_hours} giờ đến khi khô giòn.",
                     "Dried at {dry_temp} °C for {dry_hours} hours until crisp."),
                ),
            ),
            DiaryStep(
                "packing", 0, "08:00", "Nhà sơ chế",
                (
                    ("Đóng {qty} {unit} kèm gói hút ẩm.", "Packed {qty} {unit} with desiccant."),
                ),
            ),
            SHIP,
        ),
    ),
    "rice_wine": Kind(
        "demo/rice-wine.svg", OcopGroup.BEVERAGE, "bottle",
        ranges=(("raw_kg", 350, 450), ("ferment_days", 7, 10), ("distill_l", 210, 260),
                ("ship_share", 20, 50)),
        diary=(
            DiaryStep(
                "receiving", -100, "08:00", "Lò rượu {site}",
                (
                    ("Nhận {raw_kg} kg gạo nếp cái hoa vàng, hạt tròn, thơm.",
                     "Received {raw_kg} kg of yellow-flower sticky rice: round, fragrant "
                     "grains."),
                ),
                takes_inputs=True,
            ),
            DiaryStep(
                "cooking", -100, "13:00", "Lò rượu {site}",
                (
                    ("Đồ xôi bằng chõ gỗ, rải mát trên nong tre.",
                     "Steamed in a wooden steamer, spread on bamboo trays to cool."),
                    ("Ngâm gạo 6 tiếng, đồ xôi hai lửa cho chín đều.",
                     "Soaked six hours, steamed twice over for an even cook."),
                ),
            ),
            DiaryStep(
                "fermenting", -100, "17:00", "Lò rượu {site}",
                (
                    ("Rắc men lá gia truyền, ủ trong chum {ferment_days} ngày.",
                     "Sprinkled with the family's leaf yeast; fermenting in jars for "
                     "{ferment_days} days."),
                ),
            ),
            DiaryStep(
                "distilling", -92, "06:00", "Lò rượu {site}",
                (
                    ("Chưng cất nồi đồng trên bếp củi, hứng được {distill_l} lít rượu.",
                     "Distilled in a copper pot over a wood fire: {distill_l} litres "
                     "collected."),
                    ("Cất rượu hai lần, bỏ rượu đầu và rượu cuối; được {distill_l} lít.",
                     "Double-distilled, heads and tails discarded; {distill_l} litres kept."),
                ),
            ),
            DiaryStep(
                "storing", -90, "09:00", "Hầm chum {site}",
                (
                    ("Hạ thổ chum rượu khoảng ba tháng cho êm.",
                     "Jars buried in the ground for about three months to mellow."),
                ),
            ),
            DiaryStep(
                "inspecting", -2, "09:00", "Lò rượu {site}",
                (
                    ("Đo độ cồn {abv}% vol; methanol trong giới hạn cho phép.",
                     "Alcohol {abv}% vol; methanol within the permitted limit."),
                ),
            ),
            DiaryStep(
                "packing", 0, "08:00", "Lò rượu {site}",
                (
                    ("Chiết {qty} {unit}, nút kín, dán tem mã lô {code}.",
                     "Filled {qty} {unit}, sealed, lot {code} labels applied."),
                ),
            ),
            SHIP,
        ),
    ),
    "jujube": Kind(
        "demo/apple.svg", OcopGroup.FOOD, "bag",
        ranges=(("trees", 200, 600), ("phi", 10, 14), ("raw_kg", 650, 1200),
                ("ship_share", 50, 90)),
        diary=(
            DiaryStep(
                "fertilising", -60, "06:00", "Vườn táo {site}",
                (
                    ("Bón phân hữu cơ cho {trees} gốc táo sau đợt tỉa cành.",
                     "Organic fertiliser for {trees} jujube trees after pruning."),
                ),
            ),
            DiaryStep(
                "spraying", -30, "06:30", "Vườn táo {site}",
                (
                    ("Phun chế phẩm sinh học phòng ruồi vàng; cách ly {phi} ngày trước thu "
                     "hoạch.",
                     "Biological spray against fruit flies; {phi}-day interval before "
                     "harvest."),
                ),
            ),
            DiaryStep(
                "harvesting", -1, "06:00", "Vườn táo {site}",
                (
                    ("Hái {raw_kg} kg táo khi vỏ chuyển xanh vàng, giòn ngọt.",
                     "Picked {raw_kg} kg as the skins turned yellow-green, crisp and sweet."),
                ),
            ),
            DiaryStep(
                "packing", 0, "07:00", "Nhà sơ chế {site}",
                (
                    ("Phân loại quả, đóng {qty} {unit}, dán tem mã lô {code}.",
                     "Graded, {qty} {unit} packed, lot {code} stickers applied."),
                ),
            ),
            replace(SHIP, day=1),
        ),
    ),
    "roselle_tea": Kind(
        "demo/tea.svg", OcopGroup.BEVERAGE, "box", shelf_life_days=540,
        ranges=(("raw_kg", 450, 700), ("dry_temp", 50, 60), ("dry_hours", 18, 26),
                ("samples", 3, 6), ("ship_share", 30, 60)),
        diary=(
            ROSELLE_PICKING,
            ROSELLE_DRYING,
            DiaryStep(
                "commissioning", -3, "08:00", "Xưởng chế biến",
                (
                    ("Nghiền, phối trộn và đóng túi lọc 2 g.",
                     "Ground, blended and filled into 2 g tea bags."),
                ),
            ),
            DiaryStep(
                "packing", 0, "08:00", "Xưởng chế biến",
                (
                    ("Đóng {qty} {unit} 20 túi lọc, in mã lô {code}.",
                     "Packed {qty} {unit} of 20 tea bags, lot {code} printed."),
                ),
            ),
            LAB_CHECK,
            replace(SHIP, day=3),
        ),
    ),
    "roselle_dried": Kind(
        "demo/tea.svg", OcopGroup.BEVERAGE, "bag", shelf_life_days=365,
        ranges=(("raw_kg", 450, 700), ("dry_temp", 50, 60), ("dry_hours", 18, 26),
                ("ship_share", 30, 60)),
        diary=(
            ROSELLE_PICKING,
            ROSELLE_DRYING,
            DiaryStep(
                "packing", 0, "08:00", "Xưởng chế biến",
                (
                    ("Đóng {qty} {unit} hoa sấy khô, hàn kín, in mã lô {code}.",
                     "Packed {qty} {unit} of dried calyces, sealed, lot {code} printed."),
                ),
            ),
            SHIP,
        ),
    ),
    "roselle_drink": Kind(
        "demo/tea.svg", OcopGroup.BEVERAGE, "bottle", shelf_life_days=365,
        ranges=(("raw_kg", 20, 40), ("extract_temp", 80, 90), ("pasteur_temp", 85, 92),
                ("brix", 10, 14), ("ship_share", 30, 60)),
        diary=(
            DiaryStep(
                "receiving", -1, "14:00", "Kho nguyên liệu",
                (
                    ("Xuất {raw_kg} kg đài hoa atiso đỏ sấy khô cho ca nấu.",
                     "Issued {raw_kg} kg of dried roselle calyces to the cooking shift."),
                ),
                takes_inputs=True,
            ),
            DiaryStep(
                "cooking", 0, "06:00", "Xưởng nước giải khát",
                (
                    ("Nấu chiết đài hoa ở {extract_temp} °C, lọc, phối đường phèn.",
                     "Extracted at {extract_temp} °C, filtered, blended with rock sugar."),
                ),
            ),
            DiaryStep(
                "packing", 0, "10:00", "Xưởng nước giải khát",
                (
                    ("Chiết rót {qty} {unit}, thanh trùng {pasteur_temp} °C.",
                     "Filled {qty} {unit}, pasteurised at {pasteur_temp} °C."),
                ),
            ),
            DiaryStep(
                "inspecting", 1, "09:00", "Xưởng nước giải khát",
                (
                    ("Độ Brix {brix}, màu đỏ ruby đồng đều; đạt.",
                     "Brix {brix}, even ruby colour; pass."),
                ),
            ),
            replace(SHIP, day=3),
        ),
    ),
    "rice_cracker": Kind(
        "demo/rice-cracker.svg", OcopGroup.FOOD, "pack", shelf_life_days=180,
        ranges=(("raw_kg", 300, 450), ("dry_hours", 5, 8), ("ship_share", 40, 80)),
        diary=(
            DiaryStep(
                "receiving", -3, "15:00", "Xưởng bánh {site}",
                (
                    ("Nhận {raw_kg} kg gạo tẻ, vo sạch và ngâm qua đêm.",
                     "Received {raw_kg} kg of rice, washed and soaked overnight."),
                ),
                takes_inputs=True,
            ),
            DiaryStep(
                "cooking", -2, "04:00", "Xưởng bánh {site}",
                (
                    ("Xay bột nước, pha mật mía, tráng bánh trên nồi hơi, rắc vừng.",
                     "Ground to a batter with molasses, steamed into thin sheets, sprinkled "
                     "with sesame."),
                    ("Tráng bánh từ 3 giờ sáng, mỗi mẻ 40 chiếc.",
                     "Steaming sheets from 3 a.m., forty to a batch."),
                ),
            ),
            DiaryStep(
                "drying", -2, "07:00", "Sân phơi {site}",
                (
                    ("Phơi bánh trên phên tre {dry_hours} giờ nắng.",
                     "Sun-dried on bamboo racks for {dry_hours} hours."),
                    ("Trời râm, phơi {dry_hours} giờ rồi sấy bổ sung.",
                     "Overcast: {dry_hours} hours outside, then finished in the dryer."),
                ),
            ),
            DiaryStep(
                "packing", 0, "09:00", "Xưởng bánh {site}",
                (
                    ("Đóng {qty} {unit}, hàn kín, in mã lô {code}.",
                     "Packed {qty} {unit}, sealed, lot {code} printed."),
                ),
            ),
            SHIP,
        ),
    ),
    "sausage": Kind(
        "demo/sausage.svg", OcopGroup.FOOD, "roll", shelf_life_days=20, hard_expiry=True,
        ranges=(("raw_kg", 170, 220), ("boil_min", 60, 90), ("cold_temp", 2, 4),
                ("ship_share", 60, 95)),
        diary=(
            DiaryStep(
                "receiving", -1, "04:30", "Xưởng giò chả {site}",
                (
                    ("Nhận {raw_kg} kg thịt lợn nóng, có giấy chứng nhận kiểm dịch.",
                     "Received {raw_kg} kg of freshly slaughtered pork with a veterinary "
                     "certificate."),
                ),
                takes_inputs=True,
            ),
            DiaryStep(
                "cooking", -1, "05:30", "Xưởng giò chả {site}",
                (
                    ("Giã thịt, nêm nước mắm, gói lá chuối, luộc {boil_min} phút.",
                     "Pounded, seasoned with fish sauce, wrapped in banana leaves and boiled "
                     "for {boil_min} minutes."),
                ),
            ),
            DiaryStep(
                "storing", -1, "11:00", "Kho mát",
                (
                    ("Để nguội, bảo quản kho mát {cold_temp} °C.",
                     "Cooled and kept in the cold room at {cold_temp} °C."),
                ),
            ),
            DiaryStep(
                "packing", 0, "06:00", "Xưởng giò chả {site}",
                (
                    ("Hút chân không {qty} {unit}, dán nhãn có mã lô {code}.",
                     "{qty} {unit} vacuum-packed and labelled with lot {code}."),
                ),
            ),
            DiaryStep(
                "inspecting", 0, "07:30", "Xưởng giò chả {site}",
                (
                    ("Kiểm tra cảm quan, test nhanh hàn the: âm tính.",
                     "Sensory check and rapid borax test: negative."),
                ),
            ),
            replace(SHIP, day=1, at="05:30"),
        ),
    ),
    "pottery": Kind(
        "demo/pottery.svg", OcopGroup.HANDICRAFT, "piece",
        ranges=(("kiln_temp", 1250, 1300), ("kiln_hours", 14, 18), ("rejects", 2, 5),
                ("ship_share", 20, 50)),
        diary=(
            DiaryStep(
                "commissioning", -25, "08:00", "Xưởng tạo hình",
                (
                    ("Tạo hình {qty} {unit} trên bàn xoay từ đất sét trắng, phơi mộc.",
                     "Threw {qty} {unit} on the wheel from white clay, left them to dry."),
                ),
            ),
            DiaryStep(
                "commissioning", -12, "08:00", "Xưởng vẽ",
                (
                    ("Nghệ nhân vẽ tay hoa văn men lam, tráng men tro.",
                     "Hand-painted in underglaze blue, then dipped in ash glaze."),
                    ("Vẽ tích cổ và hoa sen bằng bút lông, tráng men.",
                     "Old scenes and lotus flowers painted with brushes, then glazed."),
                ),
            ),
            DiaryStep(
                "firing", -6, "05:00", "Lò nung",
                (
                    ("Nung lò ga {kiln_temp} °C trong {kiln_hours} giờ, để nguội tự nhiên.",
                     "Fired in the gas kiln at {kiln_temp} °C for {kiln_hours} hours, cooled "
                     "naturally."),
                ),
            ),
            DiaryStep(
                "inspecting", -3, "09:00", "Xưởng hoàn thiện",
                (
                    ("Kiểm tra từng sản phẩm; loại {rejects} chiếc cong vênh hoặc lỗi men.",
                     "Every piece checked; {rejects} warped or faulty-glaze pieces rejected."),
                ),
            ),
            DiaryStep(
                "packing", 0, "08:00", "Xưởng hoàn thiện",
                (
                    ("Đóng {qty} {unit} vào hộp chống sốc, kèm phiếu giới thiệu.",
                     "Packed {qty} {unit} in shock-proof boxes with a leaflet."),
                ),
            ),
            SHIP,
        ),
    ),
}

# --------------------------------------------------------------------------- products

TCCS_FISH_SAUCE = "TCVN 5107:2018; TCCS 01:2023/HTXNMCH"
FISH_SAUCE_BRAND = "Mắm Cát Hải Xưa"

# fmt: on


def _fish_sauce(
    key: str,
    prefix: str,
    protein: str,
    size: tuple[str, str, str, str],
    ocop: Ocop | None,
    lots: tuple[tuple[int, int], ...],
    note: tuple[str, str],
    lot_unit: str | None = None,
) -> ProductSpec:
    """A Cat Hai fish sauce: the six differ only in grade, size and use.

    ``size`` is (Vietnamese, English, net content, unit); ``note`` is (Vietnamese, English).
    """
    size_vi, size_en, content, unit = size
    return ProductSpec(
        key,
        "cat_hai_fish_sauce",
        "fish_sauce",
        prefix,
        f"Nước mắm cá cơm Cát Hải {protein} độ đạm – {size_vi}",
        f"Cat Hai anchovy fish sauce {protein}°N – {size_en}",
        f"Nước mắm truyền thống ủ chượp 12 tháng từ cá cơm than và muối biển. {note[0]}",
        f"Traditional fish sauce fermented for 12 months from black anchovies and sea salt. "
        f"{note[1]}",
        (content, unit),
        TCCS_FISH_SAUCE,
        FISH_SAUCE_BRAND,
        ocop,
        lots,
        lot_unit=lot_unit,
        params=(("protein", protein, protein),),
    )


# fmt: off

PRODUCTS: tuple[ProductSpec, ...] = (
    _fish_sauce("fs40", "NM40", "40", ("chai thủy tinh 500 ml", "500 ml glass bottle", "500", "ml"),
                Ocop(4, 9), ((21, 1200), (68, 1500), (130, 900)),
                ("Màu cánh gián, vị ngọt hậu, dùng chấm trực tiếp.",
                 "Amber, with a long sweet finish; best as a dipping sauce.")),
    _fish_sauce("fs30", "NM30", "30", ("chai nhựa 500 ml", "500 ml PET bottle", "500", "ml"),
                Ocop(3, 20), ((35, 2000), (96, 1800)),
                ("Dùng nêm nếm hằng ngày.", "For everyday cooking.")),
    _fish_sauce("fs50", "NM50", "50", ("chai thủy tinh 250 ml", "250 ml glass bottle", "250", "ml"),
                Ocop(4, 8), ((50, 600),),
                ("Nước mắm nhĩ rút những giọt đầu tiên, số lượng ít.",
                 "First-draw sauce, the first drops from the vat, made in small quantities.")),
    _fish_sauce("fs25", "NM25", "25", ("chai nhựa 1 lít", "1 litre PET bottle", "1", "l"),
                Ocop(3, 40), ((44, 1000), (110, 1000)),
                ("Chai lớn cho bếp gia đình và quán ăn.",
                 "A large bottle for homes and eateries.")),
    _fish_sauce("fs_can", "NMCAN", "30", ("can 2 lít", "2 litre can", "2", "l"),
                None, ((27, 400),),
                ("Đóng can cho bếp ăn tập thể; mang nhãn hiệu chứng nhận của địa phương.",
                 "In cans for canteens; carries the local certification trademark."),
                lot_unit="can"),
    _fish_sauce("fs45", "NM45", "45", ("chai thủy tinh 200 ml", "200 ml glass bottle", "200", "ml"),
                Ocop(3, 26), ((58, 700),),
                ("Chai nhỏ làm quà biếu.", "A small bottle for gifts.")),
    ProductSpec(
        "anchovy_fresh", "hoang_chau_fishing", "fresh_fish", "CC",
        "Cá cơm than tươi Cát Hải", "Fresh Cat Hai black anchovies",
        "Cá cơm than đánh bắt đêm quanh đảo, ướp đá trên tàu, giao cho các cơ sở làm mắm "
        "trong buổi sáng.",
        "Black anchovies caught at night around the island, iced on board and delivered to "
        "fish-sauce makers the same morning.",
        ("1", "kg"), "TCCS 01:2023/HTXHC", None, None,
        ((393, 3000), (6, 800)), has_gtin=False,
        entry=Entry(BatchEntryStatus.SURVEYED,
                    "Nguyên liệu tươi bán theo cân, chưa có bao bì và nhãn hàng hóa; ghi nhận "
                    "là mắt xích cung ứng cho nước mắm Cát Hải, xem xét lại ở đợt sau."),
    ),
    ProductSpec(
        "anchovy_dried", "hoang_chau_fishing", "dried_fish", "CCK",
        "Cá cơm khô Cát Hải – túi 500 g", "Cat Hai dried anchovies – 500 g bag",
        "Cá cơm hấp muối nhạt rồi phơi nắng, thịt ngọt, dùng rang hoặc nấu canh.",
        "Anchovies steamed in light brine and sun-dried; sweet flesh for stir-frying or soup.",
        ("500", "g"), "TCCS 02:2023/HTXHC", "Hoàng Châu", Ocop(3, 22), ((5, 300),),
    ),
    ProductSpec(
        "scad_dried", "hoang_chau_fishing", "dried_fish", "CCV",
        "Cá chỉ vàng khô – túi 300 g", "Dried yellowstripe scad – 300 g bag",
        "Cá chỉ vàng tẩm nhẹ, phơi một nắng; nướng than ăn kèm tương ớt.",
        "Lightly seasoned yellowstripe scad, dried for a day; grill it over charcoal.",
        ("300", "g"), "TCCS 03:2023/HTXHC", "Hoàng Châu", Ocop(3, 42), ((40, 250), (88, 200)),
    ),
    ProductSpec(
        "honey500", "gia_luan_honey", "honey", "MO5",
        "Mật ong hoa rừng Cát Bà – chai 500 ml", "Cat Ba wild-flower honey – 500 ml bottle",
        "Mật ong của đàn ong nội kiếm hoa rừng Cát Bà, vị ngọt thanh, hơi chát nhẹ cuối lưỡi.",
        "Honey from native bees foraging Cat Ba's forest flowers: clean sweetness with a faint "
        "astringent finish.",
        ("500", "ml"), "TCCS 01:2022/MOGL", "Ong rừng Gia Luận", Ocop(4, 14),
        ((60, 300), (150, 250)),
    ),
    ProductSpec(
        "honey250", "gia_luan_honey", "honey", "MO2",
        "Mật ong hoa rừng Cát Bà – hũ 250 ml", "Cat Ba wild-flower honey – 250 ml jar",
        "Hũ nhỏ tiện mang đi du lịch, cùng nguồn mật với chai 500 ml.",
        "A small travel jar of the same honey as the 500 ml bottle.",
        ("250", "ml"), "TCCS 01:2022/MOGL", "Ong rừng Gia Luận", Ocop(3, 14), ((60, 400),),
        lot_unit="jar",
    ),
    ProductSpec(
        "honey1l", "gia_luan_honey", "honey", "MO1",
        "Mật ong hoa rừng Cát Bà – chai 1 lít", "Cat Ba wild-flower honey – 1 litre bottle",
        "Chai lớn cho gia đình; mật vụ xuân, màu hổ phách đậm.",
        "A family-size bottle of spring honey, deep amber.",
        ("1", "l"), "TCCS 01:2022/MOGL", "Ong rừng Gia Luận", Ocop(3, 29), ((150, 120),),
    ),
    ProductSpec(
        "sardine_fs", "kien_thuy_seafood", "braised_fish", "CMK",
        "Cá mòi kho nước mắm Kiến Thụy – hộp 300 g",
        "Kien Thuy sardines braised in fish sauce – 300 g box",
        "Cá mòi kho với nước mắm Cát Hải, riềng và gừng đến nhừ xương, ăn được cả con.",
        "Sardines braised with Cat Hai fish sauce, galangal and ginger until the bones are soft "
        "enough to eat.",
        ("300", "g"), "TCCS 01:2023/TPBKT", "Cá mòi làng biển", Ocop(4, 11),
        ((30, 800), (74, 600)),
    ),
    ProductSpec(
        "sardine_pepper", "kien_thuy_seafood", "braised_fish", "CMT",
        "Cá mòi kho tiêu – hũ thủy tinh 500 g", "Peppered braised sardines – 500 g glass jar",
        "Cá mòi kho với tiêu đen Phú Quốc, vị cay ấm, hợp ăn với cơm nóng.",
        "Sardines braised with black pepper: warm heat that suits hot rice.",
        ("500", "g"), "TCCS 02:2023/TPBKT", "Cá mòi làng biển", Ocop(3, 18), ((45, 400),),
        lot_unit="jar",
    ),
    ProductSpec(
        "sardine_galangal", "kien_thuy_seafood", "braised_fish", "CMR",
        "Cá mòi kho riềng – hộp 200 g", "Sardines braised with galangal – 200 g box",
        "Phần nhỏ cho bữa cơm hai người, nhiều riềng, ít ngọt.",
        "A small pack for two, generous with galangal and light on sugar.",
        ("200", "g"), "TCCS 03:2023/TPBKT", "Cá mòi làng biển", Ocop(3, 5),
        ((18, 1000), (60, 1000)),
    ),
    ProductSpec(
        "rice_km5", "kien_minh_rice", "rice", "GRR5",
        "Gạo ruộng rươi Kiến Minh – túi 5 kg", "Kien Minh rice-worm paddy rice – 5 kg bag",
        "Gạo trồng trên ruộng có rươi, canh tác hạn chế hóa chất; cơm dẻo, thơm nhẹ.",
        "Rice from paddies where rice worms live, grown with minimal chemicals; soft, lightly "
        "fragrant when cooked.",
        ("5", "kg"), "TCVN 11888:2017; TCCS 01:2023/HTXKM", "Ruộng rươi Kiến Minh",
        Ocop(3, 24), ((40, 600), (120, 500)), params=(("variety", "Đài Thơm 8", "Dai Thom 8"),),
    ),
    ProductSpec(
        "rice_km10", "kien_minh_rice", "rice", "GRR10",
        "Gạo ruộng rươi Kiến Minh – bao 10 kg", "Kien Minh rice-worm paddy rice – 10 kg sack",
        "Bao lớn cho gia đình đông người và bếp ăn; cùng giống lúa với túi 5 kg.",
        "A large sack for big families and kitchens; the same variety as the 5 kg bag.",
        ("10", "kg"), "TCVN 11888:2017; TCCS 01:2023/HTXKM", "Ruộng rươi Kiến Minh",
        Ocop(3, 24), ((40, 300),), lot_unit="sack",
        params=(("variety", "Bắc Thơm 7", "Bac Thom 7"),),
    ),
    ProductSpec(
        "sticky_rice", "kien_minh_rice", "rice", "NEP",
        "Gạo nếp cái hoa vàng ruộng rươi – túi 2 kg",
        "Yellow-flower sticky rice from rice-worm paddies – 2 kg bag",
        "Nếp hạt tròn, thơm, dùng đồ xôi, làm bánh và nấu rượu.",
        "Round, fragrant glutinous rice for sticky rice, cakes and rice wine.",
        ("2", "kg"), "TCCS 02:2023/HTXKM", "Ruộng rươi Kiến Minh", None,
        ((70, 500), (170, 400)),
        params=(("variety", "nếp cái hoa vàng", "yellow-flower sticky rice"),),
    ),
    ProductSpec(
        "rice_tl5", "tien_minh_farming", "rice", "GTL5",
        "Gạo ruộng rươi Tiên Lãng – túi 5 kg", "Tien Lang rice-worm paddy rice – 5 kg bag",
        "Gạo từ vùng ruộng rươi ven sông Văn Úc, hạt thon dài, cơm mềm.",
        "Rice from the rice-worm paddies by the Van Uc river: long slender grains, soft when "
        "cooked.",
        ("5", "kg"), "TCVN 11888:2017; TCCS 01:2023/HTXTM", "Đồng quê Tiên Minh",
        Ocop(3, 3), ((25, 700),), params=(("variety", "RVT", "RVT"),),
    ),
    ProductSpec(
        "banana_pink", "tien_minh_farming", "banana", "CTH",
        "Chuối tiêu hồng Tiên Lãng", "Tien Lang pink Cavendish bananas",
        "Chuối tiêu hồng ủ chín tự nhiên, vỏ vàng lốm đốm, thịt dẻo thơm; bán theo cân.",
        "Pink Cavendish bananas ripened naturally: freckled yellow skins, soft fragrant flesh; "
        "sold by weight.",
        ("1", "kg"), "TCCS 02:2023/HTXTM", "Đồng quê Tiên Minh", Ocop(3, 17),
        ((3, 800), (16, 1500)),
    ),
    ProductSpec(
        "banana_box", "tien_minh_farming", "banana", "CTHH",
        "Chuối tiêu hồng – hộp quà 3 kg", "Pink Cavendish bananas – 3 kg gift box",
        "Những nải đẹp nhất xếp hộp giấy, dùng biếu và bày mâm ngũ quả.",
        "The best hands in a card box, for gifts and offering trays.",
        ("3", "kg"), "TCCS 02:2023/HTXTM", "Đồng quê Tiên Minh", Ocop(3, 17), ((4, 120),),
        lot_unit="box",
    ),
    ProductSpec(
        "eggs10", "quyet_thang_poultry", "eggs", "TG10",
        "Trứng gà sạch Quyết Thắng – hộp 10 quả", "Quyet Thang farm eggs – box of 10",
        "Trứng gà đẻ nuôi thả vườn, lòng đỏ đậm, được soi và in mã lô trên vỏ.",
        "Free-range eggs with deep-yellow yolks, candled and stamped with the lot code.",
        ("10", "egg"), "TCCS 01:2023/TTQT", "Gà vườn Quyết Thắng", Ocop(3, 12),
        ((3, 280), (50, 300)),
    ),
    ProductSpec(
        "eggs30", "quyet_thang_poultry", "eggs", "TG30",
        "Trứng gà – khay 30 quả", "Farm eggs – tray of 30",
        "Khay 30 quả bán tại trại và cho các bếp ăn, chưa in mã vạch.",
        "Trays of 30 sold at the farm gate and to kitchens; no barcode yet.",
        ("30", "egg"), "TCCS 01:2023/TTQT", "Gà vườn Quyết Thắng", Ocop(3, 12), ((2, 90),),
        has_gtin=False, lot_unit="tray",
    ),
    ProductSpec(
        "eggs_herb", "quyet_thang_poultry", "eggs", "TGTD",
        "Trứng gà thảo dược – hộp 6 quả", "Herb-fed eggs – box of 6",
        "Gà được bổ sung tỏi, gừng và lá đinh lăng trong khẩu phần; hộp nhỏ cho gia đình "
        "ít người.",
        "Hens fed garlic, ginger and polyscias leaves with their mash; a small box for small "
        "households.",
        ("6", "egg"), "TCCS 02:2023/TTQT", "Gà vườn Quyết Thắng", Ocop(3, 6), ((2, 450),),
    ),
    ProductSpec(
        "banana_soft", "hung_thang_dried_banana", "dried_banana", "CSD",
        "Chuối sấy dẻo Tiên Lãng – túi 200 g", "Tien Lang chewy dried bananas – 200 g bag",
        "Chuối tiêu hồng chín sấy nguyên quả, dẻo ngọt tự nhiên, không đường.",
        "Whole ripe pink bananas dried until chewy; naturally sweet, no added sugar.",
        ("200", "g"), "TCCS 01:2023/CSHT", "Chuối sấy Hùng Thắng", Ocop(4, 6),
        ((12, 480), (70, 450)),
    ),
    ProductSpec(
        "banana_crisp", "hung_thang_dried_banana", "dried_banana", "CSG",
        "Chuối sấy giòn – túi 150 g", "Crispy banana chips – 150 g bag",
        "Lát chuối mỏng sấy giòn, ăn vặt cho trẻ em.",
        "Thin banana slices dried crisp; a snack for children.",
        ("150", "g"), "TCCS 02:2023/CSHT", "Chuối sấy Hùng Thắng", Ocop(3, 21),
        ((33, 500), (90, 400)),
    ),
    ProductSpec(
        "mushroom300", "vinh_bao_mushroom", "mushroom", "NS3",
        "Nấm sò tươi Vĩnh Bảo – hộp 300 g", "Vinh Bao fresh oyster mushrooms – 300 g box",
        "Nấm sò xám hái buổi sáng, giòn, ngọt; bảo quản ngăn mát.",
        "Grey oyster mushrooms picked in the morning, crisp and sweet; keep refrigerated.",
        ("300", "g"), "TCCS 01:2023/NSVB", "Nấm sạch Vĩnh Bảo", Ocop(3, 9),
        ((1, 400), (2, 350)),
    ),
    ProductSpec(
        "mushroom1kg", "vinh_bao_mushroom", "mushroom", "NS1",
        "Nấm sò tươi – túi 1 kg", "Fresh oyster mushrooms – 1 kg bag",
        "Túi lớn cho nhà hàng và bếp ăn, giao trong ngày.",
        "A large bag for restaurants and canteens, delivered the same day.",
        ("1", "kg"), "TCCS 01:2023/NSVB", "Nấm sạch Vĩnh Bảo", Ocop(3, 9), ((2, 120),),
        has_gtin=False, lot_unit="bag",
    ),
    ProductSpec(
        "mushroom_dried", "vinh_bao_mushroom", "dried_mushroom", "NSK",
        "Nấm sò sấy khô – túi 100 g", "Dried oyster mushrooms – 100 g bag",
        "Nấm sò sấy giòn, ngâm nước ấm 10 phút trước khi nấu.",
        "Crisp-dried oyster mushrooms; soak in warm water for ten minutes before cooking.",
        ("100", "g"), "TCCS 02:2023/NSVB", "Nấm sạch Vĩnh Bảo", PENDING, ((20, 300),),
    ),
    ProductSpec(
        "wine500", "vinh_am_rice_wine", "rice_wine", "RN5",
        "Rượu nếp cái hoa vàng Vĩnh Am 29% vol – chai 500 ml",
        "Vinh Am yellow-flower sticky rice wine 29% vol – 500 ml bottle",
        "Rượu nếp cất nồi đồng, hạ thổ ba tháng, êm và thơm mùi nếp.",
        "Copper-pot sticky rice spirit, aged underground for three months: smooth, with the "
        "scent of the rice.",
        ("500", "ml"), "TCVN 7043:2013; TCCS 01:2023/HTXVA", "Rượu làng Vĩnh Am", Ocop(3, 16),
        ((55, 400),), params=(("abv", "29", "29"),),
    ),
    ProductSpec(
        "wine1l", "vinh_am_rice_wine", "rice_wine", "RN1",
        "Rượu nếp Vĩnh Am – bình sứ 1 lít", "Vinh Am sticky rice wine – 1 litre porcelain jar",
        "Rượu nếp đựng trong bình sứ men lam, dùng làm quà biếu dịp Tết.",
        "Sticky rice spirit in a blue-glazed porcelain jar, a Tet gift.",
        ("1", "l"), "TCVN 7043:2013; TCCS 01:2023/HTXVA", "Rượu làng Vĩnh Am", Ocop(3, 16),
        ((80, 200),), lot_unit="jar", params=(("abv", "29", "29"),),
    ),
    ProductSpec(
        "wine350", "vinh_am_rice_wine", "rice_wine", "RN35",
        "Rượu nếp Vĩnh Am 35% vol – chai 350 ml",
        "Vinh Am sticky rice wine 35% vol – 350 ml bottle",
        "Chai nhỏ độ cồn cao hơn, đang đăng ký đánh giá OCOP.",
        "A smaller, stronger bottle, with its OCOP rating applied for.",
        ("350", "ml"), "TCVN 7043:2013; TCCS 02:2023/HTXVA", "Rượu làng Vĩnh Am", PENDING,
        ((55, 600),), params=(("abv", "35", "35"),),
    ),
    ProductSpec(
        "jujube1kg", "bang_la_jujube", "jujube", "TBL1",
        "Táo Bàng La – túi 1 kg", "Bang La jujubes – 1 kg bag",
        "Táo ta trồng trên đất pha cát Đồ Sơn, quả giòn, ngọt mát, vỏ mỏng.",
        "Indian jujubes grown on Do Son's sandy soil: crisp, cool and sweet, with thin skins.",
        ("1", "kg"), "TCCS 01:2023/HTXBL", "Táo Bàng La", Ocop(3, 27), ((4, 600),),
    ),
    ProductSpec(
        "jujube_gift", "bang_la_jujube", "jujube", "TBLQ",
        "Táo Bàng La – hộp quà 2 kg", "Bang La jujubes – 2 kg gift box",
        "Quả chọn đều cỡ xếp hộp giấy, làm quà biếu dịp cuối năm.",
        "Evenly sized fruit in a card box, a year-end gift.",
        ("2", "kg"), "TCCS 01:2023/HTXBL", "Táo Bàng La", Ocop(3, 27), ((4, 150),),
        lot_unit="box",
    ),
    ProductSpec(
        "jujube5kg", "bang_la_jujube", "jujube", "TBL5",
        "Táo Bàng La – thùng 5 kg", "Bang La jujubes – 5 kg carton",
        "Thùng giấy cho đại lý và chợ đầu mối, chưa có mã vạch.",
        "Cartons for wholesalers and markets; no barcode yet.",
        ("5", "kg"), "TCCS 01:2023/HTXBL", "Táo Bàng La", PENDING, ((5, 80),),
        has_gtin=False, lot_unit="carton",
        entry=Entry(BatchEntryStatus.SURVEYED,
                    "Sản phẩm theo mùa vụ (thu hoạch tháng 11 đến tháng 2); khảo sát lại khi vào "
                    "vụ và khi có mã số mã vạch."),
    ),
    ProductSpec(
        "roselle_tea", "an_duong_roselle", "roselle_tea", "ATD",
        "Trà hoa atiso đỏ túi lọc – hộp 20 túi", "Roselle tea bags – box of 20",
        "Đài hoa atiso đỏ sấy, nghiền và đóng túi lọc; nước trà đỏ ruby, vị chua thanh.",
        "Dried roselle calyces ground into tea bags: a ruby-red brew with a clean tartness.",
        ("40", "g"), "TCCS 01:2023/ATDAD", "Atiso đỏ An Dương", Ocop(4, 7),
        ((25, 1000), (100, 800)),
    ),
    ProductSpec(
        "roselle_dried", "an_duong_roselle", "roselle_dried", "ATK",
        "Hoa atiso đỏ sấy khô – túi 100 g", "Dried roselle calyces – 100 g bag",
        "Đài hoa nguyên cánh sấy lạnh, pha trà, làm mứt hoặc nước uống.",
        "Whole cold-dried calyces for tea, jam or drinks.",
        ("100", "g"), "TCCS 02:2023/ATDAD", "Atiso đỏ An Dương", Ocop(3, 13),
        ((40, 600), (120, 500)),
    ),
    ProductSpec(
        "roselle_drink", "an_duong_roselle", "roselle_drink", "NGK",
        "Nước giải khát atiso đỏ – chai 330 ml", "Roselle soft drink – 330 ml bottle",
        "Nước atiso đỏ nấu từ đài hoa sấy và đường phèn, uống lạnh.",
        "A drink brewed from dried calyces and rock sugar; serve chilled.",
        ("330", "ml"), "TCCS 03:2023/ATDAD", "Atiso đỏ An Dương", Ocop(3, 13), ((15, 3000),),
    ),
    ProductSpec(
        "roselle_syrup", "an_duong_roselle", "roselle_drink", "SRO",
        "Siro atiso đỏ – chai 250 ml", "Roselle syrup – 250 ml bottle",
        "Siro đậm đặc pha với nước lạnh hoặc làm đá bào.",
        "A concentrate to dilute with cold water or pour over shaved ice.",
        ("250", "ml"), "TCCS 04:2023/ATDAD", "Atiso đỏ An Dương", PENDING, ((28, 500),),
    ),
    ProductSpec(
        "banh_da_red", "an_lao_rice_cracker", "rice_cracker", "BDD",
        "Bánh đa đỏ An Lão – gói 500 g", "An Lao red rice crackers – 500 g pack",
        "Bánh đa đỏ tráng từ gạo tẻ và mật mía, dùng nấu bánh đa cua.",
        "Red rice sheets made with molasses, for Hai Phong's crab noodle soup.",
        ("500", "g"), "TCCS 01:2023/BDAL", "Bánh đa An Lão", Ocop(3, 39),
        ((20, 750), (60, 600)),
    ),
    ProductSpec(
        "banh_da_white", "an_lao_rice_cracker", "rice_cracker", "BDT",
        "Bánh đa vừng trắng – gói 400 g", "White sesame rice crackers – 400 g pack",
        "Bánh đa rắc vừng, nướng than ăn giòn hoặc bẻ vào bát canh.",
        "Sesame rice crackers: grill them crisp or break them into soup.",
        ("400", "g"), "TCCS 02:2023/BDAL", "Bánh đa An Lão", Ocop(3, 23), ((22, 500),),
    ),
    ProductSpec(
        "banh_da_brown", "an_lao_rice_cracker", "rice_cracker", "BDL",
        "Bánh đa gạo lứt – gói 300 g", "Brown rice crackers – 300 g pack",
        "Bánh đa làm từ gạo lứt đỏ, sản phẩm mới đang hoàn thiện hồ sơ.",
        "Rice crackers from red brown rice; a new product still completing its paperwork.",
        ("300", "g"), "TCCS 03:2023/BDAL", "Bánh đa An Lão", PENDING, ((35, 300),),
        entry=Entry(BatchEntryStatus.PENDING_DOCUMENTS,
                    "Thiếu phiếu kết quả kiểm nghiệm còn hiệu lực và bản tự công bố sản phẩm; "
                    "cơ sở bổ sung trước khi xét duyệt."),
    ),
    ProductSpec(
        "gio_lua", "kien_an_sausage", "sausage", "GL",
        "Giò lụa Kiến An – khoanh 500 g", "Kien An pork roll – 500 g roll",
        "Giò lụa giã từ thịt lợn nóng, nêm nước mắm Cát Hải, gói lá chuối.",
        "Pork roll pounded from same-day pork, seasoned with Cat Hai fish sauce and wrapped in "
        "banana leaves.",
        ("500", "g"), "TCCS 01:2023/GCKA", "Giò chả Kiến An", Ocop(3, 19),
        ((9, 300), (4, 350)),
    ),
    ProductSpec(
        "cha_que", "kien_an_sausage", "sausage", "CQ",
        "Chả quế – khoanh 500 g", "Cinnamon pork roll – 500 g roll",
        "Giò lụa phết quế nướng than hoa, thơm mùi quế.",
        "Pork roll brushed with cinnamon and grilled over charcoal.",
        ("500", "g"), "TCCS 02:2023/GCKA", "Giò chả Kiến An", Ocop(3, 44), ((5, 250),),
    ),
    ProductSpec(
        "gio_bo", "kien_an_sausage", "sausage", "GB",
        "Giò bò – khoanh 500 g", "Beef roll – 500 g roll",
        "Giò bò giã tay, tiêu đen; đang hoàn thiện nhãn và mã vạch.",
        "Hand-pounded beef roll with black pepper; label and barcode still to come.",
        ("500", "g"), "TCCS 03:2023/GCKA", "Giò chả Kiến An", PENDING, ((6, 120),),
        has_gtin=False,
        entry=Entry(BatchEntryStatus.REJECTED,
                    "Chưa có mã số mã vạch; nhãn chưa ghi hạn sử dụng và thành phần theo Nghị "
                    "định 43/2017/NĐ-CP (sửa đổi bởi Nghị định 111/2021/NĐ-CP). Đề nghị đăng ký "
                    "lại đợt sau."),
    ),
    ProductSpec(
        "vase", "chu_dau_ceramics", "pottery", "BH30",
        "Bình hoa gốm Chu Đậu men lam vẽ tay – cao 30 cm",
        "Chu Dau hand-painted blue-and-white vase – 30 cm",
        "Bình dáng tỏi, vẽ tay hoa sen và chim, men lam trên nền trắng ngà.",
        "A garlic-neck vase hand-painted with lotus and birds in blue on ivory white.",
        ("1", "piece"), "TCCS 01:2023/GCD", "Gốm Chu Đậu Thái Tân", Ocop(4, 4),
        ((30, 60), (75, 40)),
    ),
    ProductSpec(
        "plate", "chu_dau_ceramics", "pottery", "DG28",
        "Đĩa gốm Chu Đậu men lam hoa sen – 28 cm", "Chu Dau blue lotus plate – 28 cm",
        "Đĩa trang trí vẽ hoa sen theo mẫu đĩa cổ, có giá treo tường.",
        "A decorative plate painted after an old lotus pattern, with a wall hanger.",
        ("1", "piece"), "TCCS 02:2023/GCD", "Gốm Chu Đậu Thái Tân", None, ((50, 80),),
    ),
    ProductSpec(
        "tea_set", "chu_dau_ceramics", "pottery", "BAC",
        "Bộ ấm chén gốm Chu Đậu men rạn", "Chu Dau crackle-glaze tea set",
        "Một ấm, sáu chén, men rạn cổ; mỗi bộ vẽ tay khác nhau đôi chút.",
        "A pot and six cups in antique crackle glaze; each hand-painted set differs a little.",
        ("1", "set"), "TCCS 03:2023/GCD", "Gốm Chu Đậu Thái Tân", Ocop(3, 1), ((45, 50),),
        lot_unit="set",
    ),
)

# --------------------------------------------------------------------------- links

EXAMPLE_LOT = ("fs40", 0)

INPUTS: tuple[InputLink, ...] = (
    InputLink(EXAMPLE_LOT, ("anchovy_fresh", 0), "2600", "kg", sets="fish_kg"),
    InputLink(("anchovy_dried", 0), ("anchovy_fresh", 1), "600", "kg", sets="raw_kg"),
    InputLink(("sardine_fs", 0), ("fs30", 0), "40", "l"),
    InputLink(("gio_lua", 1), ("fs30", 0), "6", "l"),
    InputLink(("wine500", 0), ("sticky_rice", 1), "400", "kg", sets="raw_kg"),
    InputLink(("banana_soft", 0), ("banana_pink", 1), "400", "kg", sets="raw_kg"),
    InputLink(("roselle_drink", 0), ("roselle_dried", 0), "30", "kg", sets="raw_kg"),
    InputLink(("banh_da_red", 0), ("rice_km5", 0), "400", "kg", sets="raw_kg"),
)

RECALL = RecallSpec(
    ("gio_lua", 0),
    "Thu hồi tự nguyện: nhãn lô này in nhầm hạn sử dụng 45 ngày thay vì 20 ngày kể từ ngày "
    "sản xuất. Không sử dụng sản phẩm quá 20 ngày sau ngày sản xuất; liên hệ cơ sở để đổi hàng.",
    "Voluntary recall: this lot's label shows a use-by date 45 days after production instead "
    "of 20. Do not eat it more than 20 days after production; contact the maker for a "
    "replacement.",
    3, "11:00",
    (
        DiaryStep(
            "inspecting", 3, "10:00", "Kho thành phẩm",
            (
                ("Đại lý phản ánh hạn sử dụng trên nhãn lô {code} in sai (45 ngày thay vì 20 "
                 "ngày); xác nhận lỗi máy in nhãn, dừng bán toàn lô.",
                 "A stockist reported a wrong use-by date on lot {code} (45 days instead of 20); "
                 "label-printer fault confirmed, sale of the whole lot stopped."),
            ),
        ),
        DiaryStep(
            "receiving", 4, "15:00", "Kho thành phẩm",
            (
                ("Thu hồi {recalled} khoanh từ các đại lý về kho, lập biên bản.",
                 "{recalled} rolls brought back from stockists; a record was drawn up."),
            ),
        ),
        DiaryStep(
            "destroying", 5, "09:00", "Khu xử lý chất thải",
            (
                ("Tiêu hủy toàn bộ hàng thu hồi có chứng kiến của cán bộ thú y xã.",
                 "All recalled rolls destroyed, witnessed by the commune veterinary officer."),
            ),
        ),
    ),
)

CORRECTION = CorrectionSpec(
    EXAMPLE_LOT,
    "packing",
    DiaryStep(
        "correction", 1, "16:30", "Xưởng đóng chai số 2",
        (
            ("Đính chính bước đóng chai: lô này đóng tại xưởng số 2, không phải xưởng số 1 như "
             "đã ghi. Nội dung khác giữ nguyên.",
             "Correction to the bottling entry: this lot was bottled in workshop no. 2, not "
             "workshop no. 1 as first recorded. Nothing else changes."),
        ),
    ),
)

CERTIFICATES: tuple[CertificateSpec, ...] = (
    CertificateSpec(
        "cat_hai_fish_sauce", CertificationKind.CERTIFICATION_TRADEMARK,
        "Quyền sử dụng nhãn hiệu chứng nhận “Nước mắm Cát Hải”",
        "Licence to use the “Nước mắm Cát Hải” certification trademark",
        "NHCN-CH-DEMO-014", "UBND huyện Cát Hải", 50,
    ),
    CertificateSpec(
        "hoang_chau_fishing", CertificationKind.OTHER,
        "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        "Food safety eligibility certificate",
        "ATTP-DEMO-0231", "Chi cục Quản lý chất lượng Nông lâm sản và Thủy sản (demo)", 20, 36,
    ),
    CertificateSpec(
        "kien_thuy_seafood", CertificationKind.HACCP_ISO22000,
        "Chứng nhận HACCP", "HACCP certification",
        "HACCP-DEMO-2291", "Tổ chức chứng nhận (demo)", 14, 36,
    ),
    CertificateSpec(
        "kien_minh_rice", CertificationKind.VIETGAP,
        "Chứng nhận VietGAP trồng trọt (lúa)", "VietGAP crop certification (rice)",
        "VietGAP-TT-DEMO-0412", "Tổ chức chứng nhận VietGAP (demo)", 10, 36,
    ),
    CertificateSpec(
        "sticky_rice", CertificationKind.GEOGRAPHICAL_INDICATION,
        "Chỉ dẫn địa lý “Nếp cái hoa vàng Kiến Thụy” (minh họa)",
        "Geographical indication “Kien Thuy yellow-flower sticky rice” (illustrative)",
        "CDĐL-DEMO-0007", "Cục Sở hữu trí tuệ (demo)", 34,
    ),
    CertificateSpec(
        "tien_minh_farming", CertificationKind.VIETGAP,
        "Chứng nhận VietGAP trồng trọt (chuối)", "VietGAP crop certification (bananas)",
        "VietGAP-TT-DEMO-0588", "Tổ chức chứng nhận VietGAP (demo)", 16, 36,
    ),
    CertificateSpec(
        "quyet_thang_poultry", CertificationKind.VIETGAP,
        "Chứng nhận VietGAHP chăn nuôi gà đẻ", "VietGAHP laying-hen certification",
        "VietGAHP-DEMO-0093", "Tổ chức chứng nhận VietGAP (demo)", 22, 36,
    ),
    CertificateSpec(
        "mushroom300", CertificationKind.ORGANIC,
        "Chứng nhận sản phẩm hữu cơ theo TCVN 11041", "Organic certification (TCVN 11041)",
        "HC-DEMO-0156", "Tổ chức chứng nhận hữu cơ (demo)", 7, 36,
    ),
    CertificateSpec(
        "an_duong_roselle", CertificationKind.HACCP_ISO22000,
        "Chứng nhận ISO 22000:2018", "ISO 22000:2018 certification",
        "ISO22000-DEMO-1187", "Tổ chức chứng nhận (demo)", 18, 36,
    ),
    CertificateSpec(
        "kien_an_sausage", CertificationKind.HACCP_ISO22000,
        "Chứng nhận HACCP", "HACCP certification",
        "HACCP-DEMO-3302", "Tổ chức chứng nhận (demo)", 9, 36,
    ),
    CertificateSpec(
        "plate", CertificationKind.CERTIFICATION_TRADEMARK,
        "Quyền sử dụng nhãn hiệu chứng nhận “Gốm Chu Đậu” (minh họa)",
        "Licence to use the “Gốm Chu Đậu” certification trademark (illustrative)",
        "NHCN-CD-DEMO-021", "UBND huyện Nam Sách", 30,
    ),
)

# fmt: on

PROGRAMME_BATCH = {
    "name_vi": "Đợt 1 năm 2023",
    "name_en": "Batch 1, 2023",
    "year": 2023,
    "decision": "Quyết định phê duyệt danh mục sản phẩm hỗ trợ truy xuất nguồn gốc (demo)",
}
