"""What an evidence file really is, judged by its bytes rather than its name.

Officers attach PDFs, scans and office documents. A file is accepted only when
its first bytes match a format we serve, and its extension agrees; the stored
content type comes from the bytes, so a renamed executable or an HTML/SVG page
can never be served back as a document.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _


class EvidenceRejected(ValueError):
    """The upload is not an acceptable evidence file; the message says why in Thai."""


@dataclass(frozen=True)
class EvidenceType:
    content_type: str
    extensions: tuple[str, ...]


PDF = EvidenceType("application/pdf", (".pdf",))
PNG = EvidenceType("image/png", (".png",))
JPEG = EvidenceType("image/jpeg", (".jpg", ".jpeg"))
DOCX = EvidenceType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)
)
XLSX = EvidenceType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
PPTX = EvidenceType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",)
)
ODT = EvidenceType("application/vnd.oasis.opendocument.text", (".odt",))
ODS = EvidenceType("application/vnd.oasis.opendocument.spreadsheet", (".ods",))
LEGACY_OFFICE = EvidenceType("application/x-ole-storage", (".doc", ".xls", ".ppt"))

ACCEPTED_EXTENSIONS = sorted(
    ext
    for kind in (PDF, PNG, JPEG, DOCX, XLSX, PPTX, ODT, ODS, LEGACY_OFFICE)
    for ext in kind.extensions
)
_OOXML = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
_ODF = {
    b"application/vnd.oasis.opendocument.text": ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": ODS,
}
# A zip whose members say they expand to more than this, or that has more members
# than any office document, is refused (zip bombs) before anything is unpacked.
_MAX_UNZIPPED = 200 * 1024 * 1024
_MAX_MEMBERS = 10_000
# The most read from any member: ODF's "mimetype" holds one short line. Reading is
# streamed and stops here, so a member that unpacks to gigabytes costs a few kB.
_MAX_MEMBER_READ = 256
_END_OF_DIRECTORY = b"PK\x05\x06"
_LEGACY_CONTENT_TYPES = {
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
}


def _declared_members(upload: UploadedFile) -> int | None:
    """How many members the zip's end-of-directory record announces, read before
    zipfile builds its list of every member (a 20 MB upload could list 400,000)."""
    size = upload.size or 0
    tail = min(size, 22 + 65_535)  # the record, and the longest comment after it
    upload.seek(size - tail)
    data = upload.read(tail)
    at = data.rfind(_END_OF_DIRECTORY)
    if at < 0 or len(data) - at < 22:
        return None
    (count,) = struct.unpack_from("<H", data, at + 10)
    return int(count)  # 0xFFFF: a zip64 archive, more than any document has


def _read_capped(archive: zipfile.ZipFile, name: str) -> bytes:
    """A member's first bytes, streamed; refused if it holds more than a short line."""
    with archive.open(name) as member:
        data = member.read(_MAX_MEMBER_READ + 1)
    if len(data) > _MAX_MEMBER_READ:
        raise EvidenceRejected(_("ไฟล์บีบอัดนี้ขยายแล้วใหญ่เกินไป ระบบไม่รับ"))
    return data


def _zip_kind(upload: UploadedFile) -> EvidenceType | None:
    declared = _declared_members(upload)
    if declared is not None and declared > _MAX_MEMBERS:
        raise EvidenceRejected(_("ไฟล์บีบอัดนี้ขยายแล้วใหญ่เกินไป ระบบไม่รับ"))
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > _MAX_MEMBERS or sum(m.file_size for m in members) > _MAX_UNZIPPED:
                raise EvidenceRejected(_("ไฟล์บีบอัดนี้ขยายแล้วใหญ่เกินไป ระบบไม่รับ"))
            names = {m.filename for m in members}
            if "mimetype" in names:
                return _ODF.get(_read_capped(archive, "mimetype").strip())
            if "[Content_Types].xml" in names:
                for prefix, kind in _OOXML.items():
                    if any(name.startswith(prefix) for name in names):
                        return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError):
        return None  # damaged
    except (NotImplementedError, RuntimeError):
        return None  # encrypted, or packed in a way office programs do not write
    return None


def sniff(upload: UploadedFile) -> EvidenceType | None:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return LEGACY_OFFICE
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(upload)
        upload.seek(0)
        return kind
    return None


def check_evidence(upload: UploadedFile, *, max_bytes: int) -> str:
    """The content type to store for an acceptable upload; raises EvidenceRejected otherwise."""
    name = upload.name or ""
    extension = PurePath(name).suffix.lower()
    if upload.size is None or upload.size == 0:
        raise EvidenceRejected(_("ไฟล์ว่างเปล่า กรุณาเลือกไฟล์ใหม่"))
    if upload.size > max_bytes:
        raise EvidenceRejected(
            _("ไฟล์ใหญ่เกิน %(limit)s เมกะไบต์ กรุณาย่อขนาดหรือแบ่งเป็นหลายไฟล์")
            % {"limit": max_bytes // (1024 * 1024)}
        )
    if extension not in ACCEPTED_EXTENSIONS:
        raise EvidenceRejected(_("รับเฉพาะไฟล์ %(types)s") % {"types": " ".join(ACCEPTED_EXTENSIONS)})
    kind = sniff(upload)
    if kind is None or extension not in kind.extensions:
        raise EvidenceRejected(
            _("เนื้อไฟล์ไม่ตรงกับนามสกุล %(ext)s ระบบจึงไม่รับ กรุณาบันทึกไฟล์ใหม่เป็น PDF หรือรูปภาพ")
            % {"ext": extension}
        )
    if kind is LEGACY_OFFICE:
        return _LEGACY_CONTENT_TYPES[extension]
    return kind.content_type
