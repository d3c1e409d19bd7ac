"""The headless runner on tiny notebooks made here: summary, metrics, failure exit code."""

import json
import subprocess
import sys

import nbformat
from course import ROOT


def make_notebook(path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, path)
    return path


def run(*args):
    return subprocess.run([sys.executable, str(ROOT / "tools" / "run_course.py"), *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT)


def test_runner_summarises_metrics_and_fails_on_error(tmp_path):
    good = make_notebook(tmp_path / "10_good.ipynb",
                         "from utils import env\nPROFILE, device = env.setup('')",
                         "env.record_metrics(answer=42, ratio=0.5)")
    bad = make_notebook(tmp_path / "11_bad.ipynb", "raise ValueError('boom')")
    result = run("--profile", "smoke", "--out", tmp_path / "runs", good, bad)
    assert result.returncode == 1, result.stdout + result.stderr
    rows = json.loads((tmp_path / "runs" / "smoke" / "labs_solutions" / "summary.json").read_text())
    assert [r["notebook"] for r in rows] == ["10_good.ipynb", "11_bad.ipynb"]
    assert rows[0]["status"] == "ok" and rows[0]["metrics"] == {"answer": 42, "ratio": 0.5}
    assert rows[0]["headline"] == "answer"  # the first metric recorded, even though JSON sorts keys
    assert rows[0]["profile"] == "smoke" and rows[0]["device"].startswith(("cpu", "NVIDIA", "mps"))
    assert rows[1]["status"].startswith("failed: PapermillExecutionError") and "boom" in rows[1]["status"]
    assert "| 10_good.ipynb | smoke |" in result.stdout
    executed = nbformat.read(tmp_path / "runs" / "smoke" / "labs_solutions" / "10_good.ipynb", as_version=4)
    assert executed.metadata["course"]["profile"] == "smoke" and "papermill" not in executed.metadata


def test_runner_passes_with_only_good_notebooks(tmp_path):
    good = make_notebook(tmp_path / "12_ok.ipynb", "x = 1")
    assert run("--profile", "smoke", "--out", tmp_path / "runs", good).returncode == 0
