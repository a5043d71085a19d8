"""Issue 10, points 1 and 2: the game installs as a player installs it, and plays from anywhere.

The wheel is built from a copy of the project's files (nothing is written into the checkout),
installed into a new virtual environment, and run from an unrelated folder. The environment
sees the test environment's libraries (so no network is needed) but not the checkout: each run checks that the game it plays is the installed copy, reading the story
from inside the installed package. An editable install, by contrast, reads the checkout's
story files, so a writer's edits show at once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ("story", "locales", "schema")  # top-level folders that travel in the package as adventure/data/


def _run(args: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(args, capture_output=True, text=True, timeout=300, **kw)  # type: ignore[call-overload]
    assert proc.returncode == 0, f"{args}: exit {proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    return proc


def _source_copy(dest: Path) -> Path:
    """The files a source distribution holds, copied: the checkout stays untouched by the build."""
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, dest / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("adventure", *DATA):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    return dest


def _venv(path: Path) -> Path:
    """A new virtual environment that sees the libraries of the environment running the tests
    (its site-packages come after the new one's own, so what is installed into the new one
    wins); its python. ``--system-site-packages`` would show the base interpreter's instead,
    which in CI (itself a virtual environment) has none of them."""
    import sysconfig

    _run([sys.executable, "-m", "venv", "--without-pip", str(path)])
    python = path / "bin" / "python"
    [site] = (path / "lib").glob("python3*/site-packages")
    paths = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    # A path listed in a .pth file is added as it is: the .pth files there (an editable install
    # of the checkout among them) are not run, so the checkout stays out of reach.
    (site / "_tests_parent_libraries.pth").write_text("".join(f"{p}\n" for p in paths), encoding="utf-8")
    return python


def _pip_into(python: Path, *args: str) -> None:
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
          "--no-build-isolation", "--disable-pip-version-check", "-q", *args])


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "LC_", "LANG", "HENGYANG_"))}
    env.update({"HOME": str(home), "HENGYANG_SAVE_DIR": str(home / "saves"), "HENGYANG_NO_CACHE": "1",
                "LANG": "en_US.UTF-8", "PYTHONNOUSERSITE": "1"})
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = _source_copy(tmp_path_factory.mktemp("src"))
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
          "--disable-pip-version-check", "-q", "-w", str(out), str(src)], cwd=str(src))
    [built] = out.glob("hengyang1944-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The prefix of a new virtual environment with the wheel installed."""
    prefix = tmp_path_factory.mktemp("venv") / "env"
    _pip_into(_venv(prefix), str(wheel))
    return prefix


