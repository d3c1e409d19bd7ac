"""Reuse what another lecture teaches without copying it: run its imports cell and its cells tagged `export`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "labs_solutions"


class ExportMissing(LookupError):
    """A lecture's `export` cells do not define a name another notebook needs, told in one sentence."""

    def _render_traceback_(self) -> list[str]:  # IPython calls this instead of printing a traceback
        return [f"{type(self).__name__}: {self}"]


def load_exports(lecture: str | Path, names: Iterable[str] = ()) -> dict:
    """Execute a lecture's imports cell and its cells tagged `export`; return the namespace they define.

    `lecture` is a notebook path or a name in labs_solutions/ ("03_cnn_mnist"). `names` are the names the
    caller needs: one missing is refused with one sentence, so a renamed function cannot fail later and far away.
    """
    path = Path(lecture)
    if path.suffix != ".ipynb":
        path = SOLUTIONS / f"{lecture}.ipynb"
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    imports = next((c for c in code if "colab-setup" not in c.metadata.get("tags", [])
                    and re.search(r"^from utils import", c.source, re.MULTILINE)), None)
    exported = [c for c in code if "export" in c.metadata.get("tags", [])]
    namespace: dict = {"__name__": f"lecture_{path.stem}"}
    for index, cell in enumerate([c for c in (imports, *exported) if c is not None]):
        exec(compile(cell.source, f"{path.name} (exported cell {index})", "exec"), namespace)
    missing = [name for name in names if name not in namespace]
    if missing:
        raise ExportMissing(f"{path.name}: the cells tagged export no longer define {', '.join(missing)}.")
    return namespace
