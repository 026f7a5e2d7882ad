"""Bangkok's six zone groups and 50 district offices (official district codes).

Used by the data migration and by the demo loader, which restores them when a
test flushed the database.
"""

from __future__ import annotations

from typing import Any

ZONE_GROUPS = [
    ("central", "กลุ่มเขตกรุงเทพกลาง", "Central Bangkok"),
    ("south", "กลุ่มเขตกรุงเทพใต้", "Southern Bangkok"),
    ("north", "กลุ่มเขตกรุงเทพเหนือ", "Northern Bangkok"),
    ("east", "กลุ่มเขตกรุงเทพตะวันออก", "Eastern Bangkok"),
    ("thonburi-north", "กลุ่มเขตกรุงธนเหนือ", "Northern Thonburi"),
    ("thonburi-south", "กลุ่มเขตกรุงธนใต้", "Southern Thonburi"),
]

# (code, Thai name, English name, zone group)
DISTRICTS = [
    ("1001", "พระนคร", "Phra Nakhon", "central"),
    ("1002", "ดุสิต", "Dusit", "central"),
    ("1003", "หนองจอก", "Nong Chok", "east"),
    ("1004", "บางรัก", "Bang Rak", "south"),
    ("1005", "บางเขน", "Bang Khen", "north"),
    ("1006", "บางกะปิ", "Bang Kapi", "east"),
    ("1007", "ปทุมวัน", "Pathum Wan", "south"),
    ("1008", "ป้อมปราบศัตรูพ่าย", "Pom Prap Sattru Phai", "central"),
    ("1009", "พระโขนง", "Phra Khanong", "south"),
    ("1010", "มีนบุรี", "Min Buri", "east"),
    ("1011", "ลาดกระบัง", "Lat Krabang", "east"),
    ("1012", "ยานนาวา", "Yan Nawa", "south"),
    ("1013", "สัมพันธวงศ์", "Samphanthawong", "central"),
    ("1014", "พญาไท", "Phaya Thai", "central"),
    ("1015", "ธนบุรี", "Thon Buri", "thonburi-north"),
    ("1016", "บางกอกใหญ่", "Bangkok Yai", "thonburi-north"),
    ("1017", "ห้วยขวาง", "Huai Khwang", "central"),
    ("1018", "คลองสาน", "Khlong San", "thonburi-north"),
    ("1019", "ตลิ่งชัน", "Taling Chan", "thonburi-north"),
    ("1020", "บางกอกน้อย", "Bangkok Noi", "thonburi-north"),
    ("1021", "บางขุนเทียน", "Bang Khun Thian", "thonburi-south"),
    ("1022", "ภาษีเจริญ", "Phasi Charoen", "thonburi-south"),
    ("1023", "หนองแขม", "Nong Khaem", "thonburi-south"),
    ("1024", "ราษฎร์บูรณะ", "Rat Burana", "thonburi-south"),
    ("1025", "บางพลัด", "Bang Phlat", "thonburi-north"),
    ("1026", "ดินแดง", "Din Daeng", "central"),
    ("1027", "บึงกุ่ม", "Bueng Kum", "east"),
    ("1028", "สาทร", "Sathon", "south"),
    ("1029", "บางซื่อ", "Bang Sue", "north"),
    ("1030", "จตุจักร", "Chatuchak", "north"),
    ("1031", "บางคอแหลม", "Bang Kho Laem", "south"),
    ("1032", "ประเวศ", "Prawet", "south"),
    ("1033", "คลองเตย", "Khlong Toei", "south"),
    ("1034", "สวนหลวง", "Suan Luang", "south"),
    ("1035", "จอมทอง", "Chom Thong", "thonburi-south"),
    ("1036", "ดอนเมือง", "Don Mueang", "north"),
    ("1037", "ราชเทวี", "Ratchathewi", "central"),
    ("1038", "ลาดพร้าว", "Lat Phrao", "north"),
    ("1039", "วัฒนา", "Watthana", "south"),
    ("1040", "บางแค", "Bang Khae", "thonburi-south"),
    ("1041", "หลักสี่", "Lak Si", "north"),
    ("1042", "สายไหม", "Sai Mai", "north"),
    ("1043", "คันนายาว", "Khan Na Yao", "east"),
    ("1044", "สะพานสูง", "Saphan Sung", "east"),
    ("1045", "วังทองหลาง", "Wang Thonglang", "central"),
    ("1046", "คลองสามวา", "Khlong Sam Wa", "east"),
    ("1047", "บางนา", "Bang Na", "south"),
    ("1048", "ทวีวัฒนา", "Thawi Watthana", "thonburi-north"),
    ("1049", "ทุ่งครุ", "Thung Khru", "thonburi-south"),
    ("1050", "บางบอน", "Bang Bon", "thonburi-south"),
]


def load_districts(zone_group_model: Any, district_model: Any) -> int:
    """Create or update the zone groups and districts; returns how many districts exist."""
    if district_model.objects.filter(code__in=[code for code, *_ in DISTRICTS]).count() == len(
        DISTRICTS
    ) and zone_group_model.objects.count() == len(ZONE_GROUPS):
        return len(DISTRICTS)
    groups = {}
    for position, (code, name_th, name_en) in enumerate(ZONE_GROUPS, start=1):
        groups[code], _ = zone_group_model.objects.update_or_create(
            code=code, defaults={"name_th": name_th, "name_en": name_en, "position": position}
        )
    for code, name_th, name_en, group in DISTRICTS:
        district_model.objects.update_or_create(
            code=code,
            defaults={"name_th": name_th, "name_en": name_en, "zone_group": groups[group]},
        )
    return district_model.objects.count()
