"""The shapes of the API's answers: what the OpenAPI schema says and what is sent.

Numbers that are amounts or scores are decimals sent as strings ("85.50"), so no
agency's JSON parser rounds them; years are Buddhist Era (พ.ศ.), dates ISO 8601.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class ErrorBody(Schema):
    code: str = Field(description="รหัสข้อผิดพลาดที่โปรแกรมใช้ตรวจได้ เช่น token_invalid, rate_limited")
    message: str = Field(description="ข้อความภาษาไทย")
    message_en: str = Field(description="ข้อความภาษาอังกฤษ")
    details: list[dict[str, object]] | None = Field(
        None, description="รายละเอียดของพารามิเตอร์ที่ไม่ถูกต้อง (เฉพาะ 422)"
    )


class ErrorOut(Schema):
    error: ErrorBody


class PageMeta(Schema):
    count: int = Field(description="จำนวนรายการทั้งหมดที่ตรงกับตัวกรอง")
    limit: int = Field(description="จำนวนรายการต่อหน้า")
    offset: int = Field(description="ข้ามไปกี่รายการ")
    next: str | None = Field(description="URL ของหน้าถัดไป หรือ null")
    previous: str | None = Field(description="URL ของหน้าก่อน หรือ null")


class PublishedQuarter(Schema):
    quarter: int = Field(description="ไตรมาส 1–4")
    published_on: dt.date = Field(description="วันที่ สยป. ประกาศผลการตรวจประเมิน")


class FiscalYearOut(Schema):
    year: int = Field(description="ปีงบประมาณ (พ.ศ.)")
    starts_on: dt.date = Field(description="วันแรกของปีงบประมาณ (1 ต.ค.)")
    ends_on: dt.date = Field(description="วันสุดท้ายของปีงบประมาณ (30 ก.ย.)")
    published_quarters: list[PublishedQuarter] = Field(
        description="ไตรมาสที่ประกาศผลแล้ว (เฉพาะไตรมาสเหล่านี้ที่มีผลใน /results และ /scores)"
    )


class FiscalYearPage(PageMeta):
    results: list[FiscalYearOut]


class ZoneGroupOut(Schema):
    code: str
    name_th: str
    name_en: str


class DistrictOut(Schema):
    code: str = Field(description="รหัสเขตตามทะเบียนราษฎร์ เช่น 1017")
    name_th: str
    name_en: str
    zone_group: ZoneGroupOut = Field(description="กลุ่มเขต")


class DistrictPage(PageMeta):
    results: list[DistrictOut]


class IndicatorOut(Schema):
    year: int = Field(description="ปีงบประมาณ (พ.ศ.)")
    code: str = Field(description="รหัสตัวชี้วัด เช่น 5.2 (ไม่ซ้ำภายในปีเดียวกัน)")
    name: str
    unit: str = Field(description="หน่วยนับ เช่น ร้อยละ บาท")
    indicator_type: str = Field(description="strategic, mission, policy หรือ shared")
    level: str = Field(description="outcome หรือ output")
    direction: str = Field(description="higher (ยิ่งมากยิ่งดี) หรือ lower (ยิ่งน้อยยิ่งดี)")
    kind: str = Field(description="value, ratio หรือ milestones")
    full_score: Decimal = Field(description="คะแนนเต็ม")
    weight: Decimal | None = Field(description="น้ำหนักตั้งต้น (ร้อยละ) หรือ null")
    definition: str
    calculation_method: str


class IndicatorPage(PageMeta):
    results: list[IndicatorOut]


class ResultOut(Schema):
    year: int = Field(description="ปีงบประมาณ (พ.ศ.)")
    quarter: int = Field(description="ไตรมาส 1–4 (ผลงานสะสมตั้งแต่ต้นปีงบประมาณ)")
    district_code: str
    district_name_th: str
    district_name_en: str
    indicator_code: str
    indicator_name: str
    unit: str
    assignment_code: str = Field(description="รหัสตัวชี้วัดของหน่วยงาน (อาจว่าง)")
    target: Decimal = Field(description="ค่าเป้าหมายของไตรมาส (หรือของปี ถ้าไม่ได้กำหนดรายไตรมาส)")
    result: Decimal | None = Field(description="ผลงาน")
    score: Decimal = Field(description="คะแนนที่ สยป. ประเมิน")
    full_score: Decimal = Field(description="คะแนนเต็ม")
    weight: Decimal | None = Field(description="น้ำหนัก (ร้อยละ) ของตัวชี้วัดนี้สำหรับเขต หรือ null")
    evaluated_at: dt.datetime | None = Field(description="เวลาที่ประเมิน")


class ResultPage(PageMeta):
    results: list[ResultOut]


class ScoreOut(Schema):
    year: int = Field(description="ปีงบประมาณ (พ.ศ.)")
    quarter: int
    published_on: dt.date = Field(description="วันที่ประกาศผลของไตรมาส")
    district_code: str
    district_name_th: str
    district_name_en: str
    zone_group: str = Field(description="รหัสกลุ่มเขต")
    score: Decimal | None = Field(description="ค่าคะแนนถ่วงน้ำหนัก (เต็ม 5) หรือ null")
    percent: Decimal | None = Field(description="คะแนนถ่วงน้ำหนักเป็นร้อยละ หรือ null")
    rank: int | None = Field(description="อันดับในเขตทั้งหมด (คะแนนเท่ากันได้อันดับเดียวกัน)")
    zone_rank: int | None = Field(description="อันดับในกลุ่มเขต")
    indicators_scored: int = Field(description="จำนวนตัวชี้วัดที่มีคะแนน")
    indicators_unscored: int = Field(description="จำนวนตัวชี้วัดที่ไม่มีคะแนน")


class ScorePage(PageMeta):
    results: list[ScoreOut]
