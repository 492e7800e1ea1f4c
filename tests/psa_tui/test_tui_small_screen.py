"""The TUI at 80x24: focus always on screen, everything scrolls, nothing is cut."""

from __future__ import annotations

from pathlib import Path

import yaml
from textual.widget import Widget
from textual.widgets import Footer, Input

from psa_tui.app import PsaConfigApp
from psa_tui.widgets.diagnostics import DiagnosticsPanel
from psa_tui.widgets.form import PresetForm
from psa_tui.widgets.tree import ConfigTree, Target
from tui_pilot_helpers import select, settle

SMALL = (80, 24)
TOPK = Target("Wan2.1_1.3b", "psa_topk")


def visible_in_form(app: PsaConfigApp, widget: Widget) -> bool:
    """Whether ``widget`` lies wholly inside the form's visible window (screen coordinates)."""
    form = app.query_one(PresetForm)
    region = widget.region
    return region.area > 0 and form.content_region.contains_region(region)


def form_fields(app: PsaConfigApp) -> list[Widget]:
    fields = app.query_one(PresetForm).fields()
    assert all(w.display and w.focusable for w in fields)
    return fields


async def test_tab_walks_every_field_and_each_is_on_screen(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=SMALL) as pilot:
        await select(app, pilot, TOPK)
        app.query_one(ConfigTree).focus()
        expected = {w.id for w in form_fields(app)}
        assert len(expected) > 20  # the whole psa page, pyramid rows included
        seen: list[str | None] = []
        for _ in range(len(expected) + 2):
            await pilot.press("tab")
            await settle(app, pilot)
            focused = app.focused
            assert focused is not None
            if app.query_one(PresetForm) not in focused.ancestors:
                break
            assert visible_in_form(app, focused), f"{focused.id} is focused but off screen"
            seen.append(focused.id)
        assert set(seen) == expected
        for _ in range(3):  # and back up from the bottom
            await pilot.press("shift+tab")
            await settle(app, pilot)
            if app.focused is not None and app.query_one(PresetForm) in app.focused.ancestors:
                assert visible_in_form(app, app.focused)


async def test_page_keys_scroll_the_form_and_keep_focus_on_screen(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=SMALL) as pilot:
        await select(app, pilot, TOPK)
        form = app.query_one(PresetForm)
        assert form.max_scroll_y > 0  # the form is taller than the screen at 80x24
        assert form.focus_first()
        await settle(app, pilot)
        await pilot.press("pagedown")
        await settle(app, pilot)
        assert form.scroll_y > 0
        assert app.focused is not None and visible_in_form(app, app.focused)
        first = form_fields(app)[0]
        assert app.focused is not first
        await pilot.press("pageup", "pageup")
        await settle(app, pilot)
        assert form.scroll_y == 0 and app.focused is not None and visible_in_form(app, app.focused)


async def test_down_moves_to_the_next_field(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=SMALL) as pilot:
        await select(app, pilot, TOPK)
        fields = form_fields(app)
        fields[0].focus()
        await settle(app, pilot)
        await pilot.press("down")
        await settle(app, pilot)
        assert app.focused is fields[1]


async def test_keys_focus_the_tree_and_the_diagnostics(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=SMALL) as pilot:
        await select(app, pilot, TOPK)
        fields = form_fields(app)
        fields[-1].focus()
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.focused, ConfigTree)
        await pilot.press("f4")
        assert app.focused is app.query_one(DiagnosticsPanel).table
        await pilot.press("f3")
        await settle(app, pilot)
        assert app.focused is form_fields(app)[0]
        await pilot.press("f2")
        assert isinstance(app.focused, ConfigTree)


async def test_footer_fits_80_columns(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=SMALL) as pilot:
        await select(app, pilot, TOPK)
        app.query_one(ConfigTree).focus()
        await settle(app, pilot)
        footer = app.query_one(Footer)
        keys = list(footer.query("FooterKey").results(Widget))
        assert {k.description for k in keys} >= {"New", "Copy", "Rename", "Del", "Default", "Model", "Save", "Help", "Quit"}  # type: ignore[attr-defined]
        assert all(k.region.right <= SMALL[0] and k.region.width > 0 for k in keys)


