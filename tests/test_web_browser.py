"""The browser edition in a real browser: Playwright for Python driving the system Chromium
(Debian's ``chromium``, passed as the executable; nothing is downloaded).

Each test opens the exported page from ``file://`` and fails if the page makes any request
that is not its own file, a download it made itself, or logs an error. The way through the
prologue is worked out by the Python engine, and each scene the page shows is checked
against it.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adventure.core.engine import available, new_game, step
from adventure.core.model import Story
from adventure.files.loader import load_story
from adventure.play.saves import SaveStore, decode
from adventure.web.export import MAX_BYTES, build_page

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (CI installs it)")
CHROMIUM = os.environ.get("HENGYANG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="apt-get install chromium (CI installs it)")


@pytest.fixture(scope="module")
def shipped() -> Any:
    result = load_story()
    assert result.ok and result.story is not None and result.catalog is not None
    return result


@pytest.fixture(scope="module")
def page_file(shipped: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("web") / "hengyang-1944-web.html"
    path.write_text(build_page(shipped.story, shipped.catalog, lang="en"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


class Watched:
    """A page with everything it requests and every error it logs."""

    def __init__(self, browser: Any, width: int = 1000) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 800}, accept_downloads=True)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, path: Path) -> Any:
        self.page.goto(path.as_uri())
        return self.page

    def check(self, path: Path) -> None:
        foreign = [u for u in self.requests if u != path.as_uri() and not u.startswith("blob:")]
        assert not foreign, f"the page made requests: {foreign}"
        assert not self.errors, f"the page logged errors: {self.errors}"


@pytest.fixture()
def watched(browser: Any, page_file: Path) -> Iterator[Watched]:
    w = Watched(browser)
    yield w
    w.check(page_file)
    w.context.close()


def first_chapter_end(story: Story) -> list[str]:
    """The shortest way (choice ids) from the start to the first scene of another chapter."""
    state, _ = new_game(story)
    todo = deque([(state, [])])
    seen = set()
    while todo:
        state, path = todo.popleft()
        if story.scenes[state.scene].chapter != story.scenes[story.start].chapter:
            return path
        for choice in available(story, state):
            new, _ = step(story, state, choice.id)
            key = (new.scene, tuple(sorted(new.vars.items())), new.taken, new.notes)
            if key not in seen:
                seen.add(key)
                todo.append((new, path + [choice.id]))
    raise AssertionError("no way out of the first chapter")


def title(shipped: Any, lang: str, scene: str) -> str:
    return re.sub(r"\[\[([^\]|]+)(\|[^\]]*)?\]\]", r"\1", shipped.catalog.get(lang, f"scenes.{scene}.title"))


def heading(page: Any) -> str:
    return page.locator("#scene-heading").inner_text().strip()


def play(page: Any, shipped: Any, lang: str, *, keys: bool) -> list[str]:
    """Play to the first chapter end, checking each scene's heading and that focus moved to it."""
    story = shipped.story
    state, _ = new_game(story)
    page.click("#begin")
    for choice_id in first_chapter_end(story):
        assert heading(page) == title(shipped, lang, state.scene)
        assert page.evaluate("document.activeElement.id") == "scene-heading"
        ids = [c.id for c in available(story, state)]
        assert page.locator(".choices button").evaluate_all("bs => bs.map(b => b.dataset.choice)") == ids
        if keys:
            page.keyboard.press(str(ids.index(choice_id) + 1))
        else:
            page.click(f'.choices button[data-choice="{choice_id}"]')
        state, _ = step(story, state, choice_id)
    assert heading(page) == title(shipped, lang, state.scene)
    assert story.scenes[state.scene].chapter != "prologue"
    return [state.scene]


# -- playing -------------------------------------------------------------------------------

def test_the_prologue_by_clicks_in_english(watched: Watched, page_file: Path, shipped: Any) -> None:
    page = watched.open(page_file)
    assert page.locator("html").get_attribute("lang") == "en"
    end = play(page, shipped, "en", keys=False)
    sync_api.expect(page.locator("#live")).to_contain_text(title(shipped, "en", end[0]))  # for screen readers
    bar = page.locator("#bar").inner_text()
    assert "notes " in bar and "/33" in bar


def test_the_prologue_by_keys_in_spanish(watched: Watched, page_file: Path, shipped: Any) -> None:
    page = watched.open(page_file)
    page.click('button[data-lang="es"]')
    assert page.locator("#begin").inner_text() == "Empezar la historia"
    play(page, shipped, "es", keys=True)
    assert page.locator("html").get_attribute("lang") == "es"
    assert "notas " in page.locator("#bar").inner_text()


