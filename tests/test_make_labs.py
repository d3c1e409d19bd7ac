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


def lab_with(*cells):
    """A solution notebook with the given cells (nbformat cells) after the title and the Colab cell."""
    nb = lab()
    nb.cells += cells
    return nb


def refused(nb, match="mentions a solution"):
    with pytest.raises(SystemExit, match=match) as err:
        make_labs.student_version(nb, "99_test.ipynb")
    assert "99_test.ipynb, cell 2" in str(err.value), "the message names the notebook and the cell"


@pytest.mark.parametrize("marker", ["#BEGIN SOLUTION", "# begin solution", "# Begin Solution",
                                    "# BEGIN SOLUTION: use torch.bmm", "#  BEGIN_SOLUTION", "## BEGIN SOLUTION",
                                    "x = secret()  # BEGIN SOLUTION", "# START SOLUTION", "# solution:",
                                    "# Solution", "# ANSWER BELOW (SOLUTION)", '"""BEGIN SOLUTION"""',
                                    "'''\n    BEGIN SOLUTION\n    '''", "print('END SOLUTION')",
                                    "BEGIN_SOLUTION = True"])
def test_misspelt_begin_marker_is_refused(marker):
    source = f"def f(x):\n    {marker}\n    return 2 * x\n    # END SOLUTION\n"
    refused(lab(source))


@pytest.mark.parametrize("marker", ["#END SOLUTION", "# end solution", "# END SOLUTION (done)", "# STOP SOLUTION",
                                    "# solution ends here"])
def test_misspelt_end_marker_is_refused(marker):
    source = f"def f(x):\n    # BEGIN SOLUTION\n    return 2 * x\n    {marker}\n"
    refused(lab(source))


@pytest.mark.parametrize("source", ["def f(x):\n    return 2 * x\n    # END SOLUTION",  # END without BEGIN
                                    "# END SOLUTION\nsecret = 42",
                                    "def f(x):\n    # BEGIN SOLUTION\n    return 2 * x"])  # BEGIN without END
def test_unbalanced_markers_are_refused(source):
    refused(lab(source), match="without")


@pytest.mark.parametrize("text", ["# BEGIN SOLUTION\nThe answer is `2 * x`.\n# END SOLUTION",
                                  "**Solution:** return `2 * x`", "SOLUTION: 2 * x", "Solution\n2 * x",
                                  "### Begin solution"])
def test_markdown_that_marks_a_solution_is_refused(text):
    refused(lab_with(nbformat.v4.new_markdown_cell(text)))


def test_markdown_between_exact_markers_is_refused():
    nb = lab_with(nbformat.v4.new_code_cell("def f(x):\n    # BEGIN SOLUTION"),
                  nbformat.v4.new_markdown_cell("return 2 * x"), nbformat.v4.new_code_cell("    # END SOLUTION"))
    refused(nb, match="without")


def test_exact_markers_are_stubbed_and_names_may_contain_the_word():
    source = ("def f(X, y):\n    # BEGIN SOLUTION\n    return torch.linalg.lstsq(X, y).solution\n    # END SOLUTION\n"
              "%time f(X, y)")
    prose = nbformat.v4.new_markdown_cell("The least-squares solution also solves the normal equations.")
    student = make_labs.student_version(lab_with(nbformat.v4.new_code_cell(source), prose), "99_test.ipynb")
    assert "lstsq" not in student.cells[2].source and "raise NotImplementedError" in student.cells[2].source
    assert student.cells[3].source == prose.source


def test_a_comment_about_solutions_is_refused():
    refused(lab("def f(x):\n    # In the end, solutions differ\n    # BEGIN SOLUTION\n    return 2 * x\n"
                "    # END SOLUTION"))


def test_a_refused_notebook_writes_no_student_copy(course, monkeypatch):
    solution, student = course
    nbformat.write(lab("def f(x):\n    # START SOLUTION\n    return 2 * x\n    # STOP SOLUTION"), solution)
    with pytest.raises(SystemExit, match="99_test.ipynb, cell 2"):
        run(monkeypatch)
    assert not student.exists()
