"""The README's pictures are the ones `make screenshots` (docs/screenshots.py) refreshes."""

from __future__ import annotations

import importlib.util
import re
import struct
import sys
from pathlib import Path
from types import ModuleType

REPO_ROOT = Path(__file__).resolve().parents[2]


def screenshots_script() -> ModuleType:
    name = "docs_screenshots"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "docs/screenshots.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def png_width(path: Path) -> int:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    return int(struct.unpack(">I", header[16:20])[0])


def test_every_picture_the_readme_shows_is_one_the_script_takes() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    shown = set(re.findall(r"docs/([\w-]+\.png)", readme))
    taken = {shot.file for shot in screenshots_script().SHOTS}

    assert shown == taken
    for name in taken:
        assert (REPO_ROOT / "docs" / name).is_file(), name


def test_the_script_takes_desktop_and_375_px_phone_pictures() -> None:
    script = screenshots_script()
    widths = {shot.viewport["width"] for shot in script.SHOTS}

    assert widths == {script.DESKTOP["width"], 375}
    for shot in script.SHOTS:
        # Phones are taken at twice the pixel density, as a phone's screen shows them.
        scale = 2 if shot.viewport["width"] < 600 else 1
        assert png_width(REPO_ROOT / "docs" / shot.file) == shot.viewport["width"] * scale
