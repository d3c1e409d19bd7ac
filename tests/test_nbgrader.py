"""The course inside nbgrader: make_labs writes the nbgrader metadata of every solution notebook, nbgrader's
generate_assignment gives our student notebooks, and nbgrader's autograder gives the marks tools/grade.py gives.

The real nbgrader is an optional extra (pip install -e .[nbgrader]); these tests skip without it, unless
COURSE_REQUIRE_NBGRADER=1 (CI sets it) makes a missing nbgrader a failure.
"""

import copy
import csv
import os
import subprocess
import sys

import make_labs
import nbformat
import pytest
from course import ROOT, SOLUTIONS, STUDENTS, notebooks, read
from test_grade import ADD, ADD_NAME, DOUBLE, DOUBLE_NAME, lecture_cells, save

NAMES = [p.name for p in notebooks(SOLUTIONS)]
try:
    import nbgrader  # noqa: F401
    HAVE_NBGRADER = True
except ImportError:
    HAVE_NBGRADER = False
needs_nbgrader = pytest.mark.skipif(not HAVE_NBGRADER and os.environ.get("COURSE_REQUIRE_NBGRADER") != "1",
                                    reason="nbgrader is not installed (pip install -e .[nbgrader])")


@pytest.mark.parametrize("name", NAMES)
def test_every_solution_notebook_is_an_nbgrader_source_notebook(name):
    nb = read(SOLUTIONS / name)
    metas = [c.metadata.get("nbgrader") for c in nb.cells]
    assert all(metas), "make_labs writes nbgrader metadata on every cell"
    ids = [m["grade_id"] for m in metas]
    assert len(ids) == len(set(ids)), "grade ids are unique"
    exercises = [c for c in nb.cells if make_labs.is_exercise(c)]
    checks = [c for c in nb.cells if "check" in c.metadata.get("tags", [])]
    assert len(exercises) == len(checks) >= 1
    for k, (exercise, check) in enumerate(zip(exercises, checks), 1):
        assert exercise.metadata.nbgrader == {"grade": False, "grade_id": f"exercise_{k}", "locked": False,
                                              "schema_version": 3, "solution": True, "task": False}
        assert check.metadata.nbgrader["grade"] and check.metadata.nbgrader["locked"]
        assert check.metadata.nbgrader["grade_id"] == f"check_{k}" and check.metadata.nbgrader["points"] == 1
    lecture = [c for c in nb.cells if c not in exercises and c not in checks]
    assert all(c.metadata.nbgrader["locked"] and not c.metadata.nbgrader["solution"] for c in lecture)
    assert nb.metadata.kernelspec["name"] == "python3"
    assert not any("nbgrader" in c.metadata for c in read(STUDENTS / name).cells), "student copies carry none"


def test_check_refuses_hand_edited_nbgrader_metadata(tmp_path, monkeypatch):
    solutions, students = tmp_path / "labs_solutions", tmp_path / "notebooks"
    nb = nbformat.v4.new_notebook()
    setup = nbformat.v4.new_code_cell("")
    setup.metadata["tags"] = ["colab-setup"]
    check = nbformat.v4.new_code_cell("checks.check('Exercise 1 (f)', test_f)")
    check.metadata["tags"] = ["check", "points-3"]
    nb.cells = [nbformat.v4.new_markdown_cell("# 99 · Test\n[![Open In Colab](https://colab.research.google.com/"
                                              "assets/colab-badge.svg)](https://colab.research.google.com)"),
                setup, nbformat.v4.new_code_cell("def f(x):\n    # BEGIN SOLUTION\n    return 2 * x\n"
                                                 "    # END SOLUTION"), check]
    solutions.mkdir()
    nbformat.write(nb, solutions / "99_test.ipynb")
    monkeypatch.setattr(make_labs, "SOLUTIONS", solutions)
    monkeypatch.setattr(make_labs, "STUDENTS", students)
    monkeypatch.setattr(make_labs, "WRITTEN", tmp_path / "runs" / "make_labs.json")
    monkeypatch.setattr(sys, "argv", ["make_labs.py"])
    assert make_labs.main() == 0
    written = nbformat.read(solutions / "99_test.ipynb", as_version=4)
    assert written.cells[3].metadata.nbgrader["points"] == 3  # the tag points-3
    written.cells[2].metadata.nbgrader["locked"] = True  # an edit by hand: the exercise cell made read-only
    nbformat.write(written, solutions / "99_test.ipynb")
    monkeypatch.setattr(sys, "argv", ["make_labs.py", "--check"])
    assert make_labs.main() == 1


def nbgrader(course, *args, timeout=900):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COURSE_STRICT_CHECKS": "0"}  # strict only through nbgrader
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True,
                          env=env, timeout=timeout)


