"""Text extracted from WeasyPrint PDFs equals the Thai source text (printing.pdf_text).

Every case is rendered through WeasyPrint with the portal's Sarabun @font-face and read
back with pypdf. The unfixed renders run in a fresh interpreter (``sys.executable -c``)
that never imports ``printing.pdf_text``, so they show what WeasyPrint does on its own.
No database is needed.
"""

from __future__ import annotations

import functools
import io
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from printing import pdf_text

REPO_ROOT = Path(__file__).resolve().parents[2]
BASE_URL = (REPO_ROOT / "static").as_uri() + "/"

LONG_PARAGRAPH = (
    "สำนักงานเขตได้ดำเนินการตามแผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. 2568 "
    "โดยผู้อำนวยการสำนักยุทธศาสตร์และประเมินผลกำหนดให้ทุกหน่วยงานรายงานผลการดำเนินงาน"
    "ตามตัวชี้วัดเป็นประจำทุกเดือน ทั้งด้านการจัดการน้ำ การบำรุงรักษาถนน การทำความสะอาดคูคลอง "
    "และการอำนวยความสะดวกแก่ประชาชนในช่วงค่ำ ซึ่งกรุงเทพมหานครใช้งบประมาณรวม "
    "126,392,040.00 บาท สำหรับลำไยและผลไม้ตามฤดูกาลในตลาดนัดชุมชน"
)

# (id, HTML fragment, text that pypdf must return for it)
CASES: list[tuple[str, str, str]] = [
    ("ka", "กา", "กา"),
    ("samnakngan", "สำนักงาน", "สำนักงาน"),
    ("nam", "น้ำ", "น้ำ"),
    ("tham", "ทำ", "ทำ"),
    ("lamyai", "ลำไย", "ลำไย"),
    ("kham", "ค่ำ", "ค่ำ"),
    ("kha", "ค่า", "ค่า"),
    ("krungthep", "กรุงเทพมหานคร", "กรุงเทพมหานคร"),
    ("director", "ผู้อำนวยการ", "ผู้อำนวยการ"),
    ("strategy-office", "สำนักยุทธศาสตร์และประเมินผล", "สำนักยุทธศาสตร์และประเมินผล"),
    ("amount", "126,392,040.00", "126,392,040.00"),
    ("words", "น้ำ ค่ำ ทำ กา สำนัก อำเภอ ตำบล จำนวน", "น้ำ ค่ำ ทำ กา สำนัก อำเภอ ตำบล จำนวน"),
    ("latin", "KPI Portal: Huai Khwang 2025", "KPI Portal: Huai Khwang 2025"),
    ("bold", "<b>ผู้อำนวยการสำนักงานเขต กา น้ำ</b>", "ผู้อำนวยการสำนักงานเขต กา น้ำ"),
    ("italic", "<i>น้ำค่ำ ลำไย กา ค่า 2,040.00</i>", "น้ำค่ำ ลำไย กา ค่า 2,040.00"),
    ("bold-italic", "<b><i>สำนักงาน กา ทำ</i></b>", "สำนักงาน กา ทำ"),
    (
        "table-cell",
        "<table><tr><td>สำนักยุทธศาสตร์และประเมินผล</td><td>126,392,040.00</td></tr></table>",
        "สำนักยุทธศาสตร์และประเมินผล 126,392,040.00",
    ),
    ("paragraph", f'<p class="narrow">{LONG_PARAGRAPH}</p>', LONG_PARAGRAPH),
]
WRAPPED = {"paragraph"}  # Line breaks inside Thai words: compare without whitespace.

STYLE = """
@page { size: A5; margin: 12mm; }
body { font-family: Sarabun; font-size: 13pt; }
.case { break-after: page; }
.narrow { width: 55mm; }
td { border: 1px solid #999; padding: 2pt 4pt; }
"""

# Renders without printing.pdf_text; reads a list of {"html", "options", "output"}.
UNFIXED_RENDER = """
import json, sys
from weasyprint import HTML
request = json.load(sys.stdin)
assert "printing.pdf_text" not in sys.modules
for job in request["jobs"]:
    pdf = HTML(string=job["html"], base_url=request["base_url"]).write_pdf(**job["options"])
    with open(job["output"], "wb") as output:
        output.write(pdf)
"""


def page_per_case(cases: list[tuple[str, str, str]]) -> str:
    sections = "".join(f'<section class="case">{html}</section>' for _, html, _ in cases)
    return (
        f'<html lang="th"><head><link rel="stylesheet" href="css/fonts.css">'
        f"<style>{STYLE}</style></head><body>{sections}</body></html>"
    )