def test_language_switch_mid_scene_undo_and_reload(watched: Watched, page_file: Path, shipped: Any) -> None:
    story = shipped.story
    page = watched.open(page_file)
    page.click("#begin")
    path = first_chapter_end(story)
    page.click(f'.choices button[data-choice="{path[0]}"]')
    page.click(f'.choices button[data-choice="{path[1]}"]')
    state, _ = new_game(story)
    before, _ = step(story, state, path[0])
    here, _ = step(story, before, path[1])
    page.click('button[data-tool="settings"]')
    page.select_option("#lang", "es")
    page.click("#back")
    assert heading(page) == title(shipped, "es", here.scene)
    labels = page.locator(".choices button .label").all_inner_texts()
    assert labels[0] == shipped.catalog.get("es", f"scenes.{here.scene}.choices.{available(story, here)[0].id}")
    page.click('button[data-tool="undo"]')
    assert heading(page) == title(shipped, "es", before.scene)
    assert "Un paso atrás" in page.locator(".message").first.inner_text()
    page.reload()
    page.click("#continue")
    assert heading(page) == title(shipped, "es", before.scene)
    page.click('button[data-tool="undo"]')  # the undo history survives the reload too
    assert heading(page) == title(shipped, "es", story.start)


def test_bilingual_reading_and_the_glossary(watched: Watched, page_file: Path, shipped: Any) -> None:
    page = watched.open(page_file)
    page.click("#begin")
    page.click('button[data-tool="settings"]')
    page.select_option("#second", "es")
    page.click("#back")
    assert page.locator('p.second[lang="es"]').count() >= 2
    assert page.locator('.choices .label-second[lang="es"]').count() == page.locator(".choices button").count()
    page.click('.choices button[data-choice="headquarters"]')
    term = page.locator('.term[lang="en"]').first
    term.focus()
    tip = page.locator("#tip")
    assert tip.is_visible()
    word = term.get_attribute("data-term")
    assert shipped.catalog.get("en", f"glossary.{word}.term") in tip.inner_text()
    assert term.get_attribute("aria-describedby") == "tip"
    page.keyboard.press("Escape")
    assert not tip.is_visible()
    size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.click('button[data-tool="settings"]')
    page.click("#larger")
    page.click("#larger")
    page.click("#wide")
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") == size + 4
    page.click("#back")
    assert page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth") == f"{48 * (size + 4):g}px"


# -- classroom and the report ---------------------------------------------------------------

def test_a_reflection_question_then_the_report_is_the_terminals(watched: Watched, page_file: Path, shipped: Any,
                                                                tmp_path: Path) -> None:
    story = shipped.story
    page = watched.open(page_file)
    page.click("#begin")
    page.click('button[data-tool="settings"]')
    page.check("#classroom")
    page.click("#back")
    path = first_chapter_end(story)
    for choice_id in path:
        page.click(f'.choices button[data-choice="{choice_id}"]')
    questions = [q.id for q in story.classroom.for_chapter("prologue")]
    assert page.locator("#q-heading").is_visible()
    assert page.evaluate("document.activeElement.id") == "q-heading"
    page.click("#answer-keep")  # empty: asked to write something
    assert "Write an answer" in page.locator("[role=status]").first.inner_text()
    page.fill("#answer", "Because two weeks <b>is</b> a promise.\nSecond line.")
    page.click("#answer-keep")
    for _ in questions[1:]:
        page.click("#answer-skip")
    state, _ = new_game(story)
    for choice_id in path:
        state, _ = step(story, state, choice_id)
    assert heading(page) == title(shipped, "en", state.scene)
    page.reload()  # the answers are kept with the game
    page.click("#continue")
    page.click('button[data-tool="report"]')
    page.fill("#student", "Ana <Pérez>")
    downloads = {}
    for kind in ("md", "html", "json"):
        with page.expect_download() as info:
            page.click(f"#report-{kind}")
        downloads[kind] = (info.value.suggested_filename, Path(info.value.path()).read_text(encoding="utf-8"))
    name, md = downloads["md"]
    assert re.fullmatch(r"Ana-Pérez_\d{4}-\d\d-\d\d\.md", name)
    assert "> Because two weeks \\<b\\>is\\</b\\> a promise." in md and "> Second line." in md
    assert "&lt;b&gt;is&lt;/b&gt;" in downloads["html"][1] and "<b>is" not in downloads["html"][1]
    # The data version is the class page's record: a teacher's `play.py class` reads it.
    name, text = downloads["json"]
    assert re.fullmatch(r"Ana-Pérez_\d{4}-\d\d-\d\d\.json", name)
    folder = tmp_path / "handed-in"
    folder.mkdir()
    (folder / name).write_text(text, encoding="utf-8")
    from adventure.classpage.records import read_folders, read_record
    from adventure.cli import main

    report = read_record(folder / name)  # raises Refused for a foreign, invalid or edited file
    assert report.student == "Ana <Pérez>" and report.story_hash == story.hash and report.scene == state.scene
    assert report.answers[questions[0]].text.startswith("Because two weeks <b>is</b> a promise.\nSecond line.")
    assert report.skipped_questions == tuple(questions[1:]) and report.finished == ("prologue",)
    assert [s.choice for s in report.path][:-1] == path and report.path[-1].choice is None
    assert read_folders([folder]).skipped == []
    stdout = io.StringIO()
    assert main(["class", str(folder), "-o", "-", "--format", "md"], stdout=stdout, stderr=io.StringIO()) == 0
    assert "| Ana \\<Pérez\\> | 1/6 |" in stdout.getvalue()  # the student's row in the class table
    edited = json.loads(text)
    edited["seconds"] += 60  # a record edited by hand is refused
    (folder / name).write_text(json.dumps(edited, ensure_ascii=False), encoding="utf-8")
    assert [s.reason for s in read_folders([folder]).skipped] == ["ui.class.skip.edited"]
    # The same game as a save file, opened by the terminal's session: the same report.
    page.click('button[data-tool="saves"]')
    with page.expect_download() as info:
        page.click("#download-save")
    save = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    loaded = decode(story, save)
    assert loaded.state == state and len(loaded.history) == len(path)
    from adventure.classroom.report import report_data, to_html, to_markdown
    from adventure.play.session import Session

    store = SaveStore(tmp_path / "saves")
    (tmp_path / "saves").mkdir()
    store.path("web").write_text(json.dumps(save), encoding="utf-8")
    session = Session(story, shipped.catalog, lang="en", store=store)
    session.begin(resume="web")
    import datetime

    python_md = to_markdown(report_data(session.report_input(), datetime.datetime.now().astimezone()))
    python_html = to_html(report_data(session.report_input(), datetime.datetime.now().astimezone()))
    same = re.compile(r"^- \*\*(Written|Time spent reading):\*\* .*$|<dt>(Written|Time spent reading)</dt><dd>.*?</dd>", re.M)
    assert same.sub("", md) == same.sub("", python_md)
    assert same.sub("", downloads["html"][1]) == same.sub("", python_html)


