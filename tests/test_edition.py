"""The reading edition (``play.py export``): every scene and branch, links that resolve, a
self-contained page, rendered for real in headless Chromium (screenshot and PDF)."""

from __future__ import annotations

import io
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from adventure.classroom.edition import build_book, reading_order, to_html, to_markdown
from adventure.cli import main
from adventure.files.loader import load_story

ROOT = Path(__file__).resolve().parent.parent
CLASSROOM = Path(__file__).resolve().parent / "fixtures" / "classroom"
FIXTURE_ARGS = ["--story", str(CLASSROOM / "story"), "--locales", str(CLASSROOM / "locales")]


class Links(HTMLParser):
    """Ids, internal links, and anything that would reach outside the page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.external: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name == "id" and value:
                self.ids.append(value)
            if name == "href" and value is not None:
                (self.hrefs if value.startswith("#") else self.external).append(value)
            if name == "src" and value is not None:
                self.external.append(value)


def parse(html: str) -> Links:
    p = Links()
    p.feed(html)
    return p


def export(tmp_path: Path, *args: str) -> str:
    out = tmp_path / "book.out"
    code = main(["export", *args, "-o", str(out)], stdout=io.StringIO(), stderr=io.StringIO())
    assert code == 0
    return out.read_text(encoding="utf-8")


def check_links(html: str) -> Links:
    p = parse(html)
    assert len(p.ids) == len(set(p.ids)), "an id is used twice"
    missing = sorted({h[1:] for h in p.hrefs} - set(p.ids))
    assert not missing, f"links to nothing: {missing}"
    assert not p.external, f"the page reaches outside itself: {p.external}"
    assert not {"script", "link", "img", "iframe"} & p.tags
    return p


@pytest.mark.parametrize("lang", ["en", "es", "both", "es+en"])
def test_fixture_edition_has_every_scene_and_resolving_links(tmp_path: Path, lang: str) -> None:
    html = export(tmp_path, *FIXTURE_ARGS, "--lang", lang)
    p = check_links(html)
    result = load_story(CLASSROOM / "story", CLASSROOM / "locales")
    assert result.story is not None
    for sid in result.story.scenes:
        assert f"s-{sid}" in p.ids
    for scene in result.story.scenes.values():
        for choice in scene.choices:
            if choice.to:
                assert f"#s-{choice.to}" in p.hrefs
    for note in result.story.notes:
        assert f"n-{note}" in p.ids
    assert {"g-saddle", "g-abatis", "g-pillbox", "src-encyclopedia", "e-prologue_end"} <= set(p.ids)
    assert "Why did the order say two weeks?" in html or "¿Por qué decía la orden dos semanas?" in html
    assert "@media print" in html and 'name="viewport"' in html
    if lang in ("both", "es+en"):
        assert 'class="second" lang="' in html


def test_shipped_edition_links_resolve(tmp_path: Path) -> None:
    html = export(tmp_path, "--lang", "both")
    check_links(html)
    assert "→ §" in html


def test_choices_write_their_target_as_text_for_paper(tmp_path: Path) -> None:
    html = export(tmp_path, *FIXTURE_ARGS)
    for mt in re.finditer(r'<li><a href="#s-([a-z_]+)">.*?<span class="go">→ §(\d+)</span>', html):
        target, number = mt.groups()
        section = re.search(rf'id="s-{target}">\n<h3><span class="num">§(\d+)</span>', html)
        assert section is not None and section.group(1) == number


def test_reading_order_starts_each_chapter_at_its_start() -> None:
    result = load_story(CLASSROOM / "story", CLASSROOM / "locales")
    assert result.story is not None
    order = reading_order(result.story)
    assert order[0] == "pro_changsha" and order.index("bat_hill") > order.index("pro_end")
    assert sorted(order) == sorted(result.story.scenes)


def test_markdown_edition(tmp_path: Path) -> None:
    md = export(tmp_path, *FIXTURE_ARGS, "--format", "md", "--lang", "es")
    assert md.startswith("# Hengyang 1944")
    assert "### §1 " in md and "[→ §" in md and '<a id="s-pro_changsha"></a>' in md
    assert "## Glosario" in md and "#### Preguntas para reflexionar" in md
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', md))
    targets = set(re.findall(r"\]\(#([^)]+)\)", md))
    assert targets <= anchors


def test_placeholders_and_markup_are_safe(tmp_path: Path) -> None:
    result = load_story(CLASSROOM / "story", CLASSROOM / "locales")
    assert result.story is not None and result.catalog is not None
    html = to_html(build_book(result.story, result.catalog, "en"))
    assert "{messages}" not in html and "You have carried … messages." in html
    assert "[[" not in html and "]]" not in html
    md = to_markdown(build_book(result.story, result.catalog, "en"))
    assert "{messages}" not in md and "[[" not in md


def test_export_errors_are_messages(tmp_path: Path) -> None:
    err = io.StringIO()
    code = main(["export", "--story", str(tmp_path / "none"), "-o", str(tmp_path / "x.html")], stdout=io.StringIO(),
                stderr=err)
    assert code == 1 and "run hengyang check" in err.getvalue()  # main() called by a program: the installed name
    out = io.StringIO()
    assert main(["export", *FIXTURE_ARGS, "-o", "-"], stdout=out, stderr=io.StringIO()) == 0
    assert out.getvalue().startswith("<!DOCTYPE html>")


def test_export_default_file_name(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "play.py"), "export", *FIXTURE_ARGS, "--lang", "both"],
                          cwd=str(tmp_path), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "hengyang-1944-en-es.html").is_file() and "Wrote" in proc.stdout


# -- headless Chromium ---------------------------------------------------------------------

def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-quic", "--disable-extensions",
                  "--hide-scrollbars"]


def run_chromium(*args: str) -> subprocess.CompletedProcess[bytes]:
    binary = chromium()
    if binary is None:
        pytest.skip("Chromium is not installed: apt-get install chromium (.ci/run installs it when run as root)")
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, timeout=180, env={**os.environ, "HOME": profile})


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the raw rows of an 8-bit RGB/RGBA PNG, unfiltered (stdlib only)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    height = channels = 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and color in (2, 6), (depth, color)
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, [bytes(r[i:i + 3]) for r in rows for i in range(0, len(r), channels)]


def test_png_reader_on_a_known_image() -> None:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"\x00" + b"\xff\x00\x00" + b"\x00\x00\xff" + b"\x02" + b"\x00\x00\x00" + b"\x00\x00\x00"  # Up filter
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    width, height, pixels = png_pixels(png)
    assert (width, height) == (2, 2)
    assert pixels == [b"\xff\x00\x00", b"\x00\x00\xff", b"\xff\x00\x00", b"\x00\x00\xff"]


def test_edition_renders_in_headless_chromium(tmp_path: Path) -> None:
    page = tmp_path / "book.html"
    page.write_text(export(tmp_path, *FIXTURE_ARGS, "--lang", "both"), encoding="utf-8")
    dom = run_chromium("--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr.decode(errors="replace")[-2000:]
    p = check_links(dom.stdout.decode("utf-8"))  # the DOM as Chromium built it
    assert len(p.hrefs) > 30 and "s-bat_end" in p.ids

    shot = tmp_path / "shot.png"
    run = run_chromium("--window-size=412,900", f"--screenshot={shot}", page.as_uri())
    assert run.returncode == 0 and shot.is_file(), run.stderr.decode(errors="replace")[-2000:]
    width, height, pixels = png_pixels(shot.read_bytes())
    assert (width, height) == (412, 900)
    background = max(set(pixels[::97]), key=pixels[::97].count)
    inked = sum(1 for px in pixels if px != background)
    assert inked > len(pixels) * 0.02, "the screenshot is blank"
    assert len(set(pixels)) > 20, "the screenshot has no text in it"


def test_edition_prints_to_pdf(tmp_path: Path) -> None:
    page = tmp_path / "book.html"
    page.write_text(export(tmp_path, *FIXTURE_ARGS), encoding="utf-8")
    pdf = tmp_path / "book.pdf"
    run = run_chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert run.returncode == 0 and pdf.is_file(), run.stderr.decode(errors="replace")[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000
    pages = re.findall(rb"/Type\s*/Page[^s]", data)
    assert len(pages) >= 5 or b"/Count " in data


def test_any_story_exports_even_without_classroom_data(tmp_path: Path) -> None:
    from storykit import FIXTURE, write_story

    html = export(tmp_path, "--story", str(FIXTURE / "story"), "--locales", str(FIXTURE / "locales"), "--lang", "both")
    p = check_links(html)
    assert "glossary" not in p.ids and "notes" in p.ids
    root = write_story(tmp_path / "mini")
    html = export(tmp_path, "--story", str(root / "story"), "--locales", str(root / "locales"))
    p = check_links(html)
    assert {"s-a", "s-b", "s-c", "e-done", "n-n1"} <= set(p.ids)
    assert "You have … points." in html