def one_page_sheet(extra: str = "") -> str:
    blocks = "".join(f"<div>{html}</div>" for _, html, _ in CASES)
    return (
        f'<html lang="th"><head><link rel="stylesheet" href="css/fonts.css">'
        f"<style>{STYLE} body {{ font-size: 9pt; }}</style></head><body>"
        f"{blocks}{extra}</body></html>"
    )


def render_fixed(html: str, **options: object) -> bytes:
    from weasyprint import HTML

    pdf_text.install()
    pdf: bytes = HTML(string=html, base_url=BASE_URL).write_pdf(**options)
    return pdf


def render_unfixed(
    jobs: dict[str, tuple[str, dict[str, object]]], directory: Path
) -> dict[str, bytes]:
    """Render ``{name: (html, options)}`` in one fresh interpreter, without the fix."""
    request = {
        "base_url": BASE_URL,
        "jobs": [
            {"html": html, "options": options, "output": str(directory / f"{name}.pdf")}
            for name, (html, options) in jobs.items()
        ],
    }
    subprocess.run(  # noqa: S603 (fixed argv: this interpreter and a constant script)
        [sys.executable, "-c", UNFIXED_RENDER],
        input=json.dumps(request),
        text=True,
        check=True,
        timeout=300,
    )
    return {name: (directory / f"{name}.pdf").read_bytes() for name in jobs}


@functools.cache
def page_texts(pdf: bytes) -> tuple[str, ...]:
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        fonts = cast(DictionaryObject, page["/Resources"].get_object())["/Font"].get_object()
        for font in cast(DictionaryObject, fonts).values():
            base_font = str(cast(DictionaryObject, font.get_object())["/BaseFont"])
            assert "Sarabun" in base_font, f"fallback font used: {base_font}"
    return tuple(page.extract_text() for page in reader.pages)


def collapse(text: str) -> str:
    return " ".join(text.split())


def squeeze(text: str) -> str:
    return "".join(text.split())


FORWARD = CASES  # "กา" (standalone SARA AA) comes first.
REVERSE = CASES[::-1]  # SARA AM comes first.
ORDERS = {"forward": FORWARD, "reverse": REVERSE}
UNWRAPPED = [case for case in CASES if case[0] not in WRAPPED]

SHEET_EXTRAS = {
    "plain": "",
    # text-overflow: ellipsis and SVG <text> also go through draw_first_line.
    "ellipsis-svg": (
        '<p style="width: 40mm; white-space: nowrap; overflow: hidden; '
        'text-overflow: ellipsis">สำนักงานเขตห้วยขวาง กรุงเทพมหานคร น้ำค่ำ</p>'
        '<svg width="300" height="40"><text x="5" y="25" font-family="Sarabun" '
        'font-size="16">สำนักงาน กา น้ำ ค่ำ</text></svg>'
    ),
    # Characters no font has (.notdef), drawn after the extra codes exist.
    "missing-glyphs": "<p>\U000f0000 สำ ข้\U000f0001 กา น้ำ</p>",
}
NO_CONFLICT = "กรุงเทพมหานคร กา 126,392,040.00 <b>ผู้อำนวย</b>"
FONT_MODES: dict[str, dict[str, object]] = {"subset": {}, "full-fonts": {"full_fonts": True}}


def jobs() -> dict[str, tuple[str, dict[str, object]]]:
    """Every document the tests render, by name."""
    documents: dict[str, tuple[str, dict[str, object]]] = {
        order: (page_per_case(cases), {}) for order, cases in ORDERS.items()
    }
    documents["full-fonts"] = (page_per_case(UNWRAPPED), {"full_fonts": True})
    # No glyph stands for two different texts here: nothing to change.
    documents["no-conflict"] = (page_per_case([("plain", NO_CONFLICT, NO_CONFLICT)]), {})
    for extra, html in SHEET_EXTRAS.items():
        for mode, options in FONT_MODES.items():
            documents[f"sheet-{extra}-{mode}"] = (one_page_sheet(html), options)
    return documents


@pytest.fixture(scope="module")
def unfixed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return render_unfixed(jobs(), tmp_path_factory.mktemp("unfixed"))


@pytest.fixture(scope="module")
def fixed() -> dict[str, bytes]:
    return {name: render_fixed(html, **options) for name, (html, options) in jobs().items()}


def pages_by_case(pdf: bytes, cases: list[tuple[str, str, str]]) -> dict[str, str]:
    texts = page_texts(pdf)
    return {case_id: text for (case_id, _, _), text in zip(cases, texts, strict=True)}


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize(("case_id", "expected"), [(c[0], c[2]) for c in CASES])
def test_extracted_text_equals_source(
    fixed: dict[str, bytes], order: str, case_id: str, expected: str
) -> None:
    extracted = pages_by_case(fixed[order], ORDERS[order])[case_id]
    if case_id in WRAPPED:
        assert extracted.count("\n") >= 3, "the paragraph should wrap over several lines"
        assert squeeze(extracted) == squeeze(expected)
    else:
        assert collapse(extracted) == collapse(expected)