def test_saves_in_slots_and_from_a_file(watched: Watched, page_file: Path, shipped: Any, tmp_path: Path) -> None:
    story = shipped.story
    page = watched.open(page_file)
    page.click("#begin")
    page.click('.choices button[data-choice="headquarters"]')
    page.click('button[data-tool="saves"]')
    page.fill("#slot", "../bad name")
    page.click("#save-slot")
    assert "cannot be a save name" in page.locator("[role=status]").first.inner_text()
    page.fill("#slot", "chapter1")
    page.click("#save-slot")
    with page.expect_download() as info:
        page.click("#download-save")
    saved = Path(info.value.path()).read_text(encoding="utf-8")
    page.click("#back")
    page.click('button[data-tool="restart"]')
    assert heading(page) == title(shipped, "en", story.start)
    page.click('button[data-tool="saves"]')
    page.click('button[data-load="chapter1"]')
    after, _ = step(story, new_game(story)[0], "headquarters")
    assert heading(page) == title(shipped, "en", after.scene)
    page.click('button[data-tool="restart"]')
    page.click('button[data-tool="saves"]')
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "hengyang-save", "version": 1, "story": {"id": "other"}}', encoding="utf-8")
    page.set_input_files("#upload", str(bad))  # read asynchronously: wait for the answer
    sync_api.expect(page.locator("[role=status]").first).to_contain_text("could not be read")
    good = tmp_path / "good.json"
    good.write_text(saved, encoding="utf-8")
    page.set_input_files("#upload", str(good))
    sync_api.expect(page.locator("#scene-heading")).to_have_text(title(shipped, "en", after.scene))


def test_a_save_whose_scene_is_gone_continues_from_its_chapter(watched: Watched, page_file: Path, shipped: Any,
                                                               tmp_path: Path) -> None:
    """As the terminal does (adventure/play/saves.py): the start of the save's chapter, and
    the terminal's message (ui.load_scene_moved) saying why."""
    story = shipped.story
    chapter = story.chapters[1]
    state, _ = new_game(story)
    save = {"format": "hengyang-save", "version": 1, "story": {"id": story.id, "hash": "0" * 16}, "language": "en",
            "saved_at": "2026-05-04T09:30:00Z", "history": [], "extra": {},
            "state": {"scene": "scene_cut_in_revision", "chapter": chapter.id, "vars": dict(state.vars),
                      "visits": {story.start: 1}, "notes": [], "taken": [], "ending": None, "turn": 3}}
    old = tmp_path / "old.json"
    old.write_text(json.dumps(save), encoding="utf-8")
    page = watched.open(page_file)
    page.click("#begin")
    page.click('button[data-tool="saves"]')
    page.set_input_files("#upload", str(old))  # read asynchronously: wait for the scene
    sync_api.expect(page.locator("#scene-heading")).to_have_text(title(shipped, "en", chapter.start))
    said = shipped.catalog.get("en", "ui.load_scene_moved").replace("{scene}", "scene_cut_in_revision")
    assert said in page.locator(".message").first.inner_text()
    assert "old.json" in page.locator(".message").first.inner_text()  # and that it was loaded


