"""Words the synthetic registries are made of: Vietnamese name parts, ethnicities, place words,
enterprise names, land-use codes, vehicle models, courts and offences.

Every entry is a real, common Vietnamese word or a real product name; none of them combined
names a real person. Weights are relative frequencies (``(value, weight)`` pairs), rounded from
public sources (surname shares from the usual name surveys, ethnic shares from the 2019 census,
province populations for 2024-2025 summed over the 2025 mergers); they only need to look right
in aggregate. Pure data: no imports beyond typing, so the generator can be used anywhere.
"""

from __future__ import annotations

from typing import Final

Weighted = tuple[tuple[str, float], ...]

NATIONALITY: Final = "Việt Nam"

# --- Surnames ---------------------------------------------------------------------------------
# Kinh surnames; the south and centre write Huỳnh and Võ where the north writes Hoàng and Vũ.
SURNAMES_NORTH: Final[Weighted] = (
    ("Nguyễn", 42.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.1), ("Hoàng", 5.1), ("Phan", 4.5),
    ("Vũ", 3.9), ("Đặng", 2.1), ("Bùi", 2.0), ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0),
    ("Lý", 0.5), ("Đinh", 0.9), ("Trịnh", 0.8), ("Đào", 0.8), ("Mai", 0.6), ("Cao", 0.6),
    ("Lương", 0.5), ("Hà", 0.6), ("Tạ", 0.3), ("Tô", 0.3), ("Chu", 0.3), ("Lưu", 0.3), ("Kiều", 0.2),
    ("Khúc", 0.1), ("Nghiêm", 0.1), ("Thái", 0.2), ("Triệu", 0.2), ("Văn", 0.1), ("Quách", 0.1),
    ("Đàm", 0.2), ("Doãn", 0.1), ("Phùng", 0.3), ("Vương", 0.2), ("Lại", 0.2), ("Tăng", 0.1),
)  # fmt: skip
SURNAMES_SOUTH: Final[Weighted] = (
    ("Nguyễn", 37.0), ("Trần", 11.5), ("Lê", 9.5), ("Phạm", 5.5), ("Huỳnh", 5.0), ("Võ", 4.8),
    ("Phan", 4.2), ("Trương", 2.0), ("Đặng", 1.8), ("Bùi", 1.4), ("Đỗ", 1.2), ("Hồ", 2.0),
    ("Ngô", 1.2), ("Dương", 1.0), ("Lý", 1.0), ("Lâm", 1.0), ("Đinh", 0.6), ("Mai", 0.7),
    ("Cao", 0.6), ("Châu", 0.6), ("Tô", 0.4), ("Từ", 0.2), ("Thái", 0.4), ("La", 0.2), ("Hà", 0.4),
    ("Đoàn", 0.6), ("Lương", 0.4), ("Hoàng", 0.8), ("Vũ", 0.6), ("Trịnh", 0.4), ("Tạ", 0.2),
    ("Quách", 0.2), ("Kiều", 0.1), ("Lưu", 0.4), ("Đào", 0.5), ("Thạch", 0.2),
)  # fmt: skip

# Surnames by ethnic group (the others take Kinh surnames).
ETHNIC_SURNAMES: Final[dict[str, Weighted]] = {
    "Tày": (("Hoàng", 20), ("Nông", 18), ("Lương", 10), ("Hà", 10), ("Lục", 6), ("Đàm", 6), ("Ma", 6),
            ("Bế", 6), ("Nguyễn", 8), ("La", 4), ("Triệu", 4), ("Lưu", 2)),
    "Nùng": (("Nông", 18), ("Hoàng", 16), ("Lương", 10), ("Vi", 10), ("Lý", 8), ("Chu", 6), ("Mã", 6),
             ("Lăng", 6), ("Triệu", 6), ("Nguyễn", 6), ("Hứa", 4)),
    "Thái": (("Lò", 22), ("Lường", 16), ("Cầm", 12), ("Quàng", 10), ("Vi", 8), ("Tòng", 8), ("Lê", 6),
             ("Hà", 8), ("Mạc", 4), ("Lữ", 6)),
    "Mường": (("Bùi", 40), ("Đinh", 25), ("Quách", 10), ("Hà", 10), ("Xa", 5), ("Nguyễn", 10)),
    "H'Mông": (("Giàng", 22), ("Thào", 18), ("Vàng", 15), ("Lý", 12), ("Sùng", 10), ("Mùa", 8),
               ("Hầu", 5), ("Lầu", 5), ("Hạng", 5)),
    "Dao": (("Bàn", 25), ("Triệu", 25), ("Đặng", 15), ("Lý", 12), ("Phùng", 10), ("Chảo", 8), ("Tẩn", 5)),
    "Khmer": (("Thạch", 30), ("Sơn", 20), ("Kim", 15), ("Danh", 15), ("Lâm", 8), ("Châu", 7), ("Lý", 5)),
    "Hoa": (("Lâm", 15), ("Trương", 15), ("Lý", 12), ("Quách", 8), ("Châu", 10), ("Hứa", 8),
            ("Diệp", 6), ("Tăng", 6), ("Mạch", 4), ("Huỳnh", 8), ("Lưu", 8)),
    "Ê Đê": (("Niê", 35), ("Mlô", 15), ("Ayun", 10), ("Êban", 10), ("Byă", 10), ("Ksơr", 10), ("Adrơng", 10)),
    "Gia Rai": (("Ksor", 30), ("Rơ Châm", 15), ("Siu", 15), ("Rah Lan", 10), ("Nay", 15), ("Kpă", 15)),
    "Chăm": (("Đàng", 25), ("Thông", 15), ("Thiên", 15), ("Lưu", 15), ("Quảng", 15), ("Hán", 15)),
}  # fmt: skip

