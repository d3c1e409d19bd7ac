"""What the course's tools share: where things live, the repository setting, notebook I/O."""

from __future__ import annotations

import hashlib
import json
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


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def static_widgets(nb: nbformat.NotebookNode) -> int:
    """Replace each saved widget output by what it showed, frozen: a line naming its controls, then the
    figures its Output area held. Returns how many were replaced.

    A saved notebook holds no live widget: JupyterLab shows a widget's text form (`interactive(children=...`)
    or "model not found" until the cell runs again. The widget state is dropped with them.
    """
    state = nb.metadata.pop("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    replaced = 0
    for cell in nb.cells:
        if cell.cell_type != "code" or not any(WIDGET_VIEW in out.get("data", {}) for out in cell.get("outputs", [])):
            continue
        outputs = []
        for out in cell.outputs:
            if WIDGET_VIEW not in out.get("data", {}):
                outputs.append(out)
                continue
            controls, frozen = _widget_parts(state, out.data[WIDGET_VIEW]["model_id"])
            line = f"Run this cell to use its controls ({', '.join(controls)})." if controls else \
                "Run this cell to use its controls."
            outputs.append(nbformat.v4.new_output("display_data", data={"text/plain": line}))
            outputs += [nbformat.v4.new_output("stream", name=o.get("name", "stdout"), text=o.get("text", ""))
                        if o.get("output_type") == "stream" else
                        nbformat.v4.new_output("display_data", data=o.get("data", {}), metadata=o.get("metadata", {}))
                        for o in frozen]
            replaced += 1
        cell.outputs = outputs
    return replaced


def _widget_parts(state: dict, model_id: str) -> tuple[list[str], list[dict]]:
    """The descriptions of the controls under a widget and the outputs of its Output areas, in display order."""
    model = state.get(model_id)
    if model is None:
        return [], []
    s = model.get("state", {})
    if model.get("model_name") == "OutputModel":
        return [], [o for o in s.get("outputs", []) if o.get("output_type") != "error"]
    controls, frozen = [], []
    if s.get("description") and model.get("model_name") != "ButtonModel":
        controls.append(s["description"])
    for child in s.get("children", []):
        c, f = _widget_parts(state, child.removeprefix("IPY_MODEL_"))
        controls, frozen = controls + c, frozen + f
    return controls, frozen


def outputs_digest(nb: nbformat.NotebookNode) -> str:
    """A digest of every code cell's outputs, as they read back from disk: the runner records it, so outputs
    saved from anywhere else (e.g. JupyterLab's autosave after running a cell) are caught before they land."""
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)
    outputs = [cell.get("outputs", []) for cell in nb.cells if cell.cell_type == "code"]
    return hashlib.sha256(json.dumps(outputs, sort_keys=True).encode()).hexdigest()
