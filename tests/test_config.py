"""Settings are read from the environment when asked for, with their defaults."""

from __future__ import annotations

import pytest

from kl_dash import config


@pytest.mark.parametrize(
    ("value", "expected"), [(None, 20), ("50", 50), ("0", 20), ("mange", 20), (" 5 ", 5)]
)
def test_upload_limit_comes_from_the_environment(value, expected):
    environ = {} if value is None else {config.MAX_UPLOAD_MB.name: value}
    assert config.MAX_UPLOAD_MB.value(environ) == expected
    assert config.max_upload_bytes(environ) == expected * 1024 * 1024


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        (config.AUTH, "required", True),
        (config.AUTH, "ja", False),
        (config.PUBLIC_READ, "1", True),
        (config.PUBLIC_READ, "nej", False),
        (config.DB, "/data/kl.duckdb", "/data/kl.duckdb"),
    ],
)
def test_each_setting_parses_its_value_and_falls_back_to_its_default(setting, value, expected):
    assert setting.value({setting.name: value}) == expected
    assert setting.value({}) == setting.default
    assert setting.value({setting.name: "  "}) == setting.default


def test_both_upload_pages_accept_the_same_configured_size(monkeypatch, database):
    from .test_pages import open_app

    monkeypatch.setenv(config.MAX_UPLOAD_MB.name, "7")
    for page, key in (
        ("pages/opdater.py", "upload-file-0"),
        ("pages/partnerskab.py", "programme-0"),
    ):
        at = open_app(monkeypatch, database, page)
        assert not at.exception, [e.message for e in at.exception]
        assert at.file_uploader(key=key).proto.max_upload_size_mb == 7, page
