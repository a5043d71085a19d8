"""The class page in a real browser (headless Chromium through Playwright): hostile names and
answers stay text, the sample class reads at phone and desktop widths, every link resolves,
the charts carry their figures, and it prints to a sensible number of A4 pages, nothing cut."""

from __future__ import annotations

import base64
import datetime
import io
import re
import shutil
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from adventure.cli import main
from adventure.files.loader import load_story
from adventure.play.session import Session

CHROMIUM = "/usr/bin/chromium"
CLASS30 = Path(__file__).resolve().parent / "fixtures" / "class30"
playwright_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():  # pragma: no cover - CI installs Debian's chromium
    pytest.skip("needs Debian's chromium at /usr/bin/chromium", allow_module_level=True)

A4_PRINTABLE_PX = (210 - 2 * 14) / 25.4 * 96  # the page's @page margin is 14 mm


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def write_page(folder: Path, out: Path, *extra: str) -> Path:
    err = io.StringIO()
    assert main(["class", str(folder), "-o", str(out), *extra], env={"LANG": "en_GB.UTF-8"},
                stdout=io.StringIO(), stderr=err) == 0, err.getvalue()
    return out


def not_blank(browser, png: bytes) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    """Distinct colours (sampled) and the share of non-white pixels in a screenshot, counted by
    the browser itself (no image library needed)."""
    page = browser.new_page()
    page.set_content("<canvas></canvas>")
    result = page.evaluate("""async (src) => {
        const img = new Image(); img.src = src; await img.decode();
        const c = document.querySelector('canvas'); c.width = img.width; c.height = img.height;
        const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
        const d = ctx.getImageData(0, 0, c.width, c.height).data;
        const colours = new Set(); let ink = 0, n = 0;
        for (let i = 0; i < d.length; i += 4 * 7) {
            n++; colours.add((d[i] << 16) | (d[i+1] << 8) | d[i+2]);
            if (d[i] + d[i+1] + d[i+2] < 700) ink++;
        }
        return [colours.size, ink / n];
    }""", "data:image/png;base64," + base64.b64encode(png).decode())
    page.close()
    return result[0], result[1]


HOSTILE_NAMES = ['<script>window.__pwned=1</script>Eve', '"><img src=x onerror="window.__pwned=2">',
                 "javascript:window.__pwned=3//", "Mallory \u202egnirts\u202c \u2066x\u2069 \u200fok"]
HOSTILE_ANSWER = ('</blockquote><script>window.__pwned=4</script><a href="javascript:window.__pwned=5">click</a>'
                  '<svg onload="window.__pwned=6"></svg> \u202ereversed\u202c {{7*7}}')


def hostile_class(folder: Path) -> None:
    """Reports written by the game for students whose names and answers are hostile."""
    result = load_story()
    assert result.story is not None and result.catalog is not None
    for name in HOSTILE_NAMES:
        clock = iter(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=30 * i)
                     for i in range(10_000))
        s = Session(result.story, result.catalog, lang="en", store=None, clock=lambda c=clock: next(c),
                    classroom=True, student=name, report_dir=folder)
        s.begin()
        answered = 0
        for _ in range(80):
            if s.answering:
                s.handle(HOSTILE_ANSWER)
                s.handle("")
                answered += 1
            elif answered:
                break
            else:
                s.handle("1")
        assert answered
        s.handle("report")
    # a record whose file name is itself a javascript: URL
    first = sorted(folder.glob("*.json"))[0]
    shutil.copy(first, folder / "javascript:window.__pwned=7.json")
    shutil.copy(first.with_suffix(".html"), folder / "javascript:window.__pwned=7.html")


