"""What the OpenAPI schema says in words: descriptions, parameters, examples, terms.

The schema is the API's contract and its docs page (``api.views.docs``) is rendered
from it, so each text lives here once. Thai, as the portal is; codes, field names
and examples are the same in any language.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from ninja import Field, Schema

API_DESCRIPTION = (
    "ข้อมูลผลการดำเนินงานตามตัวชี้วัดของสำนักงานเขตทั้ง 50 เขตของกรุงเทพมหานคร "
    "เฉพาะไตรมาสที่สำนักงานยุทธศาสตร์และการประเมินผล (สยป.) ประกาศผลการตรวจประเมินแล้ว "
    "อ่านได้อย่างเดียว (GET) ทุกคำขอต้องมีโทเคนในส่วนหัว Authorization: Bearer <โทเคน> "
    'ปีเป็นปีงบประมาณ พ.ศ. วันที่เป็น ISO 8601 ตัวเลขทศนิยมส่งเป็นข้อความ เช่น "85.50"'
)
LICENSE = {
    "name": "ใช้ได้โดยอ้างอิงแหล่งที่มา: กรุงเทพมหานคร สำนักงานยุทธศาสตร์และการประเมินผล",
}
CONTACT = {"name": "สำนักงานยุทธศาสตร์และการประเมินผล กรุงเทพมหานคร"}

FISCAL_YEARS = (
    "ปีงบประมาณทั้งหมด ใหม่ที่สุดก่อน พร้อมไตรมาสที่ประกาศผลแล้วและวันที่ประกาศ "
    "ไตรมาสที่ยังไม่ประกาศผลไม่ปรากฏที่นี่ และไม่มีข้อมูลใน /results และ /scores"
)
DISTRICTS = "สำนักงานเขตที่โทเคนนี้อ่านได้ เรียงตามรหัสเขต เขตที่อยู่นอกขอบเขตของโทเคนจะไม่ปรากฏ เหมือนไม่มีเขตนั้น"
DISTRICT_DETAIL = "สำนักงานเขตหนึ่งเขตตามรหัส เขตนอกขอบเขตของโทเคน หรือรหัสที่ไม่มี ได้ 404 เหมือนกัน"
INDICATORS = "ตัวชี้วัดที่มอบหมายให้อย่างน้อยหนึ่งเขตในขอบเขตของโทเคน เรียงตามปี (ใหม่ก่อน) แล้วตามรหัสตัวชี้วัด"
RESULTS = (
    "หนึ่งแถวต่อการมอบหมายตัวชี้วัดหนึ่งรายการต่อไตรมาสที่ประกาศผลแล้ว: ค่าเป้าหมาย ผลงาน "
    "คะแนนที่ สยป. ประเมิน คะแนนเต็ม และน้ำหนัก เฉพาะรายงานที่ประเมินแล้วของไตรมาสที่ประกาศผลแล้ว "
    "เรียงตามปี ไตรมาส รหัสเขต และรหัสตัวชี้วัด ผลงานเป็นผลสะสมตั้งแต่ต้นปีงบประมาณ"
)
SCORES = (
    "คะแนนถ่วงน้ำหนักของแต่ละเขต (เต็ม 5 และเป็นร้อยละ) และอันดับ ในแต่ละไตรมาสที่ประกาศผลแล้ว "
    "ของปีที่ระบุ (ต้องระบุ year) อันดับนับในเขตทั้งหมดตามที่ สยป. ประกาศ "
    "แสดงเฉพาะเขตในขอบเขตของโทเคน คะแนนเท่ากันได้อันดับเดียวกัน "
    "เขตที่ยังไม่มีคะแนนที่ประกาศแล้วมี score และ rank เป็น null"
)


class PagingParams(Schema):
    limit: int = Field(
        settings.API_PAGE_SIZE,
        ge=1,
        le=settings.API_MAX_PAGE_SIZE,
        description=f"จำนวนรายการต่อหน้า (สูงสุด {settings.API_MAX_PAGE_SIZE})",
    )
    offset: int = Field(0, ge=0, description="ข้ามไปกี่รายการ (เริ่มที่ 0)")


YEAR = Field(None, ge=2500, le=2700, description="ปีงบประมาณ พ.ศ. เช่น 2567")
YEAR_REQUIRED = Field(..., ge=2500, le=2700, description="ปีงบประมาณ พ.ศ. เช่น 2567 (ต้องระบุ)")
QUARTER = Field(None, ge=1, le=4, description="ไตรมาส 1–4")
DISTRICT = Field(None, max_length=8, description="รหัสเขต เช่น 1017")
DISTRICT_CODE = Field(None, max_length=8, description="รหัสเขต เช่น 1017")
CODE_TEXT = "รหัสเขต เช่น 1017"
INDICATOR = Field(None, max_length=20, description="รหัสตัวชี้วัด เช่น 5.2")

_HUAI_KHWANG = {"code": "1017", "name_th": "ห้วยขวาง", "name_en": "Huai Khwang"}
_PAGE = {"count": 1, "limit": 100, "offset": 0, "next": None, "previous": None}

EXAMPLES: dict[str, dict[str, Any]] = {
    "list_fiscal_years": {
        "query": "",
        "response": {
            **_PAGE,
            "results": [
                {
                    "year": 2564,
                    "starts_on": "2020-10-01",
                    "ends_on": "2021-09-30",
                    "published_quarters": [
                        {"quarter": 1, "published_on": "2021-02-15"},
                        {"quarter": 2, "published_on": "2021-05-14"},
                    ],
                }
            ],
        },
    },
    "list_districts": {
        "query": "",
        "response": {
            **_PAGE,
            "results": [
                {
                    **_HUAI_KHWANG,
                    "zone_group": {
                        "code": "central",
                        "name_th": "กลุ่มเขตกรุงเทพกลาง",
                        "name_en": "Central Bangkok",
                    },
                }
            ],
        },
    },
    "get_district": {
        "path": "/districts/1017",
        "response": {
            **_HUAI_KHWANG,
            "zone_group": {
                "code": "central",
                "name_th": "กลุ่มเขตกรุงเทพกลาง",
                "name_en": "Central Bangkok",
            },
        },
    },
    "list_indicators": {
        "query": "?year=2564",
        "response": {
            **_PAGE,
            "results": [
                {
                    "year": 2564,
                    "code": "5.2",
                    "name": "ร้อยละความสำเร็จของการจัดเก็บภาษีที่ดินและสิ่งปลูกสร้าง",
                    "unit": "ร้อยละ",
                    "indicator_type": "mission",
                    "level": "outcome",
                    "direction": "higher",
                    "kind": "ratio",
                    "full_score": "100.00",
                    "weight": "10.00",
                    "definition": "",
                    "calculation_method": "",
                }
            ],
        },
    },
    "list_results": {
        "query": "?year=2564&quarter=2&district=1017",
        "response": {
            **_PAGE,
            "results": [
                {
                    "year": 2564,
                    "quarter": 2,
                    "district_code": "1017",
                    "district_name_th": "ห้วยขวาง",
                    "district_name_en": "Huai Khwang",
                    "indicator_code": "5.2",
                    "indicator_name": "ร้อยละความสำเร็จของการจัดเก็บภาษีที่ดินและสิ่งปลูกสร้าง",
                    "unit": "ร้อยละ",
                    "assignment_code": "5017-0963",
                    "target": "50.00",
                    "result": "62.40",
                    "score": "100.00",
                    "full_score": "100.00",
                    "weight": "10.00",
                    "evaluated_at": "2021-05-10T10:24:00+07:00",
                }
            ],
        },
    },
    "list_scores": {
        "query": "?year=2564&quarter=2",
        "response": {
            **_PAGE,
            "results": [
                {
                    "year": 2564,
                    "quarter": 2,
                    "published_on": "2021-05-14",
                    "district_code": "1017",
                    "district_name_th": "ห้วยขวาง",
                    "district_name_en": "Huai Khwang",
                    "zone_group": "central",
                    "score": "4.2150",
                    "percent": "84.30",
                    "rank": 7,
                    "zone_rank": 2,
                    "indicators_scored": 12,
                    "indicators_unscored": 0,
                }
            ],
        },
    },
}


def example(operation_id: str) -> dict[str, Any]:
    """The operation's example answer, as OpenAPI puts it."""
    body = EXAMPLES[operation_id]["response"]
    return {"responses": {200: {"content": {"application/json": {"example": body}}}}}
