"""Labs: generated in sync, stubs that make every check fail, solutions that make them pass."""

import json
import re
import subprocess
import sys

import make_labs
import pytest
import run_course
from course import ROOT, SOLUTIONS, STUDENTS, notebooks, read

SOLUTION_NBS = notebooks(SOLUTIONS)
NAMES = [p.name for p in SOLUTION_NBS]


def check_cells(nb):
    return [c for c in nb.cells if "check" in c.metadata.get("tags", [])]


def text_of(cell) -> str:
    return "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in cell.get("outputs", []))


def test_student_notebooks_are_in_sync():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "make_labs.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_stub_keeps_indentation_and_raises():
    source = "def f(x):\n    y = 1\n    # BEGIN SOLUTION\n    return x + y\n    # END SOLUTION\n"
    stub = "def f(x):\n    y = 1\n    # YOUR CODE HERE\n    raise NotImplementedError"
    assert make_labs.stub_out(source, "t") == stub
    with pytest.raises(SystemExit, match="without"):
        make_labs.stub_out("# BEGIN SOLUTION\nx = 1\n", "t")


@pytest.mark.parametrize("name", NAMES)
def test_structure(name):
    """The skeleton of COURSE.md: one parameters cell, exercises each with a check (badge and Colab cell:
    tests/test_colab.py)."""
    for folder in ("labs_solutions", "notebooks"):
        nb = read(ROOT / folder / name)
        params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(params) == 1 and 'PROFILE = ""' in params[0].source
        assert re.search(r'"smoke":.*"cpu":.*"full":', params[0].source, re.S), "SIZES must cover every profile"
        for cell in nb.cells:
            if "nbval-ignore-output" in cell.metadata.get("tags", []):
                assert cell.metadata.get("ignore_reason"), f"{folder}/{name}: an ignored cell gives no reason"
    solution = read(SOLUTIONS / name)
    exercises = [i for i, c in enumerate(solution.cells) if make_labs.is_exercise(c)]
    assert exercises, "a lecture has a lab"
    for i in exercises:  # the next code cell checks the exercise
        following = next(c for c in solution.cells[i + 1:] if c.cell_type == "code")
        assert "check" in following.metadata.get("tags", []), f"exercise in cell {i} has no check cell after it"


@pytest.mark.parametrize("name", NAMES)
def test_committed_solutions_pass_their_checks(name):
    """The committed solution outputs come from a run in which every check passed (nbval re-runs them)."""
    nb = read(SOLUTIONS / name)
    assert nb.metadata["course"]["profile"] in ("cpu", "full"), "outputs come from a cpu or full run"
    for cell in check_cells(nb):
        assert text_of(cell).startswith("✅"), f"check cell did not pass: {text_of(cell)!r}"


@pytest.mark.parametrize("name", NAMES)
def test_student_notebook_runs_and_every_check_fails_on_the_stubs(name, tmp_path):
    """Executed headless as handed out, the lecture still runs and no check passes."""
    row = run_course.run_one(STUDENTS / name, tmp_path / name, "smoke", "python3", 600)
    assert row["status"] == "ok", row["status"]
    executed = read(tmp_path / name)
    cells = check_cells(executed)
    assert cells
    for cell in cells:
        assert text_of(cell).startswith("⏳"), f"a check passed or crashed on the stub: {text_of(cell)!r}"
    assert row["metrics"], "the notebook records its headline metrics"
    json.dumps(row)  # the summary row is plain data
