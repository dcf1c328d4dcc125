"""The documentation says what the code does: README commands, CLI options, file format."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib import metadata

import click
from click.testing import CliRunner
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from kl_dash import config
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


def configuration_row(setting: config.Setting) -> str:
    default = "(unset)" if setting.default in (None, False) else f"`{setting.default}`"
    return f"| `{setting.name}` ({setting.where}) | {default} | {setting.help} |"


def code_files() -> list:
    """The Python files of the app and the package (tests excluded)."""
    return [
        PROJECT_ROOT / "app.py",
        *sorted((PROJECT_ROOT / "pages").glob("*.py")),
        *sorted((PROJECT_ROOT / "kl_dash").rglob("*.py")),
    ]


def test_the_configuration_table_shows_every_setting_as_declared():
    rows = README.splitlines()
    for setting in config.SETTINGS:
        assert configuration_row(setting) in rows, setting.name


def test_every_kl_dash_variable_in_the_readme_or_the_code_is_a_declared_setting():
    declared = {setting.name for setting in config.SETTINGS}
    texts = {"README.md": README, ".ci/run": (PROJECT_ROOT / ".ci" / "run").read_text()}
    for path in [*code_files(), *sorted((PROJECT_ROOT / "tests").rglob("*.py"))]:
        texts[str(path.relative_to(PROJECT_ROOT))] = path.read_text(encoding="utf-8")
    for name, text in texts.items():
        assert set(re.findall(r"\bKL_DASH_[A-Z0-9_]+", text)) <= declared, name


def test_only_config_reads_the_environment():
    reads = re.compile(r"\bos\.environ\b|\bgetenv\b|\bfrom os import\b")
    for path in code_files():
        if path.name == "config.py" and path.parent.name == "kl_dash":
            continue
        text = path.read_text(encoding="utf-8")
        assert not reads.search(text), path.relative_to(PROJECT_ROOT)


def collected(*args: str) -> list[str]:
    """The test ids pytest collects in tests/e2e with the given options."""
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "-n",
            "0",
        ]
        + list(args),
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    return [line for line in run.stdout.splitlines() if "::" in line]


def test_the_fast_lane_leaves_out_the_browser_tests_the_readme_command_runs():
    everything = collected("tests/e2e")
    assert everything and all(test.startswith("tests/e2e/") for test in everything)
    assert collected("tests/e2e", "-m", "not e2e and not slow") == []
    assert 'pytest -m "not e2e and not slow"' in README


def pins() -> dict[str, str]:
    """constraints.txt as {canonical name: version}."""
    lines = (PROJECT_ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
    found = {}
    for line in lines:
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            found[canonicalize_name(name)] = version.strip()
    return found


def test_both_readme_installs_use_the_pinned_versions():
    for command in readme_commands():
        assert "pip install -c constraints.txt -e " in command


def test_every_dependency_is_pinned_inside_the_range_pyproject_allows():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    required = (
        project["project"]["dependencies"] + project["project"]["optional-dependencies"]["dev"]
    )
    pinned = pins()
    for text in required:
        requirement = Requirement(text)
        version = pinned.get(canonicalize_name(requirement.name))
        assert version is not None, f"{requirement.name} is not in constraints.txt"
        assert requirement.specifier.contains(version), f"{requirement.name}=={version}: {text}"


def test_the_suite_runs_on_the_pinned_versions():
    for name, version in pins().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # a package only some platforms install
        assert installed == version, (
            f"{name} {installed} is installed, constraints.txt pins {version}"
        )
