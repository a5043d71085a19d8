"""The browser's report record is the terminal's: adventure/web/record.js against
adventure/classroom/record.py, under node.

The checksum of a record is the SHA-256 of canonical JSON; the JavaScript canonical form and
both of its SHA-256s (crypto.subtle, and the hand-written one a page served over plain http
falls back on) must equal Python's byte for byte, for every awkward value a record can hold.
Then the record of a game played the same way in both runtimes is the same record.
(tests/test_web_browser.py downloads one from the page and has the class page read it.)
"""

from __future__ import annotations

import datetime
import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from test_web_runtime import NODE

from adventure.classroom.record import checksum, record_value
from adventure.files.loader import load_story
from adventure.play.saves import SaveStore
from adventure.play.session import Session
from adventure.web.bundle import build_bundle

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "adventure" / "web" / "record.js"
RUNTIME = ROOT / "adventure" / "web" / "runtime.js"
pytestmark = pytest.mark.skipif(NODE is None, reason="needs node, or pip install playwright (which ships one)")

TRICKY: list[Any] = [
    {"b": 1, "a": 2, "B": 3, "": 4, "aa": 5, "a\u0000": 6},
    {"\ue000": "private use", "\U0001F600": "emoji key", "\uffff": "last of the BMP", "\u00e9": "é", "e\u0301": "e+accent"},
    "Ana Pérez «衡陽» — ¿qué? ¡sí! “quotes” ‘single’",
    "\"quoted\" back\\slash /slash",
    "\b\f\n\r\t",
    "".join(chr(c) for c in range(0x20)) + "\x7f\x80\x9f\u2028\u2029\u200b\ufeff",
    "👩‍🏫🇪🇸 \U0001F600 \U00010000 \U0010FFFF",
    [0, -1, 1, 2**31, -(2**31), 2**32 + 1, 2**53 - 1, -(2**53 - 1), 10**15],
    [2**53 + 1, 2**64 + 1, -(10**30)],
    {"nested": [{"y": None, "x": True, "z": False}, [], {}, [[[]]]], "empty": ""},
]


def _big(value: Any) -> Any:
    """Integers past 2**53 as {"$big": digits}: JSON.parse would round them (node makes a BigInt)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int) and abs(value) > 2**53 - 1:
        return {"$big": str(value)}
    if isinstance(value, list):
        return [_big(v) for v in value]
    if isinstance(value, dict):
        return {k: _big(v) for k, v in value.items()}
    return value


def node(script: str, data: Any, *modules: Path) -> Any:
    assert NODE is not None
    proc = subprocess.run([NODE, "-e", script, *map(str, modules)], input=json.dumps(data), capture_output=True,
                          text=True, encoding="utf-8", timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


CANONICAL = """
const rc = require(process.argv[1]);
const data = JSON.parse(require('fs').readFileSync(0, 'utf8'),
                        (k, v) => v && typeof v === 'object' && !Array.isArray(v) && '$big' in v ? BigInt(v.$big) : v);