@needs_nbgrader
def test_generate_assignment_gives_our_student_notebooks(tmp_path):
    """nbgrader's release copies of two lectures: exercise cells are our stubs, every other cell is ours."""
    import nbgrader_course

    nbgrader_course.setup(tmp_path, ["08", "09"], timeout=300)
    for name in ("08_autoencoders", "09_gan"):
        result = nbgrader(tmp_path, "generate_assignment", name, "--force")
        assert result.returncode == 0, result.stdout + result.stderr
        released = read(tmp_path / "release" / name / f"{name}.ipynb")
        ours = read(STUDENTS / f"{name}.ipynb")
        assert [(c.cell_type, c.source) for c in released.cells] == [(c.cell_type, c.source) for c in ours.cells]


SUBMISSIONS = {  # student: {cell index of lecture_cells(): source}, cells dropped; as in tests/test_grade.py
    "alice": ({4: DOUBLE.replace("    # BEGIN SOLUTION\n", "").replace("\n    # END SOLUTION", ""),
               9: ADD.replace("    # BEGIN SOLUTION\n", "").replace("\n    # END SOLUTION", "")}, ()),
    "bob": ({}, ()),  # the stubs
    "faker": ({4: "def double(x):\n    return x", 5: "print('✅ Exercise 1 (double): correct.')",
               9: "def add(a, b):\n    return a - b"}, {10}),  # wrong, a faked check and a deleted one
    "crasher": ({4: "def double(x):\n    return x + 2", 9: "import os\ndef add(a, b):\n    os._exit(1)"}, ()),
    "looper": ({4: "1 / 0\ndef double(x):\n    return 2 * x", 9: "def add(a, b):\n    while True:\n        pass"}, ()),
    "quitter": ({4: "def double(x):\n    return 2 * x", 9: "import os\ndef add(a, b):\n    os._exit(1)"}, ()),
}


def nbgrader_marks(course, students):
    """{student: (points of check 1, points of check 2)} from nbgrader's gradebook (0 when autograding failed)."""
    from nbgrader.api import Gradebook, MissingEntry

    marks = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in students:
            try:
                notebook = gradebook.find_submission_notebook("50_fake", "50_fake", student)
            except MissingEntry:
                marks[student] = (0.0, 0.0)
                continue
            scores = {g.name: g.score for g in notebook.grades}
            marks[student] = (scores.get("check_1", 0.0), scores.get("check_2", 0.0))
    return marks


@needs_nbgrader
def test_nbgrader_autograde_gives_the_marks_of_grade_py(tmp_path):
    course, ours = tmp_path / "course", tmp_path / "submissions"
    cells = lecture_cells()
    solution = nbformat.v4.new_notebook()
    solution.cells = cells
    make_labs.stamp_nbgrader(solution, "50_fake.ipynb")
    save(course / "source" / "50_fake" / "50_fake.ipynb", solution.cells)
    save(tmp_path / "solutions" / "50_fake.ipynb", solution.cells)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'fake'\n"
        "c.ClearSolutions.code_stub = {'python': '# YOUR CODE HERE\\nraise NotImplementedError'}\n"
        "c.ExecutePreprocessor.timeout = 10\n")
    result = nbgrader(course, "generate_assignment", "50_fake", "--force")
    assert result.returncode == 0, result.stdout + result.stderr
    released = read(course / "release" / "50_fake" / "50_fake.ipynb")
    for student, (replace, drop) in SUBMISSIONS.items():
        nb = copy.deepcopy(released)
        for i, source in replace.items():
            nb.cells[i].source = source
        nb.cells = [c for i, c in enumerate(nb.cells) if i not in drop]
        for path in (course / "submitted" / student / "50_fake" / "50_fake.ipynb", ours / student / "50_fake.ipynb"):
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, path)

    result = nbgrader(course, "autograde", "50_fake", "--force")
    assert "alice" in result.stdout + result.stderr
    theirs = nbgrader_marks(course, SUBMISSIONS)
    graded = subprocess.run([sys.executable, str(ROOT / "tools" / "grade.py"), str(ours), "--solutions",
                             str(tmp_path / "solutions"), "--out", str(tmp_path / "grades"), "--timeout", "10"],
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=900)
    assert graded.returncode == 0, graded.stdout + graded.stderr
    with open(tmp_path / "grades" / "gradebook.csv", newline="", encoding="utf-8") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    mine = {s: tuple(float(rows[s][x].startswith("✅")) for x in (DOUBLE_NAME, ADD_NAME)) for s in SUBMISSIONS}

    assert mine["alice"] == theirs["alice"] == (1.0, 1.0)
    assert mine["bob"] == theirs["bob"] == (0.0, 0.0)  # stubs: ⏳ raises under nbgrader
    assert mine["faker"] == theirs["faker"] == (0.0, 0.0)  # nbgrader restores the locked check, and counts a
    # deleted one as 0; grade.py rebuilds the notebook from the solution
    assert mine["crasher"] == theirs["crasher"] == (0.0, 0.0)
    assert mine["looper"] == theirs["looper"] == (0.0, 0.0)  # the exception, then the endless loop: both 0
    # Where they differ: a kernel that dies in exercise 2 after a right exercise 1. nbgrader gives up on the
    # whole notebook (0 for every check); grade.py reruns it with exercise 2 as a stub and keeps exercise 1.
    assert mine["quitter"] == (1.0, 0.0) and theirs["quitter"] == (0.0, 0.0)