# --- Middle and given names ---------------------------------------------------------------------
# People born before 1990 more often carry "Văn" and "Thị"; younger people have more varied middle names.
MIDDLE_MALE_OLDER: Final[Weighted] = (
    ("Văn", 45), ("Hữu", 6), ("Đức", 7), ("Minh", 5), ("Quốc", 4), ("Thanh", 5), ("Công", 5),
    ("Ngọc", 3), ("Xuân", 3), ("Quang", 4), ("Đình", 4), ("Trọng", 3), ("Viết", 2), ("Duy", 2), ("Mạnh", 2),
)  # fmt: skip
MIDDLE_MALE_YOUNGER: Final[Weighted] = (
    ("Văn", 15), ("Minh", 12), ("Đức", 8), ("Quốc", 6), ("Gia", 8), ("Hoàng", 6), ("Anh", 6),
    ("Tuấn", 4), ("Quang", 5), ("Hữu", 4), ("Thành", 4), ("Duy", 5), ("Bảo", 6), ("Nhật", 5),
    ("Trung", 3), ("Đăng", 3), ("Thiên", 3), ("Khánh", 3),
)  # fmt: skip
MIDDLE_FEMALE_OLDER: Final[Weighted] = (
    ("Thị", 58), ("Ngọc", 6), ("Thu", 5), ("Thanh", 5), ("Thị Thu", 4), ("Thị Ngọc", 3),
    ("Thị Thanh", 3), ("Hồng", 3), ("Kim", 4), ("Minh", 2), ("Thúy", 2), ("Bích", 2), ("Mỹ", 2),
)  # fmt: skip
MIDDLE_FEMALE_YOUNGER: Final[Weighted] = (
    ("Thị", 18), ("Ngọc", 10), ("Thu", 7), ("Thanh", 6), ("Minh", 7), ("Mai", 5), ("Phương", 5),
    ("Bảo", 6), ("Khánh", 5), ("Hồng", 3), ("Kim", 3), ("Thảo", 3), ("Quỳnh", 4), ("Hoài", 3),
    ("Diệu", 3), ("Thị Thu", 3), ("Ngọc Bảo", 2), ("Gia", 4), ("An", 3),
)  # fmt: skip
GIVEN_MALE: Final[tuple[str, ...]] = (
    "Anh", "Tuấn", "Hùng", "Dũng", "Minh", "Nam", "Hải", "Long", "Sơn", "Thắng", "Cường", "Hoàng",
    "Đức", "Huy", "Khoa", "Phúc", "Quân", "Trung", "Thành", "Tùng", "Việt", "Bình", "Hiếu", "Kiên",
    "Lâm", "Lộc", "Phong", "Quang", "Tài", "Thịnh", "Toàn", "Vinh", "Đạt", "Khánh", "Bảo", "Duy",
    "Hưng", "Kiệt", "Nghĩa", "Nhân", "Tâm", "Thái", "Trí", "Tú", "Vũ", "Hào", "An", "Khôi", "Phát",
    "Thiện", "Hậu", "Dương", "Hiển", "Tiến", "Chiến", "Mạnh", "Thọ", "Sang", "Tín", "Hoà", "Lợi",
    "Tân", "Thuận", "Công", "Định", "Giang", "Hiệp", "Kha", "Luân", "Nguyên", "Phú", "Quý", "Sỹ",
    "Thạch", "Thông", "Trọng", "Tuệ", "Uy", "Vĩnh", "Dân", "Đông", "Hoan", "Lực", "Ninh", "Quyết",
)  # fmt: skip
GIVEN_FEMALE: Final[tuple[str, ...]] = (
    "Anh", "Hà", "Lan", "Hoa", "Hương", "Hạnh", "Linh", "Mai", "Ngọc", "Nhung", "Phương", "Thảo",
    "Trang", "Thủy", "Hằng", "Huyền", "Loan", "Nga", "Oanh", "Yến", "Vy", "Chi", "My", "Nhi",
    "Ngân", "Trâm", "Quỳnh", "Thư", "Uyên", "Vân", "Xuân", "Hiền", "Dung", "Giang", "Hồng", "Liên",
    "Tâm", "Thanh", "Tuyết", "Diệp", "Hân", "Khánh", "An", "Châu", "Diễm", "Duyên", "Như", "Thùy",
    "Nhàn", "Lệ", "Bích", "Kim", "Thu", "Ly", "Lý", "Hòa", "Thơ", "Trinh", "Tú", "Sương", "Hậu",
    "Nguyệt", "Phượng", "Quyên", "Thắm", "Thoa", "Thúy", "Trà", "Vi", "Đào", "Hải", "Hường",
)  # fmt: skip
# Short everyday names some people are also known by ("tên gọi khác").
OTHER_NAMES: Final[tuple[str, ...]] = ("Tư", "Út", "Hai", "Ba", "Năm", "Sáu", "Bảy", "Tí", "Bé", "Cả")

