"""Diagnostics in the writer's language (issue 12, point 5).

Each diagnostic names its message and fix by an id of the catalogue
``locales/<lang>/ui_diagnostics.yaml`` (see adventure/files/diagtext.py); ``check`` shows them in
the writer's language (``LC_ALL`` / ``LC_MESSAGES`` / ``LANG``), like its summary. The same
mistakes as tests/test_diagnostics.py, through the real command: the Spanish report has the same
codes at the same places, and no English left but the arguments (ids, paths, quoted values).
"""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pytest
from test_diagnostics import CASES, _break_things

from adventure.cli import main
from adventure.core.conditions import ConditionError, compile_condition
from adventure.core.diagnostics import Diagnostic, Phrase
from adventure.files.diagtext import diag, localise, render_phrase, texts
from storykit import check_dir, write_story

ROOT = Path(__file__).resolve().parent.parent
LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning) (?P<code>[EW]\d{3}): ")
#: Words of the English messages that Spanish never uses: one of them left in a Spanish message
#: (outside its arguments) is an English text that was not translated.
ENGLISH = {"the", "is", "are", "has", "have", "which", "should", "not", "add", "use", "with", "never", "cannot",
           "does", "write", "remove", "file", "text", "scene", "choice", "note", "ending", "chapter", "and",
           "of", "it", "an", "to", "in", "or", "be", "there", "only", "its", "from", "this", "here", "leads",
           "declared", "defined", "listed", "twice", "missing", "unknown", "empty", "reached", "unlocked"}


def _check(root: Path, lang: str) -> list[str]:
    out = io.StringIO()
    env = {"LANG": lang, "HENGYANG_NO_CACHE": "1", "PATH": ""}
    main(["check", "--story", str(root / "story"), "--locales", str(root / "locales")], env=env, stdout=out,
         stderr=io.StringIO())
    return [line for line in out.getvalue().splitlines() if LINE.match(line)]


def _place(line: str) -> tuple[str, ...]:
    m = LINE.match(line)
    assert m is not None
    return (m["path"], m["line"], m["col"], m["severity"], m["code"])


def _arguments(d: Diagnostic) -> list[str]:
    """The argument values of ``d`` as they appear in its texts (Phrases are texts to translate)."""
    return [str(v) for _, v in d.args if not isinstance(v, Phrase)] + \
        [str(v) for _, p in d.args if isinstance(p, Phrase) for _, v in p.args if not isinstance(v, Phrase)]


@pytest.mark.parametrize("code", sorted(CASES))
def test_spanish_check_reports_the_same_places_with_no_english_left(
        code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edits, _where, _line = CASES[code]
    root = write_story(tmp_path, edits)
    _break_things(code, monkeypatch)
    monkeypatch.chdir(root)
    english, spanish = _check(root, "en_US.UTF-8"), _check(root, "es_ES.UTF-8")
    assert english and [_place(s) for s in spanish] == [_place(e) for e in english]
    assert spanish != english
    for d in check_dir(root):
        es = localise(d, "es")
        assert es.key, f"{d.format()} has no id in the diagnostics catalogue"
        assert (es.message, es.fix) != (d.message, d.fix) and "[ui.diag." not in es.message + es.fix
        rest = es.message + " " + es.fix
        for value in sorted(_arguments(d), key=len, reverse=True):
            rest = rest.replace(value, " ")
        rest = re.sub(r"'[^']*'|\S*[/._:-]\S*|--\S+", " ", rest)  # quoted ids, paths, keys, options
        left = sorted(set(re.findall(r"[a-z]+", rest.lower())) & ENGLISH)
        assert not left, f"English left in {es.format()}: {left}"


def test_the_default_and_english_writer_get_the_english_texts(tmp_path: Path) -> None:
    root = write_story(tmp_path, CASES["E205"][0])
    assert _check(root, "C.UTF-8") == _check(root, "en_GB.UTF-8")
    assert "which is not a scene" in _check(root, "C.UTF-8")[0]
    assert "que no es una escena" in _check(root, "es_MX.UTF-8")[0]


def test_a_suggestion_follows_the_fix_in_the_writer_s_language() -> None:
    d = diag("E205", "story/a.yaml", 3, 9, "E205", choice="go", target="brigde", closest="bridge")
    assert d.fix == "use an existing scene id; did you mean 'bridge'?"
    assert localise(d, "es").fix == "usa el identificador de una escena que exista; ¿querías decir 'bridge'?"
    assert localise(diag("E205", "a", 1, 1, "E205", choice="go", target="x", closest=""), "es").fix.endswith("exista")


# -- every id the code uses has its texts --------------------------------------------------------

def _strings(node: ast.AST | None) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def _ids_in_code() -> tuple[set[str], set[str]]:
    """(message ids, phrase ids) named in the package's calls of diag, add, phrase and ConditionError."""
    messages: set[str] = set()
    phrases: set[str] = set()
    for path in sorted((ROOT / "adventure").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name == "syntax_fix":
                messages.update("E100." + s for r in ast.walk(node) if isinstance(r, ast.Return)
                               for s in _strings(r.value))
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "_OPENED" for t in node.targets):
                phrases.update(s for v in node.value.values for s in _strings(v))  # type: ignore[attr-defined]
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Tuple | ast.Name):
                names = node.targets[0].elts if isinstance(node.targets[0], ast.Tuple) else [node.targets[0]]
                values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
                messages.update(s for n, v in zip(names, values, strict=False) if getattr(n, "id", "") == "key"  # key = "E202.int"
                                for s in _strings(v) if re.match(r"[EW]\d{3}(\.|$)", s))
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name == "diag" and len(node.args) >= 5:
                messages.update(_strings(node.args[4]))
            elif name == "add":
                messages.update(s for a in node.args[1:4] for s in _strings(a) if re.match(r"[EW]\d{3}(\.|$)", s))
            elif name == "phrase" and node.args:
                phrases.update(_strings(node.args[0]))
            elif name == "ConditionError":
                messages.update("cond." + s for k in node.keywords if k.arg == "key" for s in _strings(k.value))
            elif name == "Diagnostic" and len(node.args) >= 7:
                messages.update(_strings(node.args[6]))
    from adventure.core import conditions

    messages.update("cond.char_" + s for s in {*conditions._HINT_IDS.values(), "other"})
    messages.update(f"cond.compare_{a}_{b}" for a in ("flag", "number") for b in ("flag", "number"))
    return messages, phrases


