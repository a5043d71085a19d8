from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--long", action="store_true", help="run the long fuzz and soak versions")


@pytest.fixture
def long_mode(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--long"))


def _point_home_at(home: Path, mp: pytest.MonkeyPatch) -> None:
    mp.setenv("HENGYANG_SAVE_DIR", str(home / "saves"))
    mp.setenv("XDG_DATA_HOME", str(home / "data"))
    mp.setenv("XDG_CACHE_HOME", str(home / "cache"))
    # Tools run with env={} still find the user's folders through HOME: point it here too.
    mp.setenv("HOME", str(home))


@pytest.fixture(scope="session", autouse=True)
def _isolated_session_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Module- and session-scoped fixtures run before the per-test home below: they too must
    never write into the real user's save or cache folders."""
    with pytest.MonkeyPatch.context() as mp:
        _point_home_at(tmp_path_factory.mktemp("session-home"), mp)
        yield


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test writes into the real user's save or cache folders (each test has its own)."""
    home = tmp_path_factory.mktemp("home")
    _point_home_at(home, monkeypatch)
    monkeypatch.chdir(os.path.dirname(os.path.dirname(__file__)))