# --- Ethnicity by province (new province codes) -------------------------------------------------
DEFAULT_ETHNICITIES: Final[Weighted] = (
    ("Kinh", 98.2),
    ("Hoa", 0.5),
    ("Mường", 0.4),
    ("Tày", 0.5),
    ("Nùng", 0.4),
)
ETHNICITIES_BY_PROVINCE: Final[dict[str, Weighted]] = {
    "04": (("Tày", 41), ("Nùng", 31), ("H'Mông", 11), ("Dao", 10), ("Kinh", 7)),
    "08": (("Kinh", 32), ("Tày", 28), ("H'Mông", 18), ("Dao", 12), ("Nùng", 6), ("Sán Chay", 4)),
    "11": (("Thái", 38), ("H'Mông", 35), ("Kinh", 19), ("Khơ Mú", 4), ("Hà Nhì", 2), ("Lào", 2)),
    "12": (("H'Mông", 33), ("Thái", 32), ("Kinh", 15), ("Dao", 13), ("Hà Nhì", 4), ("Giáy", 3)),
    "14": (("Thái", 53), ("H'Mông", 17), ("Kinh", 16), ("Mường", 8), ("Dao", 3), ("Khơ Mú", 3)),
    "15": (("Kinh", 46), ("H'Mông", 17), ("Tày", 13), ("Dao", 13), ("Giáy", 3), ("Nùng", 4), ("Thái", 4)),
    "19": (("Kinh", 70), ("Tày", 16), ("Nùng", 6), ("Dao", 4), ("Sán Dìu", 3), ("H'Mông", 1)),
    "20": (("Nùng", 43), ("Tày", 35), ("Kinh", 17), ("Dao", 4), ("Hoa", 1)),
    "22": (("Kinh", 88), ("Dao", 5), ("Tày", 3), ("Sán Dìu", 2), ("Hoa", 1), ("Sán Chay", 1)),
    "25": (("Kinh", 76), ("Mường", 20), ("Dao", 2), ("Tày", 1), ("Thái", 1)),
    "38": (("Kinh", 84), ("Mường", 9), ("Thái", 6), ("H'Mông", 1)),
    "40": (("Kinh", 87), ("Thái", 10), ("Khơ Mú", 1.5), ("H'Mông", 1.5)),
    "51": (("Kinh", 80), ("Hrê", 9), ("Xơ Đăng", 6), ("Ba Na", 3), ("Cor", 2)),
    "52": (("Kinh", 62), ("Gia Rai", 25), ("Ba Na", 10), ("Tày", 1.5), ("Nùng", 1.5)),
    "56": (("Kinh", 90), ("Raglai", 6), ("Chăm", 3), ("Hoa", 1)),
    "66": (("Kinh", 66), ("Ê Đê", 17), ("Nùng", 4), ("Tày", 4), ("M'Nông", 3), ("Gia Rai", 2), ("Dao", 2),
           ("H'Mông", 2)),
    "68": (("Kinh", 82), ("Cơ Ho", 7), ("M'Nông", 3), ("Mạ", 2), ("Tày", 2), ("Nùng", 2), ("Chăm", 2)),
    "75": (("Kinh", 91), ("Hoa", 3), ("Xtiêng", 2), ("Nùng", 2), ("Tày", 1), ("Châu Ro", 1)),
    "79": (("Kinh", 93), ("Hoa", 5.5), ("Khmer", 0.7), ("Chăm", 0.3), ("Tày", 0.5)),
    "80": (("Kinh", 98), ("Khmer", 1), ("Hoa", 0.5), ("Chăm", 0.5)),
    "86": (("Kinh", 88), ("Khmer", 11), ("Hoa", 1)),
    "91": (("Kinh", 87), ("Khmer", 11), ("Hoa", 1.5), ("Chăm", 0.5)),
    "92": (("Kinh", 81), ("Khmer", 16), ("Hoa", 3)),
    "96": (("Kinh", 93), ("Khmer", 6), ("Hoa", 1)),
}  # fmt: skip
# Mountain provinces whose rural hamlets are "bản".
HIGHLAND_PROVINCES: Final[frozenset[str]] = frozenset({"04", "08", "11", "12", "14", "15", "20"})

