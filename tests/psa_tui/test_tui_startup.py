"""Start-up stays fast: the first screen comes before the form, and nothing slow is imported for it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from psa_tui.app import PsaConfigApp
from psa_tui.widgets.diagnostics import DiagnosticsPanel
from psa_tui.widgets.form import PresetForm
from psa_tui.widgets.pyramid import PyramidEditor
from psa_tui.widgets.tree import ConfigTree

SLOW = ("pydantic", "psa_config.model", "psa_config.edit", "markdown_it", "psa_kernels")

PROBE = """
import asyncio, sys
from psa_tui.app import PsaConfigApp

slow = {slow!r}
print(*sorted(name for name in slow if name in sys.modules), "|")

async def main():
    app = PsaConfigApp(sys.argv[1])
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.query("#psa-page") and app.query("#field-mask-mode")
        print(*sorted(name for name in slow if name in sys.modules))

asyncio.run(main())
"""


def test_neither_start_up_nor_the_form_imports_the_slow_modules(config_path: Path) -> None:
    """pydantic's model classes, the edit engine and the screens' libraries wait for first use."""
    code = PROBE.format(slow=SLOW)
    out = subprocess.run([sys.executable, "-c", code, str(config_path)], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["|"], out.stdout


async def test_the_form_is_built_after_the_first_screen(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=(120, 40)) as pilot:
        form = app.query_one(PresetForm)
        if not app._painted.is_set():  # the first frame has not been drawn yet
            assert not form.built and "loading the form" in str(form.query_one("#text-page").render())
            assert form.border_title == "Wan2.1_14b / psa_balanced (psa)"
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app._painted.is_set() and form.built and app.query(PyramidEditor)
        assert form.border_title == "Wan2.1_14b / psa_balanced (psa)"
        assert app.query_one(ConfigTree).root.children and app.query_one(DiagnosticsPanel).table.row_count
