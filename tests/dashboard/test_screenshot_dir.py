"""The browser tests leave the working tree clean unless asked for the docs' screenshots."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dashboard.browser import SCREENSHOTS, SCREENSHOTS_VARIABLE, screenshot_dir


def test_screenshots_go_to_the_docs_only_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(SCREENSHOTS_VARIABLE, raising=False)
    assert screenshot_dir(tmp_path) == tmp_path / "screenshots"
    monkeypatch.setenv(SCREENSHOTS_VARIABLE, "0")
    assert screenshot_dir(tmp_path) == tmp_path / "screenshots"
    monkeypatch.setenv(SCREENSHOTS_VARIABLE, "1")
    assert screenshot_dir(tmp_path) == SCREENSHOTS
    assert SCREENSHOTS.parts[-2:] == ("docs", "screenshots")
