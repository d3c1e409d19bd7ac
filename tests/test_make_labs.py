"""The labs generator on tiny notebooks made here: no solution leaks, hand edits are not lost silently."""

import sys

import make_labs
import nbformat
import pytest

TITLE = ("# 99 · Test\n[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
         "(https://colab.research.google.com)")


def lab(*sources):
    """A minimal solution notebook: title with badge, Colab cell, then the given code cells."""
    nb = nbformat.v4.new_notebook()
    setup = nbformat.v4.new_code_cell("")
    setup.metadata["tags"] = ["colab-setup"]
    nb.cells = [nbformat.v4.new_markdown_cell(TITLE), setup, *map(nbformat.v4.new_code_cell, sources)]
    return nb


@pytest.mark.parametrize("marker", ["#BEGIN SOLUTION", "# begin solution", "# Begin Solution",
                                    "# BEGIN SOLUTION: use torch.bmm", "#  BEGIN_SOLUTION", "## BEGIN SOLUTION",
                                    "x = secret()  # BEGIN SOLUTION"])
def test_misspelt_begin_marker_is_refused(marker):
    source = f"def f(x):\n    {marker}\n    return 2 * x\n    # END SOLUTION\n"
    with pytest.raises(SystemExit, match="looks like a solution marker"):
        make_labs.student_version(lab(source), "99_test.ipynb")


@pytest.mark.parametrize("marker", ["#END SOLUTION", "# end solution", "# END SOLUTION (done)"])
def test_misspelt_end_marker_is_refused(marker):
    source = f"def f(x):\n    # BEGIN SOLUTION\n    return 2 * x\n    {marker}\n"
    with pytest.raises(SystemExit, match="looks like a solution marker"):
        make_labs.student_version(lab(source), "99_test.ipynb")


def test_exact_markers_are_stubbed_and_prose_is_not_a_marker():
    source = "def f(x):\n    # In the end, solutions differ\n    # BEGIN SOLUTION\n    return 2 * x\n    # END SOLUTION"
    student = make_labs.student_version(lab(source), "99_test.ipynb")
    assert "return 2 * x" not in student.cells[2].source and "raise NotImplementedError" in student.cells[2].source


@pytest.fixture
def course(tmp_path, monkeypatch):
    """A course of one lab in tmp_path, with make_labs pointed at it."""
    solutions, students = tmp_path / "labs_solutions", tmp_path / "notebooks"
    solutions.mkdir()
    nbformat.write(lab("def f(x):\n    # BEGIN SOLUTION\n    return 2 * x\n    # END SOLUTION\n"),
                   solutions / "99_test.ipynb")
    monkeypatch.setattr(make_labs, "SOLUTIONS", solutions)
    monkeypatch.setattr(make_labs, "STUDENTS", students)
    monkeypatch.setattr(make_labs, "WRITTEN", tmp_path / "runs" / "make_labs.json")
    return solutions / "99_test.ipynb", students / "99_test.ipynb"


def run(monkeypatch, *args):
    monkeypatch.setattr(sys, "argv", ["make_labs.py", *args])
    return make_labs.main()


def test_student_notebook_edited_by_hand_is_not_overwritten_silently(course, monkeypatch, capsys):
    solution, student = course
    assert run(monkeypatch) == 0 and student.exists()
    edited = nbformat.read(student, as_version=4)
    edited.cells.append(nbformat.v4.new_markdown_cell("my notes"))  # an edit by hand
    nbformat.write(edited, student)
    before = student.read_bytes()
    changed = nbformat.read(solution, as_version=4)
    changed.cells.append(nbformat.v4.new_code_cell("print('new lecture cell')"))
    nbformat.write(changed, solution)
    assert run(monkeypatch) == 1
    assert "was edited by hand" in capsys.readouterr().err and student.read_bytes() == before
    assert run(monkeypatch, "--force") == 0
    assert "my notes" not in student.read_text() and "new lecture cell" in student.read_text()
    changed.cells.append(nbformat.v4.new_code_cell("print('another')"))
    nbformat.write(changed, solution)
    assert run(monkeypatch) == 0  # what make_labs wrote itself is regenerated without a word