# Approximate population (thousands) of the 34 provinces after the 2025 mergers.
PROVINCE_POPULATION: Final[dict[str, int]] = {
    "01": 8700, "04": 570, "08": 1870, "11": 640, "12": 490, "14": 1300, "15": 1780, "19": 1800,
    "20": 800, "22": 1360, "24": 3600, "25": 4000, "31": 4700, "33": 3600, "37": 4400, "38": 3700,
    "40": 3500, "42": 1300, "44": 1600, "46": 1200, "48": 3100, "51": 1900, "52": 3600, "56": 2200,
    "66": 3300, "68": 3900, "75": 4500, "79": 14000, "80": 3300, "82": 4400, "86": 4300, "91": 4900,
    "92": 4200, "96": 2600,
}  # fmt: skip

# First two digits of the old 9-digit identity cards (CMND), by the province that issued them;
# where several former provinces merged, the code of the largest one. Approximate.
IDENTITY_CARD_PREFIX: Final[dict[str, str]] = {
    "01": "01", "79": "02", "31": "03", "11": "04", "12": "04", "14": "05", "15": "06", "08": "07",
    "04": "08", "20": "08", "19": "09", "22": "10", "24": "12", "25": "13", "33": "14", "37": "16",
    "38": "17", "40": "18", "42": "18", "44": "19", "46": "19", "48": "20", "51": "21", "52": "23",
    "56": "22", "66": "24", "68": "25", "75": "27", "80": "30", "82": "31", "86": "33", "91": "35",
    "92": "36", "96": "38",
}  # fmt: skip

