"""Uploaded files: checked by their content (not their name), bounded in size, stored in
media, and served only through a view that checks the permission on the object they belong
to (never by a public media URL)."""

from __future__ import annotations

import io
import mimetypes
import re
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils.translation import gettext as _

MAX_UPLOAD_SIZE = 10 * 1024 * 1024


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = Kind("PDF", "application/pdf", (".pdf",))
PNG = Kind("PNG", "image/png", (".png",))
JPEG = Kind("JPEG", "image/jpeg", (".jpg", ".jpeg"))
DOCX = Kind(
    "Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)
)
XLSX = Kind(
    "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
)
PPTX = Kind(
    "PowerPoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    (".pptx",),
)
ODT = Kind("OpenDocument", "application/vnd.oasis.opendocument.text", (".odt",))
TEXT = Kind("texte", "text/plain", (".txt", ".csv"))

DOCUMENTS = (PDF, PNG, JPEG, DOCX, XLSX, PPTX, ODT, TEXT)

_OOXML_MARKERS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
# Text that a browser would run as a page or an image (HTML, SVG, XML): never a « text » file,
# whatever its name (downloads are attachments with nosniff, but a copy may be opened anywhere).
_MARKUP = re.compile(
    rb"<\s*(?:!doctype|\?xml|html|head|body|script|svg|iframe|object|embed|meta|xml)\b", re.I
)


def sniff(head: bytes, data: io.BufferedIOBase | None = None) -> Kind | None:
    """The kind of a file from its first bytes (and, for zip containers, their contents)."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04") and data is not None:
        try:
            with zipfile.ZipFile(data) as archive:
                names = archive.namelist()
                if "mimetype" in names and archive.read("mimetype").startswith(
                    b"application/vnd.oasis.opendocument.text"
                ):
                    return ODT
                if "[Content_Types].xml" in names:
                    for prefix, kind in _OOXML_MARKERS.items():
                        if any(name.startswith(prefix) for name in names):
                            return kind
        except (zipfile.BadZipFile, OSError, KeyError):
            return None
        return None
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character cut by the sample's end is fine.
            if exc.start < len(head) - 4:
                return None
        if _MARKUP.search(head):
            return None
        return TEXT
    return None


def validate_upload(
    upload: UploadedFile, *, allowed: tuple[Kind, ...] = DOCUMENTS, max_size: int = MAX_UPLOAD_SIZE
) -> Kind:
    """Refuse, with a French message, a file too big or whose content is not an allowed kind
    (a renamed executable stays an executable)."""
    if upload.size > max_size:
        raise ValidationError(
            _("Le fichier dépasse la taille maximale de %(size)s Mo.")
            % {"size": max_size // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    kind = sniff(head, upload.file if head.startswith(b"PK") else None)
    upload.seek(0)
    labels = ", ".join(k.label for k in allowed)
    if kind is None or kind not in allowed:
        raise ValidationError(
            _("Ce type de fichier n'est pas accepté. Formats acceptés : %(labels)s.")
            % {"labels": labels}
        )
    extension = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in kind.extensions:
        raise ValidationError(
            _("L'extension du fichier ne correspond pas à son contenu (%(kind)s).")
            % {"kind": kind.label}
        )
    return kind


def protected_file_response(field_file, *, filename: str, content_type: str = "") -> FileResponse:
    """Serve a stored file as a download, after the caller has checked the permission."""
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = FileResponse(
        field_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
