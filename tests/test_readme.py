"""The README is a newcomer's entry point: its commands, options and files must exist as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from retrieval.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def subcommands() -> dict:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return action.choices


def test_the_two_commands_and_every_make_target_named_exist():
    assert "make run" in README and "make test" in README
    targets = set(re.findall(r"^([a-z][\w-]*):", MAKEFILE, re.MULTILINE))
    for target in set(re.findall(r"`make ([a-z][\w-]*)", README)):
        assert target in targets, f"README names `make {target}`, which the Makefile lacks"


def test_every_cli_command_is_documented_and_exists():
    commands = subcommands()
    for name in commands:
        assert f"bronwijzer {name}" in README, f"`bronwijzer {name}` is not in the README"
    for name in set(re.findall(r"^bronwijzer (\w+)", README, re.MULTILINE)):
        assert name in commands, f"README shows `bronwijzer {name}`, which does not exist"


@pytest.mark.parametrize("line", [ln for ln in README.splitlines() if ln.startswith("bronwijzer ")])
def test_options_shown_in_the_readme_are_accepted(line):
    name = line.split()[1]
    known = {opt for a in subcommands()[name]._actions for opt in a.option_strings}
    shown = set(re.findall(r"(?<![\w-])(--[a-z][\w-]*)", line.split("#")[0]))
    assert shown <= known, f"{line!r}: unknown {sorted(shown - known)}"


def test_environment_variables_and_files_named_exist():
    sources = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "retrieval").rglob("*.py"))
    sources += "".join(p.read_text(encoding="utf-8") for p in (ROOT / "embeddings").rglob("*.py"))
    for var in set(re.findall(r"BRONWIJZER_[A-Z]+", README)):
        assert var in sources, var
    for path in set(re.findall(r"`((?:retrieval|embeddings|bench|eval|tests|docs)/[\w./-]+\.\w+)`", README)):
        assert (ROOT / path).exists(), path
