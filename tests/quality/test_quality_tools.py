"""A machine without Chromium or Java fails the checks with the command to run, never skips them."""
from pathlib import Path

import pytest

import carriere_kit as kit


def test_missing_chromium_fails_with_the_install_command(monkeypatch):
    monkeypatch.setattr(kit, "CHROMIUM", Path("/nulle-part/chromium"))
    with pytest.raises(pytest.fail.Exception, match=r"Chromium est absent .*make test-deps"):
        kit.require_chromium()


def test_missing_java_fails_with_the_install_command(monkeypatch):
    monkeypatch.setattr(kit.shutil, "which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match=r"Java est absent .*make test-deps"):
        kit.nu_errors(Path("."))


def test_nu_reports_file_line_and_message(tmp_path):
    (tmp_path / "page.html").write_text(
        '<!doctype html><html lang="fr"><head><title>t</title></head><body><p>un<div></p></body></html>',
        encoding="utf-8",
    )
    errors = kit.nu_errors(tmp_path)
    assert errors and all(line.startswith("page.html:1: ") for line in errors), errors
