from __future__ import annotations

import os

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--long", action="store_true", help="run the long fuzz and soak versions")


@pytest.fixture
def long_mode(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--long"))


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test writes into the real user's save or cache folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HENGYANG_SAVE_DIR", str(home / "saves"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    # Tools run with env={} still find the user's folders through HOME: point it here too.
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(os.path.dirname(os.path.dirname(__file__)))