def test_without_fix_weasyprint_loses_sara_am(
    unfixed: dict[str, bytes], fixed: dict[str, bytes]
) -> None:
    before = {order: pages_by_case(unfixed[order], cases) for order, cases in ORDERS.items()}
    after = {order: pages_by_case(fixed[order], cases) for order, cases in ORDERS.items()}
    # The defect as first reported: a standalone "า" printed earlier wins the glyph.
    assert collapse(before["forward"]["samnakngan"]) == "สานักงาน"
    assert collapse(before["forward"]["tham"]) == "ทา"
    # The other way round: "ำ" printed earlier turns every later "า" into "ำ".
    assert collapse(before["reverse"]["ka"]) == "กำ"
    assert collapse(before["reverse"]["krungthep"]) == "กรุงเทพมหำนคร"
    # The same documents with the fix.
    assert collapse(after["forward"]["samnakngan"]) == "สำนักงาน"
    assert collapse(after["reverse"]["ka"]) == "กา"
    broken = [
        case_id
        for order, cases in ORDERS.items()
        for case_id, _, expected in cases
        if squeeze(before[order][case_id]) != squeeze(expected)
    ]
    assert len(broken) >= 10


def test_full_fonts_text(unfixed: dict[str, bytes], fixed: dict[str, bytes]) -> None:
    """With ``full_fonts=True`` WeasyPrint writes ToUnicode from the font's cmap instead."""
    after = pages_by_case(fixed["full-fonts"], UNWRAPPED)
    assert {k: collapse(v) for k, v in after.items()} == {c[0]: c[2] for c in UNWRAPPED}
    before = pages_by_case(unfixed["full-fonts"], UNWRAPPED)
    assert collapse(before["samnakngan"]) != "สำนักงาน"


def test_documents_without_conflicts_are_unchanged(
    unfixed: dict[str, bytes], fixed: dict[str, bytes]
) -> None:
    assert fixed["no-conflict"] == unfixed["no-conflict"]


def rasterize(pdf: bytes, directory: Path, name: str) -> list[Image.Image]:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.fail("pdftoppm (poppler-utils) is missing: bin/setup installs it")
    source = directory / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(  # noqa: S603 (fixed argv)
        [pdftoppm, "-png", "-r", "100", str(source), str(directory / name)],
        check=True,
        timeout=120,
    )
    return [Image.open(path).convert("RGB") for path in sorted(directory.glob(f"{name}-*.png"))]


@pytest.mark.parametrize("mode", FONT_MODES)
@pytest.mark.parametrize("extra", SHEET_EXTRAS)
def test_rendering_is_unchanged_by_fix(
    unfixed: dict[str, bytes], fixed: dict[str, bytes], tmp_path: Path, extra: str, mode: str
) -> None:
    name = f"sheet-{extra}-{mode}"
    assert fixed[name] != unfixed[name]  # The fix changed the PDF ...
    fixed_pages = rasterize(fixed[name], tmp_path, "fixed")
    unfixed_pages = rasterize(unfixed[name], tmp_path, "unfixed")
    assert len(fixed_pages) == len(unfixed_pages) == 1
    for fixed_page, unfixed_page in zip(fixed_pages, unfixed_pages, strict=True):
        assert fixed_page.size == unfixed_page.size
        # ... but not a single pixel of the rendering.
        assert ImageChops.difference(fixed_page, unfixed_page).getbbox() is None


def test_install_is_idempotent() -> None:
    import weasyprint.draw.text

    pdf_text.install()
    patched: Callable[..., object] = weasyprint.draw.text.draw_first_line
    pdf_text.install()
    assert pdf_text.is_installed()
    assert weasyprint.draw.text.draw_first_line is patched


def test_unknown_weasyprint_major_version_is_refused() -> None:
    script = (
        "import weasyprint\n"
        "weasyprint.__version__ = '71.0'\n"
        "from printing import pdf_text\n"
        "try:\n"
        "    pdf_text.install()\n"
        "except pdf_text.UnsupportedWeasyPrintError as error:\n"
        "    print('refused:', error)\n"
        "assert not pdf_text.is_installed()\n"
    )
    result = subprocess.run(  # noqa: S603 (fixed argv)
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert result.stdout.startswith("refused:")
    assert "71.0" in result.stdout
