"""kpi_portal.charts: SVG charts that need no stylesheet, label themselves, leave
gaps for missing figures, escape every text, and print the same through WeasyPrint."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from kpi_portal.charts import PALETTE, Chart, Series, bar_chart, line_chart, nice_ticks
from printing import pdf

SVG = "{http://www.w3.org/2000/svg}"
QUARTERS = ["ไตรมาส 1", "ไตรมาส 2", "ไตรมาส 3", "ไตรมาส 4"]


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))  # noqa: S314 - our own markup


def marks(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter() if el.get("class") == "mark"]


def series_marks(root: ET.Element, index: int) -> list[ET.Element]:
    group = next(g for g in root.iter(f"{SVG}g") if g.get("data-series") == str(index))
    return [el for el in group if el.get("class") == "mark"]


def texts(root: ET.Element) -> list[str]:
    return [el.text or "" for el in root.iter(f"{SVG}text")]


def scores_line(**kwargs: object) -> Chart:
    return line_chart(
        title="คะแนนเฉลี่ยรายไตรมาส",
        description="คะแนนถ่วงน้ำหนักเฉลี่ยของ 50 สำนักงานเขต",
        categories=QUARTERS,
        series=[
            Series("กรุงเทพมหานคร", [Decimal("3.2"), 3.5, None, 4]),
            Series("กลุ่มเขตกรุงเทพกลาง", [2.8, None, 3.3, 3.9]),
        ],
        unit="คะแนน",
        **kwargs,  # type: ignore[arg-type]
    )


class TestAccessibleSvg:
    def test_labelled_by_its_own_title_and_desc(self) -> None:
        root = parse(scores_line())
        assert root.get("role") == "img"
        title = root.find(f"{SVG}title")
        desc = root.find(f"{SVG}desc")
        assert title is not None and title.text == "คะแนนเฉลี่ยรายไตรมาส"
        assert desc is not None and desc.text == "คะแนนถ่วงน้ำหนักเฉลี่ยของ 50 สำนักงานเขต"
        assert root.get("aria-labelledby", "").split() == [title.get("id"), desc.get("id")]

    def test_ids_differ_between_charts_on_one_page(self) -> None:
        ids = []
        for chart in (scores_line(), scores_line(), scores_line().with_thai_digits()):
            root = parse(chart)
            ids += [el.get("id") for el in root.iter() if el.get("id")]
        assert len(ids) == 6
        assert len(set(ids)) == 6

    def test_scales_with_its_container(self) -> None:
        root = parse(scores_line())
        assert root.get("width") == "100%"
        assert root.get("height") is None
        x, y, width, height = (float(n) for n in (root.get("viewBox") or "").split())
        assert (x, y) == (0, 0)
        assert 0 < height < width

    def test_looks_right_without_a_stylesheet(self) -> None:
        markup = str(scores_line().svg) + str(bar_chart(**bars_kwargs(stacked=True)).svg)
        assert "style" not in markup
        root = parse(scores_line())
        assert "Sarabun" in (root.get("font-family") or "")
        for mark in marks(root):
            assert mark.get("fill", "").startswith("#")
        paths = list(root.iter(f"{SVG}path"))
        assert all(p.get("stroke", "").startswith("#") for p in paths)

    def test_has_gridlines_and_axis_labels(self) -> None:
        root = parse(scores_line(y_min=0, y_max=5))
        labels = texts(root)
        assert {"0", "1", "2", "3", "4", "5"} <= set(labels)
        assert "6" not in labels  # a fixed end stays where the caller put it
        assert set(QUARTERS) <= set(labels)
        assert "คะแนน" in labels
        assert len([line for line in root.iter(f"{SVG}line")]) >= 6


class TestMarks:
    def test_one_mark_per_figure_and_a_gap_for_none(self) -> None:
        root = parse(scores_line())
        assert len(series_marks(root, 0)) == 3
        assert len(series_marks(root, 1)) == 3
        # The missing quarter breaks the line: two paths, not one through a zero.
        first = next(g for g in root.iter(f"{SVG}g") if g.get("data-series") == "0")
        paths = [p.get("d", "") for p in first.iter(f"{SVG}path")]
        assert len(paths) == 1  # Q1–Q2 joined; Q4 alone is a marker only
        assert paths[0].count("L") == 1
        second = next(g for g in root.iter(f"{SVG}g") if g.get("data-series") == "1")
        assert [p.get("d", "").count("L") for p in second.iter(f"{SVG}path")] == [1]

    def test_higher_figures_are_drawn_higher(self) -> None:
        root = parse(scores_line())
        ys = [float(m.get("cy") or 0) for m in series_marks(root, 0)]
        assert ys[0] > ys[1] > ys[2]  # 3.2, 3.5, 4: the SVG's y grows downwards

    def test_each_mark_names_its_figure(self) -> None:
        root = parse(scores_line())
        titles = [m.findtext(f"{SVG}title") for m in series_marks(root, 0)]
        assert titles == [
            "กรุงเทพมหานคร · ไตรมาส 1: 3.2 คะแนน",
            "กรุงเทพมหานคร · ไตรมาส 2: 3.5 คะแนน",
            "กรุงเทพมหานคร · ไตรมาส 4: 4 คะแนน",
        ]

    def test_grouped_bars_one_rect_per_figure(self) -> None:
        root = parse(bar_chart(**bars_kwargs()))
        assert [len(series_marks(root, i)) for i in range(3)] == [4, 3, 4]

    def test_stacked_bars_sit_on_each_other(self) -> None:
        root = parse(bar_chart(**bars_kwargs(stacked=True)))
        first = [series_marks(root, i)[0] for i in range(3)]
        tops = [float(r.get("y") or 0) for r in first]
        bottoms = [float(r.get("y") or 0) + float(r.get("height") or 0) for r in first]
        assert bottoms[1] == pytest.approx(tops[0], abs=0.02)
        assert bottoms[2] == pytest.approx(tops[1], abs=0.02)
        heights = [float(r.get("height") or 0) for r in first]
        assert heights[0] == pytest.approx(heights[1] * 2, rel=0.01)  # 10 and 5

    def test_horizontal_bars_grow_to_the_right_with_a_dash_for_none(self) -> None:
        chart = bar_chart(
            title="คะแนนตามกลุ่มเขต",
            description="",
            categories=["กลุ่มเขตกรุงเทพกลาง", "กลุ่มเขตกรุงธนใต้", "กลุ่มเขตกรุงเทพเหนือ"],
            series=[Series("คะแนน", [Decimal("4.25"), Decimal("2.5"), None])],
            horizontal=True,
            y_max=5,
        )
        root = parse(chart)
        bars = series_marks(root, 0)
        assert len(bars) == 2
        assert float(bars[0].get("width") or 0) == pytest.approx(
            float(bars[1].get("width") or 0) * 1.7, rel=0.01
        )
        labels = texts(root)
        assert {"4.25", "2.5", "–"} <= set(labels)
        assert "กลุ่มเขตกรุงเทพกลาง" in labels

    def test_legend_only_for_several_series(self) -> None:
        one = line_chart(
            title="t", description="d", categories=QUARTERS, series=[Series("ผล", [1, 2, 3, 4])]
        )
        assert "ผล" not in texts(parse(one))
        assert {"กรุงเทพมหานคร", "กลุ่มเขตกรุงเทพกลาง"} <= set(texts(parse(scores_line())))

    def test_series_differ_by_more_than_colour(self) -> None:
        root = parse(scores_line())
        first, second = (series_marks(root, i)[0] for i in range(2))
        assert first.tag != second.tag  # circle and square markers
        assert first.get("fill") == PALETTE[0] and second.get("fill") == PALETTE[1]
        dashes = [p.get("stroke-dasharray") for p in root.iter(f"{SVG}path")]
        assert dashes == [None, "7 4"]

    def test_values_must_match_the_categories(self) -> None:
        with pytest.raises(ValueError, match="3 values for 4 categories"):
            line_chart(
                title="t", description="d", categories=QUARTERS, series=[Series("x", [1, 2, 3])]
            )


def bars_kwargs(stacked: bool = False) -> dict[str, Any]:
    return {
        "title": "สถานะรายงาน",
        "description": "จำนวนรายงานตามสถานะในแต่ละไตรมาส",
        "categories": QUARTERS,
        "series": [
            Series("ยังไม่เริ่ม", [10, 20, 30, 40]),
            Series("ฉบับร่าง", [5, None, 5, 0]),
            Series("ประเมินแล้ว", [5, 0, 15, 10]),
        ],
        "unit": "รายงาน",
        "stacked": stacked,
    }


class TestEscaping:
    def test_user_made_names_are_text_not_markup(self) -> None:
        name = 'เขต <script>alert("x")</script> & "คลองเตย"'
        chart = bar_chart(
            title="ชื่อ <b>ตัวหนา</b>",
            description="a & b",
            categories=[name],
            series=[Series(name, [1]), Series("อื่น ๆ", [2])],
        )
        markup = str(chart.svg)
        assert "<script>" not in markup and "<b>" not in markup
        root = parse(chart)  # still well-formed XML
        assert root.findtext(f"{SVG}title") == "ชื่อ <b>ตัวหนา</b>"
        assert root.findtext(f"{SVG}desc") == "a & b"
        assert name in texts(root)
        html = render_to_string("_chart.html", {"chart": chart})
        assert "<script>" not in html
        assert "&lt;script&gt;" in html


class TestTable:
    def test_rows_per_series_with_formatted_figures(self) -> None:
        table = scores_line().table
        assert table.header == QUARTERS
        assert [row.name for row in table.rows] == ["กรุงเทพมหานคร", "กลุ่มเขตกรุงเทพกลาง"]
        assert table.rows[0].cells == ["3.2", "3.5", "–", "4"]
        assert table.rows[1].cells == ["2.8", "–", "3.3", "3.9"]
        assert table.by_category[2] == ("ไตรมาส 3", ["–", "3.3"])

    def test_thai_digits_in_figures_and_ticks(self) -> None:
        chart = scores_line(y_min=0, y_max=5).with_thai_digits()
        assert chart.table.rows[0].cells == ["๓.๒", "๓.๕", "–", "๔"]
        assert "๕" in texts(parse(chart))

    def test_template_renders_figure_svg_and_a_real_table(self) -> None:
        chart = scores_line()
        html = render_to_string("_chart.html", {"chart": chart})
        assert html.count("<figure") == 1
        assert "<figcaption>" in html
        assert str(chart.svg) in html
        rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", html)
        assert [r[0] for r in rows] == QUARTERS
        assert re.findall(r"<td class=\"num\">(.*?)</td>", rows[0][1]) == ["3.2", "2.8"]
        assert '<details class="chart-data">' in html
        assert '<details class="chart-data" open>' in render_to_string(
            "_chart.html", {"chart": chart, "open": True}
        )


class TestNiceTicks:
    @pytest.mark.parametrize(
        ("low", "high", "expected"),
        [
            (0, 5, [0, 1, 2, 3, 4, 5]),
            (0, 47, [0, 10, 20, 30, 40, 50]),
            (0, 0, [0, 0.2, 0.4, 0.6, 0.8, 1]),
            (0, 2300, [0, 500, 1000, 1500, 2000, 2500]),
        ],
    )
    def test_round_steps(self, low: float, high: float, expected: list[float]) -> None:
        assert nice_ticks(low, high) == pytest.approx(expected)

    def test_counts_step_by_whole_numbers(self) -> None:
        assert nice_ticks(0, 1, whole=True) == [0, 1]
        chart = bar_chart(
            title="t", description="d", categories=["ก", "ข"], series=[Series("n", [1, 0])]
        )
        assert "0.2" not in texts(parse(chart))
        assert {"0", "1"} <= set(texts(parse(chart)))


def test_weasyprint_prints_the_same_svg_with_its_thai_labels() -> None:
    chart = bar_chart(**bars_kwargs(stacked=True))
    html = (
        '<!doctype html><html lang="th"><head><meta charset="utf-8">'
        '<link rel="stylesheet" href="static/css/fonts.css">'
        '<link rel="stylesheet" href="static/css/print.css"></head><body>'
        + render_to_string("_chart.html", {"chart": chart, "open": True})
        + "</body></html>"
    )
    data = pdf.html_to_pdf(html)
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    flat = re.sub(r"\s+", " ", text)
    # The legend and axis labels are drawn by the SVG, in Sarabun (Thai, not boxes)…
    for label in ("ยังไม่เริ่ม", "ฉบับร่าง", "ประเมินแล้ว", "ไตรมาส 4", "รายงาน"):
        assert label in flat
    # …and the numbers' table is printed beneath it.
    assert "จำนวนรายงานตามสถานะในแต่ละไตรมาส" in flat
    page = PdfReader(io.BytesIO(data)).pages[0]
    fonts = [
        str(font.get_object()["/BaseFont"])
        for font in page["/Resources"]["/Font"].values()  # type: ignore[index]
    ]
    assert any("Sarabun" in name for name in fonts)
