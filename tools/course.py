"""What the course's tools share: where things live, the repository setting, notebook I/O."""

from __future__ import annotations

import tomllib
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "labs_solutions"
STUDENTS = ROOT / "notebooks"


def setting(key: str) -> str:
    """A value of [tool.course] in pyproject.toml (e.g. 'repository')."""
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["tool"]["course"][key]


def notebooks(folder: Path, names: list[str] | None = None) -> list[Path]:
    """The numbered notebooks NN_topic.ipynb of a folder, or those named (by stem or path)."""
    if names:
        return [Path(n) if n.endswith(".ipynb") else folder / f"{n}.ipynb" for n in names]
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def write(nb: nbformat.NotebookNode, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
