"""Pilot tests of every action that changes the text: each goes through the edit engine."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Input, Select, Switch

import psa_config
from psa_config.diagnostics import Diagnostic, Severity
from psa_tui.app import PsaConfigApp
from psa_tui.widgets.tree import ConfigTree, Target
from tui_pilot_helpers import changed_lines, select, settle

TOPK = Target("Wan2.1_1.3b", "psa_topk")


async def type_into(app: PsaConfigApp, pilot, widget_id: str, text: str) -> None:  # type: ignore[no-untyped-def]
    widget = app.query_one(f"#{widget_id}", Input)
    widget.focus()
    await pilot.pause()
    widget.value = ""
    await pilot.press(*text, "enter")
    await settle(app, pilot)


async def test_number_field_edit_changes_one_line_and_undo_redo(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(app, pilot, TOPK)
        original = app.session.text
        await type_into(app, pilot, "field-warmup-steps", "7")
        assert app.session.dirty
        diff = changed_lines(original, app.session.text)
        assert len(diff) == 1 and diff[0][1].strip() == "warmup_steps: 7"
        assert psa_config.load_text(app.session.text).preset(*TOPK.__dict__.values()).warmup_steps == 7
        assert app.sub_title.startswith("* ")
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert app.session.text == original and not app.session.dirty
        assert app.query_one("#field-warmup-steps", Input).value == "15"
        await pilot.press("ctrl+y")
        await settle(app, pilot)
        assert app.query_one("#field-warmup-steps", Input).value == "7"


async def test_mask_ratio_edit_keeps_number_style(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(app, pilot, TOPK)
        original = app.session.text
        await type_into(app, pilot, "mr-4-start", "0.3")
        diff = changed_lines(original, app.session.text)
        assert len(diff) == 1
        old, new = diff[0]
        assert old.strip() == "0: [0.25, 1.00]" and new.strip() == "0: [0.30, 1.00]"
        errors = [d for d in app.session.diagnostics if d.is_error and d.preset == "psa_topk"]
        assert errors and errors[0].field is not None and errors[0].field.startswith("mask_ratios")


async def test_switch_and_select_edit(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(app, pilot, TOPK)
        original = app.session.text
        switch = app.query_one("#field-verbose", Switch)
        switch.focus()
        await pilot.press("space")
        await settle(app, pilot)
        assert [new.strip() for _, new in changed_lines(original, app.session.text)] == ["verbose: false"]
        app.query_one("#field-mask-mode", Select).value = "thresholdbound"
        await settle(app, pilot)
        preset = psa_config.load_text(app.session.text).preset("Wan2.1_1.3b", "psa_topk")
        assert preset.mask_mode == "thresholdbound" and preset.verbose is False
        assert len(changed_lines(original, app.session.text)) == 2


async def test_new_preset_from_the_tree(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(app, pilot, TOPK)
        app.query_one(ConfigTree).focus()
        await pilot.press("n")
        await pilot.pause()
        assert type(app.screen).__name__ == "NamePrompt"
        await pilot.press(*"psa_topk", "enter")  # taken: refused, the prompt stays
        await pilot.pause()
        assert type(app.screen).__name__ == "NamePrompt"
        await pilot.press("ctrl+u", *"fresh", "enter")
        await settle(app, pilot)
        assert "fresh" in app.session.presets("Wan2.1_1.3b")
        assert app.target == Target("Wan2.1_1.3b", "fresh")


async def test_duplicate_rename_default_delete(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(app, pilot, TOPK)
        tree = app.query_one(ConfigTree)
        tree.focus()
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("enter")  # the suggested name
        await settle(app, pilot)
        model = "Wan2.1_1.3b"
        assert app.session.presets(model)[-1] == "psa_topk_copy"
        assert app.session.preset(model, "psa_topk_copy") == app.session.preset(model, "psa_topk")

        tree.focus()
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("ctrl+u", *"psa_fast", "enter")
        await settle(app, pilot)
        assert "psa_fast" in app.session.presets(model) and "psa_topk_copy" not in app.session.presets(model)

        tree.focus()
        await pilot.press("d")
        await settle(app, pilot)
        assert app.session.default_preset(model) == "psa_fast"

        await select(app, pilot, Target(model, "psa_topk"))
        tree.focus()
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("n")  # keep it
        await settle(app, pilot)
        assert "psa_topk" in app.session.presets(model)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert "psa_topk" not in app.session.presets(model)
        assert psa_config.check_text(app.session.text) is not None


async def test_engine_refusal_is_a_notification(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await select(app, pilot, Target("Wan2.1_1.3b", "psa_balanced"))
        app.query_one(ConfigTree).focus()
        await pilot.press("x", "y")  # the default preset cannot be deleted
        await settle(app, pilot)
        assert "psa_balanced" in app.session.presets("Wan2.1_1.3b")
        assert any(n.title == "Edit refused" for n in app._notifications)


async def save_dialog_after_typing(app: PsaConfigApp, pilot, field: str, value: str):  # type: ignore[no-untyped-def]
    """Type ``value`` into psa_topk's ``field`` and press ctrl+s: the save dialog."""
    await select(app, pilot, TOPK)
    await type_into(app, pilot, field, value)
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert type(app.screen).__name__ == "DiffScreen"
    return app.screen