# --- Places ------------------------------------------------------------------------------------
STREETS: Final[tuple[str, ...]] = (
    "Trần Hưng Đạo", "Lê Lợi", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Thường Kiệt", "Quang Trung",
    "Lê Duẩn", "Nguyễn Huệ", "Điện Biên Phủ", "Hùng Vương", "Phan Đình Phùng", "Hoàng Văn Thụ",
    "Nguyễn Du", "Bà Triệu", "Lê Thánh Tông", "Trường Chinh", "Võ Thị Sáu", "Nguyễn Thị Minh Khai",
    "Cách Mạng Tháng Tám", "Phạm Văn Đồng", "Lạc Long Quân", "Âu Cơ", "Nguyễn Văn Cừ", "Tôn Đức Thắng",
    "Trần Phú", "Lê Lai", "Hàm Nghi", "Đinh Tiên Hoàng", "Lý Thái Tổ", "Ngô Quyền", "Lê Hồng Phong",
    "Phan Chu Trinh", "Phan Bội Châu", "Nguyễn Văn Linh", "Võ Văn Kiệt", "Trần Quang Khải",
    "Chu Văn An", "Nguyễn Chí Thanh", "Hoàng Hoa Thám", "Kim Mã", "Đội Cấn", "Giải Phóng", "Láng",
    "Tây Sơn", "Xuân Thủy", "Cầu Giấy", "Nguyễn Khánh Toàn", "Trần Duy Hưng", "Lê Văn Lương",
    "Nguyễn Đình Chiểu", "Pasteur", "Nam Kỳ Khởi Nghĩa", "Lý Tự Trọng", "Bạch Đằng", "Yersin",
    "Nguyễn Tất Thành", "Hoàng Diệu", "Trần Cao Vân", "Ông Ích Khiêm", "3 Tháng 2", "30 Tháng 4",
    "Mậu Thân", "Nguyễn Văn Trỗi", "Lê Quý Đôn", "Nguyễn Bỉnh Khiêm",
    "Trần Nhân Tông", "Lê Thái Tổ", "Nguyễn Công Trứ", "Tô Hiến Thành", "Hoàng Quốc Việt",
    "Phạm Ngọc Thạch", "Thái Hà", "Chùa Bộc", "Tạ Quang Bửu", "Minh Khai", "Kim Ngưu",
)  # fmt: skip
VILLAGE_FIRST: Final[tuple[str, ...]] = (
    "Đông", "Tây", "Nam", "Bắc", "Tân", "Phú", "An", "Bình", "Hòa", "Yên", "Thượng", "Trung",
    "Hạ", "Mỹ", "Long", "Thạnh", "Phước", "Vĩnh", "Xuân", "Đại", "Thanh", "Hưng", "Lạc", "Phúc",
)  # fmt: skip
VILLAGE_SECOND: Final[tuple[str, ...]] = (
    "Hạ", "Thượng", "Lập", "Mỹ", "Phú", "Hòa", "Thành", "Lợi", "Bình", "An", "Đông", "Tây", "Hưng",
    "Thịnh", "Lộc", "Phước", "Thái", "Sơn", "Hải", "Tiến", "Điền", "Quý", "Trung", "Khánh",
)  # fmt: skip
HIGHLAND_VILLAGES: Final[tuple[str, ...]] = (
    "Nà Hang", "Nà Ngần", "Pác Bó", "Khuổi Khon", "Nà Cà", "Huổi Sản", "Phiêng Luông", "Nậm Ngà",
    "Co Mạ", "Pá Khoang", "Hua Pan", "Nà Tấu", "Bản Vẽ", "Lũng Cú", "Tả Van", "Cát Cát", "Sín Chải",
    "Nà Sài", "Phiêng Pẻn", "Nậm Cang", "Pom Coọng", "Nà Mèo", "Khau Vai", "Lao Chải",
)  # fmt: skip
FIELD_NAMES: Final[tuple[str, ...]] = (
    "Đồng Trên", "Đồng Dưới", "Đồng Mả", "Đồng Giữa", "Bãi Sông", "Cồn Bãi", "Đồng Sau", "Gò Cao",
    "Ruộng Trũng", "Đồng Chùa", "Bờ Đê", "Vườn Đình",
)  # fmt: skip

