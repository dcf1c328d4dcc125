"""The documentation says what the code does: README commands, CLI options, file format."""

from __future__ import annotations

import re

import click
from click.testing import CliRunner

from kl_dash.cli import main
from kl_dash.programmes import _ITEM_KEYS, _TOP_KEYS

from .conftest import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def readme_commands() -> list[str]:
    return re.findall(r"```bash\n(.+?)\n```", README, flags=re.S)


def test_readme_starts_with_exactly_two_setup_commands():
    commands = readme_commands()
    assert len(commands) == 2
    assert "streamlit run app.py" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_as_written():
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci.splitlines()


def all_commands(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
    found = {}
    for name, command in group.commands.items():
        found[prefix + name] = command
        if isinstance(command, click.Group):
            found |= all_commands(command, f"{prefix}{name} ")
    return found


def test_every_cli_command_and_option_is_in_the_readme():
    for name, command in all_commands(main).items():
        assert f"kl-dash {name}" in README, name
        assert command.help, name
        for param in command.params:
            if isinstance(param, click.Argument):
                assert param.human_readable_name in README, f"kl-dash {name} {param.name}"
                continue
            for opt in param.opts:
                assert opt in README, f"kl-dash {name} {opt}"
    help_text = CliRunner().invoke(main, ["init", "--help"]).output
    assert "--no-example" in help_text and "--force" in help_text


def test_every_key_of_the_programme_format_is_documented():
    doc = (PROJECT_ROOT / "docs" / "programme-format.md").read_text(encoding="utf-8")
    for key in _TOP_KEYS:
        assert f"`{key}`" in doc or f"`[[{key}]]`" in doc, key
    for table, keys in _ITEM_KEYS.items():
        assert f"`[[{table}]]`" in doc, table
        for key in keys:
            assert f"`{key}`" in doc, f"{table}.{key}"