async def test_help_scrolls_to_its_last_line(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("f1")
        await settle(app, pilot)
        scroll = app.screen.query_one("#help-scroll")
        assert scroll.max_scroll_y > 0 and app.focused is scroll
        await pilot.press("end")
        await settle(app, pilot)
        assert scroll.scroll_y == scroll.max_scroll_y > 0
        await pilot.press("escape")
        assert type(app.screen).__name__ == "Screen"


async def test_invalid_value_says_why(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await select(app, pilot, TOPK)
        warmup = app.query_one("#field-warmup-steps", Input)
        warmup.focus()
        await pilot.press("ctrl+a", "ctrl+k", "minus", "3", "enter")
        await settle(app, pilot)
        assert not app.session.dirty
        messages = [n.message for n in app._notifications if n.title == "Invalid value"]
        assert len(messages) == 1 and "warmup_steps" in messages[0] and ">= 0" in messages[0]
        assert ">= 0" in str(app.query_one("#field-warmup-steps-hint").render())
        await pilot.press("tab")  # leaving the field does not repeat the message
        await settle(app, pilot)
        assert len([n for n in app._notifications if n.title == "Invalid value"]) == 1


async def test_invalid_ratio_bound_says_why(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await select(app, pilot, TOPK)
        bound = app.query_one("#mr-1-end", Input)
        bound.focus()
        await pilot.press("ctrl+a", "ctrl+k", *"1.5", "enter")
        await settle(app, pilot)
        assert not app.session.dirty
        assert any("mask_ratios level 2" in n.message for n in app._notifications)


async def test_clearing_a_field_removes_the_key_and_the_save_matches(config_path: Path) -> None:
    import psa_config

    app = PsaConfigApp(config_path)
    async with app.run_test(size=SMALL) as pilot:
        await select(app, pilot, TOPK)
        warmup = app.query_one("#field-warmup-steps", Input)
        warmup.focus()
        await pilot.press("ctrl+a", "ctrl+k", "enter")
        await settle(app, pilot)
        assert "warmup_steps" not in app.session.preset(*TOPK.__dict__.values())
        assert app.query_one("#field-warmup-steps", Input).value == ""
        assert "runtime uses 0" in str(app.query_one("#field-warmup-steps-hint").render())
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen.summary().startswith("Save these changes? 1 line changed")  # type: ignore[attr-defined]
        await pilot.press("y")
        await settle(app, pilot)
        raw = yaml.safe_load(config_path.read_text())[TOPK.model]["attention_configs"][TOPK.preset]
        assert "warmup_steps" not in raw and psa_config.load(config_path).preset(*TOPK.__dict__.values()).warmup_steps is None


async def test_changed_line_count_counts_a_replaced_line_once(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=SMALL) as pilot:
        await select(app, pilot, TOPK)
        app.session.set_value(TOPK.model, TOPK.preset, "warmup_steps", 3)
        app.session.set_value(TOPK.model, TOPK.preset, "block_size.n", 64)
        app._show_session(None)
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        summary = app.screen.summary()  # type: ignore[attr-defined]
        assert "2 lines changed" in summary, summary


async def test_rename_opens_with_a_free_editable_suggestion(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=SMALL) as pilot:
        await select(app, pilot, TOPK)
        app.query_one(ConfigTree).focus()
        await pilot.press("r")
        await settle(app, pilot)
        name = app.screen.query_one("#name", Input)
        assert name.value and name.value not in app.session.presets(TOPK.model)
        assert str(app.screen.query_one("#name-error").render()).strip() == ""
        await pilot.press(*"psa_fast", "enter")  # typing replaces the selected suggestion
        await settle(app, pilot)
        assert "psa_fast" in app.session.presets(TOPK.model) and TOPK.preset not in app.session.presets(TOPK.model)


async def test_a_malformed_file_shows_its_errors_and_reloads_when_fixed(tmp_path: Path) -> None:
    path = tmp_path / "attention_config.yaml"
    path.write_text("M:\n  default_attention: [\n")
    app = PsaConfigApp(path)
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await settle(app, pilot)
        form = app.query_one(PresetForm)
        page = str(form.query_one("#text-page").render())
        assert "not valid YAML" in page and "line 3, column 1" in page and "ctrl+l" in page
        app.query_one(ConfigTree).focus()
        await pilot.press("m")  # no edits while the file cannot be read
        await settle(app, pilot)
        assert type(app.screen).__name__ == "Screen" and not app.session.dirty
        path.write_text((Path(__file__).resolve().parents[2] / "configs" / "attention_config.yaml").read_text())
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert app.session.readable and "Wan2.1_1.3b" in app.session.models()
        assert form.query_one("#psa-page").display


async def test_save_is_refused_by_the_engine_unless_forced(config_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Even when the dialog is told of no new errors, a plain save must not write them (issue #14)."""
    from psa_config.edit import SaveResult
    from psa_tui.session import Session

    before = config_path.read_text()
    monkeypatch.setattr(Session, "pending_check", lambda self: SaveResult(False, [], []))
    app = PsaConfigApp(config_path)
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await select(app, pilot, TOPK)
        app.session.set_value(TOPK.model, TOPK.preset, "mask_ratios.2", [0.02, 0.1])  # a gap: a new error
        app._show_session(None)
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert config_path.read_text() == before and app.session.dirty
        assert any(n.title == "Not saved" for n in app._notifications)


async def test_an_edit_low_in_the_form_keeps_its_place(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=SMALL) as pilot:
        await select(app, pilot, TOPK)
        warmup = app.query_one("#field-warmup-steps", Input)
        warmup.focus()
        await settle(app, pilot)
        before = app.query_one(PresetForm).scroll_y
        assert before > 0
        await pilot.press("ctrl+a", "ctrl+k", "9", "enter")
        await settle(app, pilot)
        assert app.session.dirty
        assert app.focused is app.query_one("#field-warmup-steps") and visible_in_form(app, app.focused)
        assert app.query_one(PresetForm).scroll_y == before


async def test_a_long_question_scrolls_and_its_buttons_stay_on_screen(config_path: Path) -> None:
    from textual.widgets import Button

    from psa_tui.screens.confirm import ConfirmScreen

    app = PsaConfigApp(config_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        question = "\n".join(f"line {n} of a long question" for n in range(40))
        app.push_screen(ConfirmScreen(question))
        await settle(app, pilot)
        scroll = app.screen.query_one(".question-scroll")
        assert scroll.max_scroll_y > 0
        screen_region = app.screen.region
        for button in app.screen.query(Button):
            assert screen_region.contains_region(button.region) and button.region.area > 0