async def test_save_shows_diff_then_writes(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await save_dialog_after_typing(app, pilot, "field-warmup-steps", "9")
        assert "+      warmup_steps: 9" in screen.diff
        await pilot.press("y")
        await settle(app, pilot)
        assert config_path.read_text() == app.session.text and not app.session.dirty
        assert psa_config.load(config_path).preset("Wan2.1_1.3b", "psa_topk").warmup_steps == 9


async def test_save_lists_the_warnings_the_edits_add_and_saves_without_force(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await save_dialog_after_typing(app, pilot, "field-warmup-steps", "60")
        assert [d.code for d in screen.new_warnings] == ["PSA409"]
        assert screen.summary() == "Save these changes? 1 line changed; it adds 1 warning(s)"
        await pilot.press("y")
        await settle(app, pilot)
        assert config_path.read_text() == app.session.text and not app.session.dirty


async def test_save_with_new_errors_needs_force(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    before = config_path.read_text()
    async with app.run_test(size=(120, 40)) as pilot:
        await select(app, pilot, TOPK)
        await type_into(app, pilot, "mr-0-start", "0.02")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")  # plain save is refused in the dialog
        await pilot.pause()
        assert type(app.screen).__name__ == "DiffScreen"
        assert config_path.read_text() == before
        await pilot.click("#force")
        await settle(app, pilot)
        assert config_path.read_text() == app.session.text != before


async def test_save_refused_when_file_changed_on_disk(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await select(app, pilot, TOPK)
        await type_into(app, pilot, "field-warmup-steps", "9")
        config_path.write_text(config_path.read_text() + "# someone else\n")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert config_path.read_text().endswith("# someone else\n")
        assert any(n.title == "Not saved" for n in app._notifications) and app.session.dirty


ANCHORED = """\
M:
  default_attention: a
  video_scale: {width_divisor: 16, height_divisor: 16, depth_divisor: 4}
  text_length: 0
  attention_configs:
    a:
      type: psa
      use_sim_mask: false
      block_size: &bs
        m: 128
        n: 128
        tile_n: 32
      mask_ratios: {1: [0.0, 0.1], 2: [0.1, 0.2], 4: [0.2, 0.3], 8: [0.3, 0.4], 0: [0.4, 1.0]}
      mask_mode: topk
      attn_impl: new_mask_type
    b:
      type: psa
      use_sim_mask: false
      block_size: *bs
      mask_ratios: {1: [0.0, 0.1], 2: [0.1, 0.2], 4: [0.2, 0.3], 8: [0.3, 0.4], 0: [0.4, 1.0]}
      mask_mode: topk
      attn_impl: new_mask_type
"""


async def test_shared_value_asks_before_editing_the_anchor(tmp_path: Path) -> None:
    path = tmp_path / "anchored.yaml"
    path.write_text(ANCHORED)
    app = PsaConfigApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(app, pilot, Target("M", "b"))
        app.query_one("#field-block-size-n", Select).value = 64
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("y")
        await settle(app, pilot)
        config = psa_config.load_text(app.session.text)
        assert config.preset("M", "a").block_size.n == config.preset("M", "b").block_size.n == 64
        assert "*bs" in app.session.text


async def test_dry_run_shows_progress_and_report(config_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from rich.text import Text

    from psa_tui import dryrun

    calls: list[tuple[str, str]] = []

    def fake_run(text, path, model, preset, progress, heads=None):  # type: ignore[no-untyped-def]
        calls.append((model, preset))
        progress.start(2)
        progress.step("preset psa_topk")
        progress.advance()
        progress.advance()
        return Text("FLOP density 0.107")

    monkeypatch.setattr(dryrun, "unavailable_reason", lambda: None)
    monkeypatch.setattr(dryrun, "run", fake_run)
    app = PsaConfigApp(config_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(app, pilot, TOPK)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        assert calls == [("Wan2.1_1.3b", "psa_topk")]
        assert "0.107" in str(app.screen.query_one("#dryrun-text").render())
        assert app.screen.query_one("#dryrun-progress").percentage == 1.0  # type: ignore[attr-defined]
        assert app.focused is app.screen.query_one("#dryrun-report")  # the report scrolls with the keys
        await pilot.press("escape")
        assert type(app.screen).__name__ == "Screen"


async def test_dry_run_hidden_without_kernels(config_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from psa_tui import dryrun

    monkeypatch.setattr(dryrun, "unavailable_reason", lambda: dryrun.INSTALL_HINT)
    app = PsaConfigApp(config_path)
    async with app.run_test(notifications=True) as pilot:
        await settle(app, pilot)
        assert "Dry-run preset" not in [c.title for c in app.get_system_commands(app.screen)]
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert type(app.screen).__name__ == "Screen"
        assert any("kernels" in n.message for n in app._notifications)


async def test_save_includes_the_value_still_being_typed(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(app, pilot, TOPK)
        widget = app.query_one("#mr-3-end", Input)
        widget.focus()
        await pilot.pause()
        widget.value = ""
        await pilot.press(*"0.3")  # no enter
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "DiffScreen"
        assert "8: [0.15, 0.30]" in app.screen.diff  # type: ignore[attr-defined]


async def test_refusal_line_numbers_say_which_text(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app._locate_words("no line here") == "no line here"
        assert app._locate_words("bad value at line 12").endswith("(line numbers of the file on disk)")
        app.session.set_value(TOPK.model, TOPK.preset, "warmup_steps", 3)
        assert app._locate_words("bad value at line 12").endswith("(line numbers of the unsaved text in this editor)")


def test_the_save_summary_names_what_the_edits_add() -> None:
    from psa_tui.screens.diff import DiffScreen

    error = Diagnostic("c.yaml", 1, 1, Severity.ERROR, "PSA1", "n", "bad", None, None, None)
    warning = Diagnostic("c.yaml", 2, 1, Severity.WARNING, "PSA4", "n", "odd", None, None, None)
    assert DiffScreen("", [], 2).summary() == "Save these changes? 2 lines changed"
    assert DiffScreen("", [error], 1, [warning, warning]).summary() == (
        "Save these changes? 1 line changed; it adds 1 error(s) and 2 warning(s): saving needs force")
    assert DiffScreen("", [error], 1).summary() == "Save these changes? 1 line changed; it adds 1 error(s): saving needs force"