(async () => {
  const out = [];
  for (const value of data) {
    const text = rc.canonical(value);
    out.push({text, hand: rc.sha256Hex(new TextEncoder().encode(text)), subtle: await rc.digest(text)});
  }
  const refused = [1.5, 1e21, NaN, Infinity, undefined, 'lone \\ud800 surrogate', '\\udc00'].map(v => {
    try { rc.canonical(v); return false; } catch (e) { return true; }
  });
  process.stdout.write(JSON.stringify({out, refused, well: rc.wellFormed('a\\ud800b\\udc00c\\ud83d\\ude00')}));
})();
"""


def test_canonical_json_and_sha256_are_pythons_byte_for_byte() -> None:
    result = node(CANONICAL, [_big(v) for v in TRICKY], RECORD)
    for value, got in zip(TRICKY, result["out"], strict=True):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        assert got["text"] == text
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        assert got["hand"] == digest and got["subtle"] == digest
    # JavaScript's default sort would put the emoji key before U+E000; Python's (by code point) does not.
    assert result["out"][1]["text"].index("\ue000") < result["out"][1]["text"].index("\U0001F600")
    assert result["refused"] == [True] * 7  # a float, a non-number and a lone surrogate are never written
    assert result["well"] == "a\ufffdb\ufffdc\U0001F600"


def test_the_hand_written_sha256_on_every_padding_length() -> None:
    """Lengths around the 64-byte block and its 56-byte padding limit, and a long text."""
    texts = ["", "abc", *("x" * n for n in range(50, 130)), "é" * 5000]
    script = ("const rc = require(process.argv[1]); const d = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "process.stdout.write(JSON.stringify(d.map(t => rc.sha256Hex(new TextEncoder().encode(t)))));")
    assert node(script, texts, RECORD) == [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]


RECORD_OF_A_GAME = """
const rt = require(process.argv[1]);
const rc = require(process.argv[2]);
const d = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const game = new rt.Game(d.bundle);
for (const op of d.ops) { if (op === '!u') game.undo(); else if (op === '!r') game.restart(); else game.choose(op); }
rc.recordJson(d.bundle, game, d.record, d.lang, 'test', new Date(d.now)).then(t => process.stdout.write(t));
"""


def test_the_record_of_a_game_is_the_terminals(tmp_path: Path) -> None:
    """A game with choices, undos and a restart: the same record from both runtimes (but
    the engine's name), and its checksum is the one record.py computes."""
    result = load_story()
    assert result.story is not None and result.catalog is not None
    story = result.story
    session = Session(story, result.catalog, lang="es", store=SaveStore(tmp_path))
    session.begin()
    ops: list[str] = []
    for typed in ["3", "1", "3", "undo", "2", "1", "restart", "1", "2", "undo", "undo", "2", "1"]:
        before = len(session.history)
        session.handle(typed)
        if typed == "restart" and len(session.history) == before:
            session.handle("yes")  # a restart may ask first
        if len(session.history) == before + 1:
            ops.append(session.trail[-1] or "!r")
        elif len(session.history) == before - 1:
            ops.append("!u")
    assert "!u" in ops and "!r" in ops and len(ops) >= 10
    record = session.record
    record.student = "Ana «Pérez» 👩‍🏫"
    record.answers = {q.id: {"text": "Porque \"dos semanas\"\n\tes una promesa ✓", "lang": "es",
                             "at": "2026-05-04T09:30:00+00:00", "chapter": q.chapter}
                      for q in story.classroom.questions[:2]}
    record.skipped = [story.classroom.questions[2].id]
    record.looked_up = list(story.classroom.terms)[:2]
    record.languages = ["es", "en"]
    record.seconds, record.sittings, record.started = 1234, 2, "2026-05-04T09:00:00+00:00"
    now = datetime.datetime(2026, 5, 4, 10, 11, 12, 345000, tzinfo=datetime.timezone.utc)
    python = record_value(session, now=now)
    web = {"answers": record.answers, "skipped": record.skipped, "looked_up": record.looked_up,
           "languages": record.languages, "seconds": record.seconds, "sittings": record.sittings,
           "started": record.started, "student": record.student}
    proc = subprocess.run([str(NODE), "-e", RECORD_OF_A_GAME, str(RUNTIME), str(RECORD)], capture_output=True,
                          input=json.dumps({"bundle": build_bundle(story, result.catalog), "ops": ops, "record": web,
                                            "lang": "es", "now": "2026-05-04T10:11:12.345Z"}),
                          text=True, encoding="utf-8", timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.endswith("}\n")
    js = json.loads(proc.stdout)
    assert js["checksum"] == checksum(js)  # what the class page computes when it reads the file
    assert js["sitting"]["written"] == python["sitting"]["written"] == "2026-05-04T10:11:12.345000+00:00"
    assert any(step.get("restarted") for step in js["path"]) and any(step["decision"] for step in js["path"])
    assert {**js, "engine": "", "checksum": ""} == {**python, "engine": "", "checksum": ""}


def test_a_record_with_a_lone_surrogate_is_refused_not_a_traceback(tmp_path: Path) -> None:
    """JSON may escape half of an emoji (JSON.stringify does, for a broken text): the class
    page skips such a file as damaged instead of failing on it."""
    from adventure.classpage.records import read_folders

    (tmp_path / "r.json").write_text('{"format": "hengyang-report", "version": 1, "student": "Ana \\ud800",'
                                     ' "checksum": "0"}', encoding="utf-8")
    assert [(s.reason, s.detail) for s in read_folders([tmp_path]).skipped] == [("ui.class.skip.damaged", "lone surrogate")]
