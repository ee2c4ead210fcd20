"""A non-editable install must carry every package of the source tree (setuptools finds them)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOP = ("retrieval", "embeddings", "ui")


def source_packages() -> set[str]:
    inits = (init for top in TOP for init in (ROOT / top).rglob("__init__.py"))
    return {".".join(i.parent.relative_to(ROOT).parts) for i in inits if "__pycache__" not in i.parts}


def test_the_wheel_holds_every_package_of_the_source_tree(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for top in TOP:
        shutil.copytree(ROOT / top, src / top, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                    "-w", str(tmp_path / "dist"), str(src)], check=True, capture_output=True, text=True)
    wheel = next((tmp_path / "dist").glob("bronwijzer-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    packaged = {name.rpartition("/")[0].replace("/", ".") for name in names if name.endswith("/__init__.py")}
    expected = source_packages()
    assert {"retrieval.tuning", "retrieval.index.local", "retrieval.index.milvus"} <= expected
    assert expected <= packaged, f"missing from the wheel: {sorted(expected - packaged)}"
    # Modules without an __init__.py of their own (ui/pages) travel as files of their package.
    for page in (ROOT / "ui").rglob("*.py"):
        assert str(page.relative_to(ROOT)) in names, page
