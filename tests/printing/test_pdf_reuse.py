"""What printing.pdf reuses from one PDF to the next in a thread: the URL fetcher, the
font configuration and the parsed <link>ed stylesheets. The next PDF is the same, an
edited stylesheet is read again, and one document's @page rules stay out of another's.
No database is needed."""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from printing import pdf

SHEET = (
    '<html lang="th"><head><link rel="stylesheet" href="static/css/fonts.css">'
    '<link rel="stylesheet" href="static/css/print.css">{extra}</head>'
    "<body><h1>สำนักงานเขตห้วยขวาง</h1><p>น้ำ ค่ำ กา สำนักยุทธศาสตร์และประเมินผล</p></body></html>"
)


def page_size(data: bytes) -> tuple[int, int]:
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


A4 = (595, 842)
A5 = (420, 595)


@pytest.fixture
def extra_static(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """A static folder searched before the project's, for a stylesheet of the test's own."""
    settings.STATICFILES_DIRS = [tmp_path, *settings.STATICFILES_DIRS]
    (tmp_path / "css").mkdir()
    yield tmp_path / "css"


def counting_fetches() -> list[str]:
    """Record every URL this thread's fetcher is asked for from now on."""
    pdf._weasyprint()
    fetcher, _font_config = pdf._printer.tools()
    fetched: list[str] = []
    fetch = fetcher.fetch

    def counted(url: str, headers: Any = None) -> Any:
        fetched.append(url)
        return fetch(url, headers)

    fetcher.fetch = counted
    return fetched


def stop_counting() -> None:
    del pdf._printer.fetcher.fetch


class TestReuse:
    def test_the_next_pdf_reads_no_stylesheet_or_font_again(self) -> None:
        first = pdf.html_to_pdf(SHEET.format(extra=""))
        fetched = counting_fetches()
        try:
            again = pdf.html_to_pdf(SHEET.format(extra=""))
        finally:
            stop_counting()
        assert fetched == []
        assert again == first

    def test_first_pdf_of_a_thread_is_the_same(self) -> None:
        here = pdf.html_to_pdf(SHEET.format(extra=""))
        there: list[bytes] = []
        thread = threading.Thread(
            target=lambda: there.append(pdf.html_to_pdf(SHEET.format(extra="")))
        )
        thread.start()
        thread.join()
        assert there == [here]

    def test_edited_stylesheet_is_read_again(self, extra_static: Path) -> None:
        sheet = extra_static / "size.css"
        sheet.write_text("@page { size: A5; }", encoding="utf-8")
        html = SHEET.format(extra='<link rel="stylesheet" href="static/css/size.css">')
        assert page_size(pdf.html_to_pdf(html)) == A5
        assert page_size(pdf.html_to_pdf(html)) == A5  # from the parsed copy
        sheet.write_text("@page { size: A4; }", encoding="utf-8")
        stat = sheet.stat()
        os.utime(sheet, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        assert page_size(pdf.html_to_pdf(html)) == A4

    def test_page_rules_stay_in_their_document(self, extra_static: Path) -> None:
        (extra_static / "a5.css").write_text("@page { size: A5; }", encoding="utf-8")
        small = SHEET.format(extra='<link rel="stylesheet" href="static/css/a5.css">')
        plain = SHEET.format(extra="")
        inline = SHEET.format(extra="<style>@page { size: A5; }</style>")
        for _ in range(2):
            assert page_size(pdf.html_to_pdf(small)) == A5
            assert page_size(pdf.html_to_pdf(plain)) == A4
            assert page_size(pdf.html_to_pdf(inline)) == A5
