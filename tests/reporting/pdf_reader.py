"""Reading a PDF back in tests: its text, metadata and whether it is tagged, with poppler's
pdftotext/pdfinfo (CI installs poppler-utils) or else pypdf. Without either the test is
skipped, or fails when CAFLAB_REQUIRE_BROWSER=1 (CI)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

SPACES = re.compile(r"[\u00a0\u202f\u2009]")


def _pypdf():
    try:
        import pypdf
    except ImportError:
        return None
    return pypdf


def require_reader() -> None:
    if shutil.which("pdftotext") and shutil.which("pdfinfo"):
        return
    if _pypdf() is not None:
        return
    if os.environ.get("CAFLAB_REQUIRE_BROWSER") == "1":
        pytest.fail("Ni pdftotext (poppler-utils) ni pypdf : la CI l'exige.")
    pytest.skip("Ni pdftotext (poppler-utils) ni pypdf pour relire le PDF")


def _poppler(tool: str, pdf: bytes, *args: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        result = subprocess.run(  # noqa: S603 - our own arguments, no shell
            [shutil.which(tool), *args, str(path), *(["-"] if tool == "pdftotext" else [])],
            capture_output=True,
            check=True,
            timeout=60,
        )
    return result.stdout.decode("utf-8")


def pdf_text(pdf: bytes) -> list[str]:
    """The text of each page, with every kind of no-break space made a plain space."""
    require_reader()
    if shutil.which("pdftotext"):
        pages = _poppler("pdftotext", pdf, "-enc", "UTF-8").split("\f")
        if pages and not pages[-1].strip():
            pages = pages[:-1]
    else:
        reader = _pypdf().PdfReader(io.BytesIO(pdf))
        pages = [page.extract_text() or "" for page in reader.pages]
    return [SPACES.sub(" ", page) for page in pages]


def pdf_info(pdf: bytes) -> dict[str, str]:
    """Title, Author, Subject, Creator, Pages and Tagged (« yes » / « no »)."""
    require_reader()
    if shutil.which("pdfinfo"):
        info = {}
        for line in _poppler("pdfinfo", pdf, "-enc", "UTF-8").splitlines():
            key, _sep, value = line.partition(":")
            info[key.strip()] = value.strip()
        return info
    reader = _pypdf().PdfReader(io.BytesIO(pdf))
    meta = reader.metadata or {}
    root = reader.trailer["/Root"]
    mark_info = root.get("/MarkInfo") or {}
    return {
        "Title": meta.get("/Title", ""),
        "Author": meta.get("/Author", ""),
        "Subject": meta.get("/Subject", ""),
        "Creator": meta.get("/Creator", ""),
        "Pages": str(len(reader.pages)),
        "Tagged": "yes" if mark_info.get("/Marked") and "/StructTreeRoot" in root else "no",
    }


def pdf_fonts(pdf: bytes) -> set[str]:
    """The names of the fonts the PDF embeds or names (« ABCDEF+CafLab-Sans-Bold »)."""
    require_reader()
    if shutil.which("pdffonts"):
        lines = _poppler("pdffonts", pdf).splitlines()[2:]  # after the header and its rule
        return {line.split()[0] for line in lines if line.strip()}
    reader = _pypdf().PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for font in fonts.values():
            names.add(str(font.get_object().get("/BaseFont", "")).lstrip("/"))
    return names


def pdf_tags(pdf: bytes) -> set[str]:
    """The structure types of the tagged PDF (H1, Table, TH, Figure…): `pdfinfo -struct`, or a
    walk of the structure tree with pypdf."""
    require_reader()
    if shutil.which("pdfinfo"):
        lines = _poppler("pdfinfo", pdf, "-struct").splitlines()
        return {line.split()[0].rstrip(":") for line in lines if line.strip()}
    reader = _pypdf().PdfReader(io.BytesIO(pdf))
    tags, stack = set(), [reader.trailer["/Root"].get("/StructTreeRoot")]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if "/S" in node:
                tags.add(str(node["/S"]).lstrip("/"))
            if "/K" in node:
                stack.append(node["/K"])
    return tags