# --- Enterprises -------------------------------------------------------------------------------
# (kind, prefix of the name, weight)
ENTERPRISE_KINDS: Final[tuple[tuple[str, str, float], ...]] = (
    ("TNHH một thành viên", "Công ty TNHH", 42),
    ("TNHH hai thành viên trở lên", "Công ty TNHH", 24),
    ("Cổ phần", "Công ty Cổ phần", 22),
    ("Doanh nghiệp tư nhân", "Doanh nghiệp tư nhân", 11),
    ("Công ty hợp danh", "Công ty Hợp danh", 1),
)
BRANCH_KIND: Final = "Chi nhánh"
ENTERPRISE_SECTORS: Final[tuple[str, ...]] = (
    "Thương mại", "Dịch vụ", "Xây dựng", "Đầu tư", "Sản xuất", "Vận tải", "Công nghệ", "Thực phẩm",
    "Du lịch", "Tư vấn", "Xuất nhập khẩu", "Nông sản", "Thương mại và Dịch vụ", "Đầu tư và Xây dựng",
    "Cơ khí", "Dược phẩm", "May mặc", "Nội thất", "Vật liệu xây dựng", "Logistics", "Giáo dục",
)  # fmt: skip
ENTERPRISE_BRANDS: Final[tuple[str, ...]] = (
    "Minh Phát", "Thành Đạt", "Hưng Thịnh", "An Phúc", "Hoàng Long", "Việt Nam", "Sao Mai",
    "Bình Minh", "Hồng Hà", "Phú Gia", "Tân Tiến", "Đại Phát", "Thiên Ân", "Nam Việt", "Trường Sơn",
    "Phương Đông", "Kim Long", "Hải Âu", "Đông Á", "Thái Bình Dương", "Hợp Nhất", "Thăng Long",
    "Cửu Long", "Tây Nguyên", "Sài Gòn Xanh", "Hà Thành", "Gia Bảo", "Phúc Lộc", "Vạn Xuân", "Trí Việt",
    "Tâm An", "Mê Kông", "Ánh Dương", "Lạc Hồng", "Quang Minh", "Đất Việt", "Hòa Bình", "Thịnh Vượng",
)  # fmt: skip
REGISTRATION_CHANGES: Final[tuple[str, ...]] = (
    "Thay đổi người đại diện theo pháp luật",
    "Thay đổi vốn điều lệ",
    "Thay đổi địa chỉ trụ sở chính",
    "Bổ sung ngành, nghề kinh doanh",
    "Thay đổi thông tin người quản lý doanh nghiệp",
    "Cập nhật địa chỉ trụ sở theo đơn vị hành chính mới",
)
# Charter capital steps in VND.
CHARTER_CAPITALS: Final[tuple[int, ...]] = (
    100_000_000, 200_000_000, 500_000_000, 1_000_000_000, 1_500_000_000, 2_000_000_000,
    3_000_000_000, 5_000_000_000, 10_000_000_000, 20_000_000_000, 50_000_000_000, 100_000_000_000,
)  # fmt: skip
# First two digits of enterprise codes (tax codes): 01 Hà Nội, 02 Hải Phòng, 03 TP HCM and 04 Đà Nẵng
# as in practice; the other prefixes are synthetic but distinct.
TAX_CODE_PREFIX: Final[dict[str, str]] = {
    "01": "01", "31": "02", "79": "03", "48": "04", "04": "48", "08": "50", "11": "56", "12": "62",
    "14": "55", "15": "53", "19": "46", "20": "49", "22": "57", "24": "23", "25": "26", "33": "09",
    "37": "27", "38": "28", "40": "29", "42": "30", "44": "32", "46": "33", "51": "43", "52": "59",
    "56": "42", "66": "60", "68": "58", "75": "36", "80": "39", "82": "14", "86": "15", "91": "16",
    "92": "18", "96": "20",
}  # fmt: skip

# --- Land --------------------------------------------------------------------------------------
# Land-use codes of Circular 08/2024/TT-BTNMT: (code, minimum m², maximum m²).
RESIDENTIAL_URBAN: Final = ("ODT", 30, 160)
RESIDENTIAL_RURAL: Final = ("ONT", 100, 600)
FARMLAND: Final[tuple[tuple[str, int, int], ...]] = (
    ("LUC", 300, 3000), ("BHK", 200, 2000), ("CLN", 500, 8000), ("NTS", 500, 5000), ("RSX", 2000, 30000),
)  # fmt: skip
ENTERPRISE_LAND: Final[tuple[tuple[str, int, int], ...]] = (("SKC", 1000, 20000), ("TMD", 200, 3000))
CERTIFICATE_SERIES: Final[tuple[str, ...]] = (
    "BA", "BB", "BC", "BD", "BE", "BG", "BH", "BK", "BL", "BM", "BN", "BP", "BR", "BS", "BT", "BU",
    "BV", "BX", "BY", "CA", "CB", "CC", "CD", "CE", "CG", "CH", "CK", "CL", "CM", "CN", "CO", "CP",
    "CQ", "CR", "CS", "CT", "CU", "CV", "CX", "CY", "DA", "DB", "DC", "DD", "DE", "DG", "DH", "DK",
)  # fmt: skip

