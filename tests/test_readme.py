"""The README is a newcomer's entry point and docs/*.md hold the rest: their commands, options, files
and links must exist as written."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from retrieval.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = {"README.md": README} | {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in DOCS}
VARIABLE = r"BRONWIJZER_[A-Z][A-Z_]*[A-Z]"
PATH = r"(?<![\w./-])((?:retrieval|embeddings|bench|eval|tests|docs)/[\w./-]*\w\.\w+)"


def subcommands() -> dict:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return action.choices


def split_fences(text: str) -> tuple[list[str], str]:
    """The lines inside fenced code blocks, and the text outside them."""
    code, prose, fenced = [], [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif fenced:
            code.append(line)
        else:
            prose.append(line)
    return code, "\n".join(prose)


def code_spans(text: str) -> list[str]:
    return re.findall(r"`([^`\n]+)`", split_fences(text)[1])


def command_lines(text: str) -> list[str]:
    """`bronwijzer …` as shown: lines of code blocks (`.venv/bin/` allowed in front, comments cut
    off) and inline code spans."""
    code, _ = split_fences(text)
    lines = [re.sub(r"^\.venv/bin/", "", ln.strip()).split("#")[0] for ln in code]
    lines += code_spans(text)
    return [ln.strip() for ln in lines if re.match(r"bronwijzer \w", ln)]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(text: str) -> set[str]:
    _, prose = split_fences(text)
    return {slug(m) for m in re.findall(r"^#{1,6} (.+)$", prose, re.MULTILINE)}


def shown_commands() -> list[tuple[str, str]]:
    return [(page, line) for page, text in PAGES.items() for line in command_lines(text)]


def test_the_two_commands_are_in_the_readme():
    assert "make run" in README and "make test" in README


@pytest.mark.parametrize("page", PAGES)
def test_every_make_target_named_exists(page):
    targets = set(re.findall(r"^([a-z][\w-]*):", MAKEFILE, re.MULTILINE))
    for target in set(re.findall(r"`make ([a-z][\w-]*)", PAGES[page])):
        assert target in targets, f"{page} names `make {target}`, which the Makefile lacks"


def test_every_cli_command_is_documented_in_the_readme():
    for name in subcommands():
        assert f"bronwijzer {name}" in README, f"`bronwijzer {name}` is not in the README"


def test_every_page_shows_commands_somewhere():
    assert [line for page, line in shown_commands() if page == "README.md"]
    assert [line for page, line in shown_commands() if page != "README.md"]


@pytest.mark.parametrize(("page", "line"), shown_commands())
def test_commands_and_options_shown_exist(page, line):
    commands = subcommands()
    name = line.split()[1]
    assert name in commands, f"{page} shows `bronwijzer {name}`, which does not exist"
    known = {opt for a in commands[name]._actions for opt in a.option_strings}
    shown = set(re.findall(r"(?<![\w-])(--[a-z][\w-]*)", line))
    assert shown <= known, f"{page}: {line!r}: unknown {sorted(shown - known)}"


def _sources() -> str:
    return "".join(
        p.read_text(encoding="utf-8")
        for folder in ("retrieval", "embeddings")
        for p in (ROOT / folder).rglob("*.py")
    )


@pytest.mark.parametrize("page", PAGES)
def test_environment_variables_named_exist(page):
    sources = _sources()
    for var in set(re.findall(VARIABLE, PAGES[page])):
        assert var in sources, f"{page} names {var}, which no code reads"


def test_every_environment_variable_is_in_the_readme():
    for var in set(re.findall(VARIABLE, _sources())):
        assert f"`{var}`" in README, f"{var} is read by the code but not in the README's settings"


@pytest.mark.parametrize("page", PAGES)
def test_files_named_exist(page):
    paths = {p for span in code_spans(PAGES[page]) for p in re.findall(PATH, span)}
    missing = sorted(p for p in paths if not (ROOT / p).exists())
    assert not missing, f"{page} names files that do not exist: {missing}"


@pytest.mark.parametrize("page", PAGES)
def test_relative_links_and_images_resolve(page):
    _, prose = split_fences(PAGES[page])
    base = (ROOT / page).parent
    for target in re.findall(r"\]\(([^)\s]+)\)", prose):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        file = (base / path).resolve() if path else ROOT / page
        assert file.exists(), f"{page} links to {target}, which does not exist"
        if anchor and file.suffix == ".md":
            assert anchor in anchors(file.read_text(encoding="utf-8")), (
                f"{page} links to {target}: no such heading"
            )


def test_there_are_docs_pages():
    assert DOCS


@pytest.mark.parametrize("page", [p.name for p in DOCS])
def test_every_docs_page_is_linked_from_the_readme(page):
    assert f"](docs/{page}" in README, f"docs/{page} is not linked from the README"


def test_the_python_examples_run(tmp_path, bundled_index):
    """The README's "From Python" examples, run as a newcomer would: in a folder with `corpus/` and
    the index at `.bronwijzer/index` (a copy of the bundled one), with the real model."""
    import shutil
    import subprocess
    import sys

    section = README.split("### From Python", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    assert len(blocks) == 2 and "searcher.close()" in blocks[0]
    code = blocks[0].replace("searcher.close()\n", "") + blocks[1] + "searcher.close()\nprint('ran')\n"
    (tmp_path / "corpus").symlink_to(ROOT / "corpus")
    shutil.copytree(bundled_index, tmp_path / ".bronwijzer" / "index")
    where = ("BRONWIJZER_CORPUS", "BRONWIJZER_INDEX", "BRONWIJZER_ENGINE", "BRONWIJZER_MILVUS_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(where)}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0 and done.stdout.rstrip().endswith("ran"), done.stderr[-2000:]
    assert "ervaringsdeskundigen" in done.stdout  # the follow-up was searched with its topic