def test_the_wheel_holds_the_code_and_every_story_locale_and_schema_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    code = {p.relative_to(ROOT).as_posix() for p in (ROOT / "adventure").rglob("*")  # modules and their files
            if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")}
    data = {"adventure/data/" + p.relative_to(ROOT).as_posix() for name in DATA for p in (ROOT / name).rglob("*")
            if p.is_file() and not p.name.startswith(".")}
    assert len(data) > 20 and "adventure/data/locales/es/review.lock" in data
    meta = {n for n in names if ".dist-info/" in n}
    assert names - meta == code | data, (sorted((code | data) - names), sorted(names - meta - code - data))
    entry_points = next(n for n in meta if n.endswith("entry_points.txt"))
    assert "hengyang = adventure.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_the_installed_game_plays_the_prologue_from_another_folder(installed: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    hengyang = installed / "bin" / "hengyang"
    proc = _run([str(hengyang), "--lang", "en"], input="1\n", cwd=str(elsewhere), env=_env(tmp_path))
    assert "Prologue: The order" in proc.stdout and "The news from the north" in proc.stdout
    assert "  1. Run to division headquarters." in proc.stdout and "> 1\n" in proc.stdout
    assert proc.stderr == "" and "Traceback" not in proc.stdout
    assert (tmp_path / "saves" / "autosave.json").is_file(), "the step was saved"


def test_the_installed_copy_reads_nothing_from_the_checkout(installed: Path, tmp_path: Path) -> None:
    probe = ("import importlib.resources, adventure, adventure.files.loader as l;"
             "print(adventure.__file__); print(l.default_story_dir()); print(l.default_locales_dir());"
             "print(importlib.resources.files('adventure') / 'data' == l.data_root())")
    proc = _run([str(installed / "bin" / "python"), "-c", probe], cwd=str(tmp_path), env=_env(tmp_path))
    package, story, locales, same = proc.stdout.split("\n")[:4]
    venv = str(installed.resolve())
    assert package.startswith(venv) and story.startswith(venv) and locales.startswith(venv), proc.stdout
    assert Path(story).parts[-3:] == ("adventure", "data", "story") and same == "True"
    assert not package.startswith(str(ROOT))


def test_the_installed_command_checks_names_itself_and_knows_its_version(installed: Path, tmp_path: Path) -> None:
    bin_dir = installed / "bin"
    on_path = _env(tmp_path, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    check = _run(["hengyang", "check"], cwd=str(tmp_path), env=on_path)
    here = _run([sys.executable, str(ROOT / "play.py"), "check"], cwd=str(ROOT), env=_env(tmp_path))
    assert check.stdout.startswith("OK hengyang-1944: ") and check.stdout == here.stdout, check.stdout
    broken = subprocess.run(["hengyang", "--story", str(tmp_path / "nowhere")], input="", capture_output=True,
                            text=True, cwd=str(tmp_path), env=on_path, timeout=60)
    # The command as typed, with the folder given, so the advice checks the story that failed.
    assert broken.returncode == 1 and f"Run: hengyang --story {tmp_path / 'nowhere'} check" in broken.stderr, \
        broken.stderr
    assert "play.py" not in broken.stderr + broken.stdout
    version = _run(["hengyang", "--version"], cwd=str(tmp_path), env=on_path).stdout.strip()
    from adventure import __version__

    assert version == f"hengyang {__version__}"
    # Not on PATH: the messages name the command as it must be typed.
    broken = subprocess.run([str(bin_dir / "hengyang"), "--story", "nowhere"], input="", capture_output=True,
                            text=True, cwd=str(tmp_path), env=_env(tmp_path), timeout=60)
    assert f"Run: {bin_dir / 'hengyang'} --story nowhere check" in broken.stderr, broken.stderr


def test_the_checkout_commands_name_themselves(tmp_path: Path) -> None:
    for args, named in (([sys.executable, "play.py"], f"python play.py --story {tmp_path / 'nowhere'} check"),
                        ([sys.executable, "-m", "adventure"], f"python -m adventure --story {tmp_path / 'nowhere'} check")):
        proc = subprocess.run([*args, "--story", str(tmp_path / "nowhere")], input="", capture_output=True, text=True,
                              cwd=str(ROOT), env=_env(tmp_path), timeout=60)
        python = Path(sys.executable).name
        assert proc.returncode == 1 and f"Run: {named.replace('python', python, 1)}" in proc.stderr, proc.stderr


def test_an_editable_install_reads_the_checkout_s_files(tmp_path: Path) -> None:
    (tmp_path / "checkout").mkdir()
    checkout = _source_copy(tmp_path / "checkout")
    python = _venv(tmp_path / "env")
    _pip_into(python, "-e", str(checkout))
    probe = "import adventure.files.loader as l; print(l.default_story_dir())"
    proc = _run([str(python), "-c", probe], cwd=str(tmp_path), env=_env(tmp_path))
    assert Path(proc.stdout.strip()) == (checkout / "story").resolve()
    # A writer's edit shows at once: change a title in the checkout, and the installed command
    # plays it without reinstalling.
    en = checkout / "locales" / "en" / "prologue.yaml"
    en.write_text(en.read_text(encoding="utf-8").replace("The news from the north", "The news, edited"),
                  encoding="utf-8")
    played = _run([str(tmp_path / "env" / "bin" / "hengyang"), "--lang", "en"], input="", cwd=str(tmp_path),
                  env=_env(tmp_path))
    assert "The news, edited" in played.stdout
