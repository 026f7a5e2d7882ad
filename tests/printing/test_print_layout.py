"""Layout of the printed documents: contents page numbers, all 50 districts, and
page 1 of the seed sheet against a stored reference image."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from districts.models import District
from evaluation.selectors import office_matrix
from indicators.models import Assignment, FiscalYear
from printing import booklets, pdf
from reports.selectors import assignment_sheet
from tests.personas import PHRA_NAKHON

REFERENCE = Path(__file__).parent / "reference" / "sheet-5009-0963-page1.png"
PRINTED_AT = dt.datetime(2021, 10, 1, 2, 0, tzinfo=dt.UTC)  # 09:00 in Bangkok


def pages_text(data: bytes) -> list[str]:
    def flat(text: str) -> str:
        text = re.sub(r"(?<=[\u0e00-\u0e7f])\n(?=[\u0e00-\u0e7f])", "", text)
        return re.sub(r"\s+", " ", text)

    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def first_page_png(data: bytes, tmp_path: Path) -> Image.Image:
    source = tmp_path / "sheet.pdf"
    source.write_bytes(data)
    subprocess.run(  # noqa: S603
        [
            shutil.which("pdftoppm") or "/usr/bin/pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(source),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    return Image.open(tmp_path / "page.png").convert("L")


@pytest.mark.django_db
class TestPrintedLayout:
    def test_contents_page_numbers_are_where_each_sheet_starts(self, demo: None) -> None:
        district = District.objects.get(code=PHRA_NAKHON)
        year = FiscalYear.objects.get(year=2564)
        sheets = [
            assignment_sheet(a)
            for a in Assignment.objects.filter(
                district=district, indicator__fiscal_year=year
            ).order_by("indicator__code")
        ]
        pages = pages_text(booklets.booklet_pdf(sheets, district=district, fiscal_year=year))
        contents = pages[1]
        assert "สารบัญ" in contents
        for sheet in sheets:
            title = f"{sheet.indicator.code} {sheet.indicator.name}"
            listed = re.search(re.escape(title) + r" (\d+)", contents)
            assert listed, title
            start = next(
                i
                for i, text in enumerate(pages, start=1)
                if i > 2
                and f"{sheet.indicator.code}" in text
                and sheet.indicator.name[:20] in text
                and "ค่าเป้าหมาย" in text
            )
            assert int(listed.group(1)) == start, (title, listed.group(1), start)

    def test_quarter_summary_names_all_fifty_districts(self, demo: None) -> None:
        matrix = office_matrix(FiscalYear.objects.get(year=2564), 2)
        text = " ".join(pages_text(pdf.summary_pdf(matrix)))
        missing = [d.name_th for d in District.objects.all() if d.name_th not in text]
        assert missing == []

    def test_first_page_matches_the_reference_image(
        self, hk_sheet: Assignment, tmp_path: Path
    ) -> None:
        html = pdf._print_html(
            "print/sheet.html",
            {
                "sheet": assignment_sheet(hk_sheet),
                "thai_digits": True,
                "printed_at": PRINTED_AT,
            },
        )
        page = first_page_png(pdf.html_to_pdf(html), tmp_path)
        # After a deliberate layout change, save `page` over REFERENCE, look at it,
        # and commit it with the change.
        reference = Image.open(REFERENCE).convert("L")
        assert page.size == reference.size
        # Pixels whose grey level moved by more than 48 of 255.
        changed = sum(ImageChops.difference(page, reference).histogram()[49:])
        # Measured: the same render differs in 0 pixels, one changed score in 9, a
        # paragraph one line longer (everything below it moved) in about 21,600.
        assert changed <= 200, f"{changed} pixels of page 1 differ from the reference"