# -- the file --------------------------------------------------------------------------------

def test_the_file_is_small_self_contained_and_locked_down(page_file: Path, browser: Any) -> None:
    text = page_file.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) <= MAX_BYTES
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', text)
    assert csp and "default-src 'none'" in csp.group(1) and "unsafe" not in csp.group(1)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)
    assert text.count("<script") == 2  # the data (not run) and the one hashed script
    # The policy is enforced: a script or a request added later does not run or leave.
    w = Watched(browser)
    try:
        page = w.open(page_file)
        with page.expect_event("requestfailed") as failed:
            page.evaluate("""() => { window.ran = false; const s = document.createElement('script');
                s.textContent = 'window.ran = true'; document.body.appendChild(s);
                const i = document.createElement('img'); i.src = 'https://example.org/x.png';
                document.body.appendChild(i); }""")
        assert page.evaluate("window.ran") is False
        assert [u for u in w.requests if u.startswith("http")] == ["https://example.org/x.png"]
        assert failed.value.url == "https://example.org/x.png" and "csp" in (failed.value.failure or "").lower()
        assert any("Content Security Policy" in e for e in w.errors)
    finally:
        w.context.close()


def test_story_text_is_never_markup(browser: Any, tmp_path: Path) -> None:
    from storykit import load_dir, write_story

    evil = '<img src=x onerror="document.title=1">&amp;'
    root = write_story(tmp_path, {"locales/en/text.yaml": [("The first scene.", evil + " The first scene."),
                                                           ("title: Scene A", "title: '</script><b>Scene</b> A'"),
                                                           ("go: Go on.", "go: '<i>Go</i> on.'")]})
    result = load_dir(root)
    assert result.ok and result.story is not None and result.catalog is not None
    page_path = tmp_path / "evil.html"
    page_path.write_text(build_page(result.story, result.catalog, lang="en"), encoding="utf-8")
    w = Watched(browser)
    try:
        page = w.open(page_path)
        page.click("#begin")
        assert page.locator("main img, main b, main i").count() == 0
        assert evil in page.locator("main").inner_text()
        assert heading(page) == "</script><b>Scene</b> A"
        assert "<i>Go</i> on." in page.locator(".choices").inner_text()
        assert page.title() != "1"
        w.check(page_path)
    finally:
        w.context.close()


def test_a_speakers_separator_is_the_languages(browser: Any, tmp_path: Path) -> None:
    """French sets a no-break space before the colon (ui.speaker_separator), English does not;
    in bilingual reading each paragraph keeps its own language's."""
    tri = Path(__file__).parent / "fixtures" / "trilingual"
    result = load_story(tri / "story", tri / "locales")
    assert result.ok and result.story is not None and result.catalog is not None
    page_path = tmp_path / "fr.html"
    page_path.write_text(build_page(result.story, result.catalog, lang="fr", second="en"), encoding="utf-8")
    w = Watched(browser)
    try:
        page = w.open(page_path)
        page.click("#begin")
        speakers = page.locator(".speaker").all_text_contents()
        assert speakers == ["Le passeur\u00a0: ", "The ferryman: "]
        assert page.locator("p.p-speech").first.inner_text().startswith("Le passeur\u00a0: Une pièce")
        w.check(page_path)
    finally:
        w.context.close()


@pytest.mark.parametrize("scheme,motion", [("dark", "reduce"), ("light", "no-preference")])
def test_colour_scheme_and_motion_follow_the_system(browser: Any, page_file: Path, scheme: str, motion: str) -> None:
    context = browser.new_context(color_scheme=scheme, reduced_motion=motion)
    try:
        page = context.new_page()
        page.goto(page_file.as_uri())
        page.click("#begin")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert (background == "rgb(22, 22, 21)") == (scheme == "dark")
        animation = page.evaluate("getComputedStyle(document.querySelector('article')).animationName")
        assert animation == ("none" if motion == "reduce" else "fade")
    finally:
        context.close()


def test_it_fits_a_320_pixel_screen_and_prints_the_scene(browser: Any, page_file: Path) -> None:
    w = Watched(browser, width=320)
    try:
        page = w.open(page_file)
        page.click("#begin")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        page.emulate_media(media="print")
        assert not page.locator("#tools").is_visible() and not page.locator("#bar").is_visible()
        assert page.locator("#scene-heading").is_visible() and page.locator(".choices").is_visible()
        w.check(page_file)
    finally:
        w.context.close()