def test_every_message_id_in_the_code_has_its_texts_in_english_and_spanish() -> None:
    messages, phrases = _ids_in_code()
    assert len(messages) > 100 and len(phrases) > 40, (len(messages), len(phrases))  # the scan finds them
    for lang in ("en", "es"):
        table = texts(lang)
        missing = sorted(f"ui.diag.{m}.{part}" for m in messages for part in ("message", "fix")
                         if f"ui.diag.{m}.{part}" not in table)
        missing += sorted(f"ui.diag.{p}" for p in phrases | {"did_you_mean"} if f"ui.diag.{p}" not in table)
        assert not missing, f"locales/{lang}/ui_diagnostics.yaml lacks {missing}"


def test_no_text_of_the_catalogue_is_left_unused() -> None:
    messages, phrases = _ids_in_code()
    used = {f"ui.diag.{m}.{part}" for m in messages for part in ("message", "fix")}
    used |= {f"ui.diag.{p}" for p in phrases | {"did_you_mean"}}
    assert not sorted(set(texts("en")) - used)


# -- conditions: the core keeps its English, which must be the catalogue's ----------------------

BAD_CONDITIONS = ["f = true", "f & g", "f || g", "!f", "a.b", "a[1]", "visited('a', 'b')", "n + 1", "n ? 1",
                  "(f", "f)", "f g", "f == 1", "1 == f", "f < true", "- f", "and f", "print(1)", "visited",
                  "g", "'x' == n", "f and", "visited(a)", "visited('zz')", "n > 1234567890123456", "", "x" * 2001,
                  "(" * 70 + "f" + ")" * 70, "f == f", "n == n or 1 == 1"]


@pytest.mark.parametrize("source", BAD_CONDITIONS)
def test_a_condition_error_reads_the_same_from_the_catalogue(source: str) -> None:
    try:
        compile_condition(source, variables={"f": "flag", "n": "counter"}, scenes={"a", "b"})
    except ConditionError as exc:
        d = diag(exc.code, "x.yaml", 1, 1, "cond." + exc.key, condition=source, **exc.subs)
        assert d.message == f"condition '{source}': {exc.message}" and d.fix == exc.fix
        assert localise(d, "es").message.startswith(f"condición '{source}': ")
    else:
        assert source in ("f == f", "n == n or 1 == 1")  # both well formed


def test_a_phrase_renders_in_each_language() -> None:
    p = Phrase("what.choice", (("choice", "go"), ("scene", "a")))
    assert render_phrase(p, "en") == "choice 'go' of 'a'" and render_phrase(p, "es") == "la opción 'go' de 'a'"


def test_the_language_server_shows_the_writer_s_language_and_keeps_its_quick_fixes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from adventure.lsp import features

    d = diag("E205", "story/a.yaml", 2, 7, "E205", choice="go", target="brigde", closest="bridge")
    text = "a:\n  go: brigde\n"
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    shown = features.lsp_diagnostic(d, text)
    assert shown.message.startswith("la opción 'go' lleva a 'brigde'") and "¿querías decir 'bridge'?" in shown.message
    assert (shown.range.start.line, shown.range.start.character, shown.range.end.character) == (1, 6, 12)
    assert "did you mean 'bridge'" in features._english(shown)  # what the quick fix reads
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert features.lsp_diagnostic(d, text).message == f"{d.message} — {d.fix}"
