"""A minimal valid story, written to a temporary folder and edited per test.

    root = write_story(tmp_path, {"story/one.yaml": ("to: b", "to: nowhere")})
    diags = check_dir(root)
"""

from __future__ import annotations

from pathlib import Path

from adventure.core.diagnostics import Diagnostic
from adventure.files.loader import LoadResult, load_story
from adventure.tools.check import collect

MINI: dict[str, str] = {
    "story/story.yaml": """\
story:
  id: mini
  title: story.title
  start: a
  languages: [en, es]
  siege_start: "1944-06-22"
chapters: [one]
variables:
  n: 0
  f: false
endings: [done]
characters: [bob]
""",
    "story/one.yaml": """\
chapter: one
scenes:
  a:
    date: "1944-06-28"
    effects:
      - note: n1
    choices:
      go:
        to: b
        when: n == 0
        effects:
          - add: {n: 1}
      flag:
        to: b
        once: true
        effects:
          - set: {f: true}
  b:
    witness: bob
    choices:
      back:
        to: a
        when: f
      end: c
  c:
    ending: done
notes:
  n1:
    sources: [x.txt]
""",
    "locales/en/text.yaml": """\
story:
  title: Mini
chapters:
  one:
    title: Chapter one
characters:
  bob:
    name: Bob
scenes:
  a:
    title: Scene A
    text: |
      The first scene.

      @bob: Hello.
    choices:
      go: Go on.
      flag: Raise the flag.
  b:
    title: Scene B
    text: "You have {n} points."
    choices:
      back: Go back.
      end: Finish.
  c:
    title: Scene C
    text: The end of it.
notes:
  n1:
    title: Note one
    body: A note.
endings:
  done:
    title: Done
    text: All done.
""",
    "locales/es/text.yaml": """\
story:
  title: Mini
chapters:
  one:
    title: Capítulo uno
characters:
  bob:
    name: Bob
scenes:
  a:
    title: Escena A
    text: |
      La primera escena.

      @bob: Hola.
    choices:
      go: Seguir.
      flag: Izar la bandera.
  b:
    title: Escena B
    text: "Tienes {n} puntos."
    choices:
      back: Volver.
      end: Terminar.
  c:
    title: Escena C
    text: El final.
notes:
  n1:
    title: Nota uno
    body: Una nota.
endings:
  done:
    title: Hecho
    text: Todo hecho.
""",
}

# A frozen copy of the first prologue: engine, session and terminal tests play it, so they do
# not change when the shipped story is rewritten. Tests of the shipped story load story/.
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "prologue"
FIXTURE_ARGS = ["--story", str(FIXTURE / "story"), "--locales", str(FIXTURE / "locales")]


def load_fixture() -> LoadResult:
    return load_story(FIXTURE / "story", FIXTURE / "locales")



def write_story(root: Path, edits: dict[str, object] | None = None) -> Path:
    """Write MINI under ``root`` with edits: (old, new) or a list of them replaces every
    occurrence, str/bytes is the whole file, None deletes the file."""
    files: dict[str, object] = dict(MINI)
    for name, edit in (edits or {}).items():
        if edit is None:
            files.pop(name, None)
        elif isinstance(edit, (tuple, list)):
            pairs = [edit] if isinstance(edit, tuple) else edit
            for old, new in pairs:
                assert old in files[name], f"{old!r} not in {name}"  # type: ignore[operator]
                files[name] = files[name].replace(old, new)  # type: ignore[union-attr]
        else:
            files[name] = edit
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(str(content), encoding="utf-8")
    return root


def load_dir(root: Path) -> LoadResult:
    return load_story(root / "story", root / "locales")


def check_dir(root: Path) -> list[Diagnostic]:
    """What ``python play.py check`` reports for the story under ``root``."""
    return collect(load_dir(root), root / "locales", command="python play.py")