# --- Vehicles ----------------------------------------------------------------------------------
# (kind, brand, model, share made in Vietnam, world manufacturer code of the frame number,
#  engine-number prefix, weight)
VEHICLE_MODELS: Final[tuple[tuple[str, str, str, float, str, str, float], ...]] = (
    ("motorcycle", "Honda", "Wave Alpha", 1.0, "RLH", "JA39E", 14),
    ("motorcycle", "Honda", "Vision", 1.0, "RLH", "JK03E", 12),
    ("motorcycle", "Honda", "Air Blade", 1.0, "RLH", "JF83E", 8),
    ("motorcycle", "Honda", "Lead", 1.0, "RLH", "JF86E", 5),
    ("motorcycle", "Honda", "SH Mode", 1.0, "RLH", "JK12E", 4),
    ("motorcycle", "Honda", "Future", 1.0, "RLH", "JC79E", 4),
    ("motorcycle", "Honda", "Winner X", 1.0, "RLH", "KC41E", 3),
    ("motorcycle", "Yamaha", "Sirius", 1.0, "RLC", "5C64", 7),
    ("motorcycle", "Yamaha", "Exciter", 1.0, "RLC", "G3D4E", 5),
    ("motorcycle", "Yamaha", "Janus", 1.0, "RLC", "E3X3E", 4),
    ("motorcycle", "Yamaha", "Grande", 1.0, "RLC", "E33GE", 3),
    ("motorcycle", "Suzuki", "Raider", 0.6, "RLS", "CGA1", 1),
    ("motorcycle", "Piaggio", "Vespa Sprint", 0.9, "RP8", "M81", 2),
    ("motorcycle", "Piaggio", "Liberty", 0.9, "RP8", "M73", 1),
    ("motorcycle", "SYM", "Elegant", 1.0, "RLG", "VMF", 2),
    ("motorcycle", "VinFast", "Evo200", 1.0, "RLV", "EVM", 3),
    ("motorcycle", "VinFast", "Feliz S", 1.0, "RLV", "EFS", 2),
    ("car", "Toyota", "Vios", 0.8, "RL4", "2NR", 2.2),
    ("car", "Toyota", "Corolla Cross", 0.1, "MR0", "2ZR", 1.2),
    ("car", "Toyota", "Innova", 1.0, "RL4", "1TR", 0.8),
    ("car", "Hyundai", "Accent", 1.0, "RLU", "G4FL", 1.5),
    ("car", "Hyundai", "Creta", 0.2, "MAL", "G4FL", 0.9),
    ("car", "Kia", "Morning", 1.0, "RNY", "G3LA", 1.0),
    ("car", "Kia", "Seltos", 1.0, "RNY", "G4FG", 0.7),
    ("car", "Mazda", "CX-5", 1.0, "RP9", "PY", 1.0),
    ("car", "Mazda", "Mazda3", 1.0, "RP9", "P5", 0.6),
    ("car", "Ford", "Ranger", 0.5, "MNC", "YN2S", 0.8),
    ("car", "Mitsubishi", "Xpander", 0.6, "MK2", "4A91", 1.2),
    ("car", "VinFast", "VF 5", 1.0, "RLL", "EVC", 1.0),
    ("car", "VinFast", "VF 8", 1.0, "RLL", "EVD", 0.4),
    ("car", "Honda", "City", 0.8, "RLH", "L15Z", 0.8),
)  # fmt: skip
# Plate prefixes by new province code (the codes of the largest former province).
PLATE_CODES: Final[dict[str, tuple[str, ...]]] = {
    "01": ("29", "30", "31", "32", "33", "40"), "04": ("11",), "08": ("22",), "11": ("27",),
    "12": ("25",), "14": ("26",), "15": ("24",), "19": ("20",), "20": ("12",), "22": ("14",),
    "24": ("99",), "25": ("19",), "31": ("15", "16"), "33": ("89",), "37": ("35",), "38": ("36",),
    "40": ("37",), "42": ("38",), "44": ("74",), "46": ("75",), "48": ("43",), "51": ("76",),
    "52": ("81",), "56": ("79",), "66": ("47",), "68": ("49",), "75": ("60",),
    "79": ("50", "51", "52", "53", "54", "55", "56", "57", "58", "59", "41"), "80": ("70",),
    "82": ("66",), "86": ("64",), "91": ("67",), "92": ("65",), "96": ("69",),
}  # fmt: skip
PLATE_LETTERS: Final = "ABCDEFGHKLMNPSTUVXYZ"

