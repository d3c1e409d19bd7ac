"""Run notebook cells the way a Colab runtime would, for tests/test_colab.py (not a test module itself).

    python -I colab_harness.py SPEC.json REPORT.json

SPEC.json holds {"cells": [[label, source], ...]}. Before the cells run, a stub `google.colab` module is put in
sys.modules (Colab's kernel imports the real one at start-up, and that is what the Colab cell looks for), and
subprocess.run is wrapped so that every command the cells start (git clone, pip install) is recorded. The cells
run one after the other in one IPython shell, like a notebook's cells in one kernel. REPORT.json gets, after each
cell, the commands it started, the working folder and sys.path, and at the end where torch and utils were imported
from. A cell that raises stops the run; the report names it and its error (IPython printed the traceback).
"""

import json
import os
import subprocess
import sys
import types


def main(spec_path: str, report_path: str) -> int:
    from IPython.core.interactiveshell import InteractiveShell

    with open(spec_path) as f:
        cells = json.load(f)["cells"]
    commands: list[list[str]] = []
    real_run = subprocess.run

    def recording_run(args, *rest, **kwargs):
        commands.append([str(a) for a in args])
        return real_run(args, *rest, **kwargs)

    subprocess.run = recording_run
    sys.modules["google.colab"] = types.ModuleType("google.colab")
    shell = InteractiveShell.instance()
    report = {"python": sys.version.split()[0], "cells": [], "failed": None}
    for label, source in cells:
        start = len(commands)
        result = shell.run_cell(source, store_history=False)
        error = result.error_before_exec or result.error_in_exec
        if error is not None:
            report["failed"] = {"cell": label, "error": f"{type(error).__name__}: {error}"}
        report["cells"].append({"label": label, "commands": commands[start:], "cwd": os.getcwd(),
                                "sys_path": list(sys.path)})
        if error is not None:
            break
    report["modules"] = {name: getattr(sys.modules.get(name), "__file__", None) for name in ("torch", "utils")}
    report["torch"] = getattr(sys.modules.get("torch"), "__version__", None)
    with open(report_path, "w") as f:
        json.dump(report, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