def test_hostile_names_and_answers_stay_text(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hostile_class(tmp_path / "reports")
    out = write_page(tmp_path / "reports", tmp_path / "class.html")
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html and "onerror=" not in html.replace("onerror=&#34;", "").replace("onerror=&quot;", "")
    page = browser.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(out.as_uri())
    page.wait_for_load_state("load")
    facts = page.evaluate("""() => ({
        pwned: window.__pwned === undefined ? null : window.__pwned,
        active: document.querySelectorAll('script, img, iframe, object, embed, form, input, link, base, meta[http-equiv=refresh]').length,
        handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name)).filter(n => n.startsWith('on')),
        hrefs: [...document.querySelectorAll('[href]')].map(a => a.getAttribute('href')),
        protocols: [...document.querySelectorAll('a[href]')].map(a => a.protocol),
        svgInAnswers: document.querySelectorAll('blockquote *').length,
        text: document.body.innerText,
        title: document.title,
    })""")
    assert facts["pwned"] is None and not dialogs and not errors
    assert facts["active"] == 0 and facts["handlers"] == [] and facts["svgInAnswers"] == 0
    assert all(h.startswith(("#", "./", "../")) and "javascript:" not in h.lower() for h in facts["hrefs"]), facts["hrefs"]
    assert set(facts["protocols"]) == {"file:"}
    text = facts["text"]
    for name in HOSTILE_NAMES[:3]:
        assert name in text  # shown as written
    assert "Mallory gnirts x \u200fok" in text  # bidi overrides and isolates removed, the mark kept
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", text)
    assert '</blockquote><script>window.__pwned=4</script><a href="javascript:window.__pwned=5">click</a>' in text
    assert "{{7*7}}" in text and "49" not in text
    link = next(h for h in facts["hrefs"] if "%3A" in h)
    assert link == "./reports/javascript%3Awindow.__pwned%3D7.html"
    page.goto(urllib.parse.urljoin(out.as_uri(), link))  # it opens the report file, nothing runs
    assert page.evaluate("window.__pwned === undefined") and not dialogs
    page.close()


@pytest.fixture(scope="module")
def sample_page(tmp_path_factory):  # type: ignore[no-untyped-def]
    return write_page(CLASS30, tmp_path_factory.mktemp("page") / "class.html")


@pytest.mark.parametrize("width", [390, 1280])
def test_the_sample_class_reads_at_phone_and_desktop_widths(browser, sample_page: Path, width: int) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(sample_page.as_uri())
    colours, ink = not_blank(browser, page.screenshot())
    assert colours > 20 and ink > 0.03
    facts = page.evaluate("""() => ({
        scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
        anchors: [...document.querySelectorAll('a[href^="#"]')].map(a => a.getAttribute('href').slice(1)),
        missing: [...document.querySelectorAll('a[href^="#"]')].map(a => a.getAttribute('href').slice(1))
                 .filter(id => !document.getElementById(id)),
        files: [...document.querySelectorAll('a[href]:not([href^="#"])')].map(a => a.href),
        charts: [...document.querySelectorAll('figure.chart')].map(f => ({
            bars: f.querySelectorAll('svg rect.bar').length,
            rows: f.querySelectorAll('table.figures tbody tr').length,
            label: f.querySelector('svg').getAttribute('role') + ':' + !!f.querySelector('svg title')
                   + ':' + !!f.querySelector('svg desc'),
            text: f.querySelector('table.figures').innerText,
            shown: f.getBoundingClientRect().height > 40,
        })),
        decisions: document.querySelectorAll('#decisions figure.chart[id^="d-"]').length,
        cards: document.querySelectorAll('#answers .card').length,
        rows: document.querySelectorAll('#students tbody tr[id]').length,
    })""")
    assert facts["scroll"] <= facts["inner"]  # nothing wider than a phone
    assert len(facts["anchors"]) > 40 and facts["missing"] == []
    assert len(facts["files"]) == 31
    for url in facts["files"]:
        assert Path(urllib.request.url2pathname(urllib.parse.urlparse(url).path)).is_file(), url
    assert facts["decisions"] > 20 and len(facts["charts"]) == facts["decisions"] + 3
    for chart in facts["charts"]:
        assert chart["bars"] == chart["rows"] > 0 and chart["label"] == "img:true:true" and chart["shown"]
        assert re.search(r"\d+/\d+\s+\d+%", chart["text"])
    assert facts["rows"] == 30 and facts["cards"] > 300
    # open one student's report from the page
    first = page.locator("#students tbody tr[id] a").first
    name = page.locator("#students tbody tr[id] th").first.inner_text()
    first.click()
    page.wait_for_load_state("load")
    assert name in page.title() and "Reading report" in page.title() or "Informe de lectura" in page.title()
    page.close()


def test_the_sample_class_prints_to_a4_with_nothing_cut(browser, sample_page: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": round(A4_PRINTABLE_PX), "height": 1000})
    page.goto(sample_page.as_uri())
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    # The sample: ~1 page at a glance, ~12 of decision charts (45 charts, two a row), ~1.5 per
    # question of answers (17 questions, ~23 answers each, three a row), ~2 of students: 46 when
    # measured.
    assert 10 <= pages <= 55, pages
    page.emulate_media(media="print")
    widest = page.evaluate("""() => Math.max(...[...document.querySelectorAll('body *')]
        .map(e => e.getBoundingClientRect()).filter(r => r.width > 0).map(r => r.right))""")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert widest <= A4_PRINTABLE_PX + 1 and scroll <= round(A4_PRINTABLE_PX)
    assert page.evaluate("getComputedStyle(document.querySelector('nav')).display") == "none"
    page.close()