# --- Traffic violations detected by camera (essential service #8) -------------------------------
# (offence, legal reference, fine for a car, fine for a motorcycle, in đồng). [M]: the amounts are
# the lower bound of each bracket as we read Decree 168/2024/NĐ-CP; not verified in the domain notes.
TRAFFIC_OFFENCES: Final[tuple[tuple[str, str, int, int], ...]] = (
    ("Không chấp hành hiệu lệnh của đèn tín hiệu giao thông",
     "Nghị định 168/2024/NĐ-CP, Điều 6 khoản 9 / Điều 7 khoản 7", 18_000_000, 4_000_000),
    ("Điều khiển xe chạy quá tốc độ quy định từ 05 km/h đến dưới 10 km/h",
     "Nghị định 168/2024/NĐ-CP, Điều 6 khoản 3 / Điều 7 khoản 2", 800_000, 400_000),
    ("Dừng, đỗ xe không đúng nơi quy định",
     "Nghị định 168/2024/NĐ-CP, Điều 6 khoản 2 / Điều 7 khoản 1", 600_000, 400_000),
    ("Đi không đúng phần đường hoặc làn đường quy định",
     "Nghị định 168/2024/NĐ-CP, Điều 6 khoản 5 / Điều 7 khoản 4", 4_000_000, 600_000),
)  # fmt: skip
TRAFFIC_CAMERA_PLACES: Final[tuple[str, ...]] = (
    "Nút giao",
    "Cầu",
    "Km 12 quốc lộ",
    "Ngã tư",
    "Hầm chui",
)

# --- Courts and criminal records -----------------------------------------------------------------
# (offence, sentences, whether the judgement may ban holding positions)
OFFENCES: Final[tuple[tuple[str, tuple[str, ...], bool, float], ...]] = (
    ("Trộm cắp tài sản (Điều 173 Bộ luật Hình sự)",
     ("Phạt tù 9 tháng", "Phạt tù 1 năm 6 tháng", "Cải tạo không giam giữ 12 tháng",
      "Phạt tù 2 năm cho hưởng án treo"), False, 24),
    ("Cố ý gây thương tích (Điều 134 Bộ luật Hình sự)",
     ("Phạt tù 1 năm", "Phạt tù 2 năm 6 tháng", "Phạt tù 18 tháng cho hưởng án treo"), False, 14),
    ("Lừa đảo chiếm đoạt tài sản (Điều 174 Bộ luật Hình sự)",
     ("Phạt tù 3 năm", "Phạt tù 2 năm", "Phạt tù 7 năm"), False, 10),
    ("Đánh bạc (Điều 321 Bộ luật Hình sự)",
     ("Phạt tiền 20.000.000 đồng", "Cải tạo không giam giữ 9 tháng", "Phạt tù 6 tháng"), False, 14),
    ("Vi phạm quy định về tham gia giao thông đường bộ (Điều 260 Bộ luật Hình sự)",
     ("Phạt tù 1 năm cho hưởng án treo", "Phạt tù 2 năm", "Cải tạo không giam giữ 18 tháng"), False, 10),
    ("Tàng trữ trái phép chất ma túy (Điều 249 Bộ luật Hình sự)",
     ("Phạt tù 2 năm", "Phạt tù 3 năm 6 tháng"), False, 10),
    ("Gây rối trật tự công cộng (Điều 318 Bộ luật Hình sự)",
     ("Phạt tiền 15.000.000 đồng", "Cải tạo không giam giữ 12 tháng"), False, 6),
    ("Tham ô tài sản (Điều 353 Bộ luật Hình sự)", ("Phạt tù 5 năm", "Phạt tù 3 năm"), True, 3),
    ("Lạm dụng chức vụ, quyền hạn chiếm đoạt tài sản (Điều 355 Bộ luật Hình sự)",
     ("Phạt tù 2 năm", "Phạt tù 4 năm"), True, 2),
    ("Trốn thuế (Điều 200 Bộ luật Hình sự)", ("Phạt tiền 300.000.000 đồng", "Phạt tù 1 năm"), True, 2),
    ("Vi phạm quy định về kế toán gây hậu quả nghiêm trọng (Điều 221 Bộ luật Hình sự)",
     ("Phạt tiền 50.000.000 đồng",), True, 1),
)  # fmt: skip
BANS: Final[tuple[str, ...]] = (
    "Cấm đảm nhiệm chức vụ trong thời hạn 2 năm",
    "Cấm đảm nhiệm chức vụ quản lý doanh nghiệp trong thời hạn 3 năm",
    "Cấm hành nghề kế toán trong thời hạn 1 năm",
    "Cấm đảm nhiệm chức vụ trong thời hạn 5 năm",
)

# --- Insurance ---------------------------------------------------------------------------------
# contribution group -> (card group code, benefit level)
HEALTH_INSURANCE_GROUPS: Final[dict[str, tuple[str, int]]] = {
    "child_under_6": ("TE", 1),
    "poor_household": ("HN", 2),
    "retired": ("HT", 3),
    "employee": ("DN", 4),
    "student": ("HS", 4),
    "household": ("GD", 4),
}
