"""tools/grade.py on submissions made here: a two-exercise lecture written by the test, every way a
submission can go wrong (wrong, stub, faked or deleted check, exception, endless loop, dead kernel,
not JSON), and one real lecture end to end."""

import csv
import os
import subprocess
import sys

import nbformat
import pytest
from course import ROOT, SOLUTIONS, STUDENTS
from make_labs import is_exercise, stub_out

DOUBLE = "def double(x):\n    # BEGIN SOLUTION\n    return 2 * x\n    # END SOLUTION"
ADD = "def add(a, b):\n    # BEGIN SOLUTION\n    return a + b\n    # END SOLUTION"
CHECK_DOUBLE = ("def test_double():\n    assert double(3) == 6, f'double(3) should be 6, not {double(3)}.'\n\n"
                "checks.check('Exercise 1 (double)', test_double)")
CHECK_ADD = ("def test_add():\n    assert add(2, 5) == 7, f'add(2, 5) should be 7, not {add(2, 5)}.'\n\n"
             "checks.check('Exercise 2 (add)', test_add)")
DOUBLE_NAME, ADD_NAME = "Exercise 1 (double)", "Exercise 2 (add)"


def code(source, *tags):
    cell = nbformat.v4.new_code_cell(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def lecture_cells():
    md = nbformat.v4.new_markdown_cell
    return [md("# 50 · Fake"), code("from utils import checks"), md("## 1. Doubling"),
            md("### Exercise 1: double"), code(DOUBLE), code(CHECK_DOUBLE, "check"),
            code("HALF = 0.5  # lecture code between the exercises"), md("## 2. Adding"),
            md("### Exercise 2: add"), code(ADD), code(CHECK_ADD, "check")]


def save(path, cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = cells
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return nb


def submission(folder, student, replace=None, drop=()):
    """The solution notebook with some cells' sources replaced ({index: source}) and some cells dropped."""
    cells = lecture_cells()
    for i, source in (replace or {}).items():
        cells[i].source = source
    save(folder / student / "50_fake.ipynb", [c for i, c in enumerate(cells) if i not in drop])


def grade(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, str(ROOT / "tools" / "grade.py"), *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=600)


def gradebook(path):
    with open(path, newline="", encoding="utf-8") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


def test_every_kind_of_submission_gets_its_row(tmp_path):
    solutions, subs = tmp_path / "solutions", tmp_path / "submissions"
    save(solutions / "50_fake.ipynb", lecture_cells())
    save(solutions / "51_more.ipynb", lecture_cells())  # a second lecture, which nobody submitted
    submission(subs, "alice")  # right answers
    (subs / "alice" / "notes.ipynb").write_text("{}")  # matches no lecture: skipped with a warning
    submission(subs, "bob", {4: stub_out(DOUBLE, "x"), 9: stub_out(ADD, "x")})  # wrote nothing
    submission(subs, "faker", {4: "def double(x):\n    return x", 5: "print('✅ Exercise 1 (double): correct.')",
                               9: "def add(a, b):\n    return a - b"}, drop={10})  # faked and deleted checks
    submission(subs, "crasher", {4: "def double(x):\n    return x + 2",  # wrong: 3 + 2 = 5
                                 9: "import os\ndef add(a, b):\n    os._exit(1)"})
    submission(subs, "looper", {4: "1 / 0\ndef double(x):\n    return 2 * x",
                                9: "def add(a, b):\n    while True:\n        pass"})
    (subs / "mallory").mkdir()
    (subs / "mallory" / "50_fake.ipynb").write_text("{ this is not JSON")
    dave = [c for i, c in enumerate(lecture_cells()) if i != 9]  # no exercise cell 2
    dave[4].source = "def double(x):\n    return twice(x)"
    dave.insert(5, code("def twice(x):  # a helper cell the student added\n    return x * 2"))
    save(subs / "dave_50_fake.ipynb", dave)  # the flat layout
    submission(subs, "erin")
    save(subs / "erin" / "50_fake (1).ipynb", lecture_cells())  # two notebooks for one lecture: not guessed
    (subs / "frank").mkdir()  # nothing submitted
    out = tmp_path / "grades"

    result = grade(subs, "--solutions", solutions, "--out", out, "--timeout", 10, "--jobs", 2,
                   "--lecture", "50", "--lecture", "51")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "skipped alice/notes.ipynb" in result.stderr
    rows = gradebook(out / "gradebook_50_fake.csv")
    assert sorted(rows) == ["alice", "bob", "crasher", "dave", "erin", "faker", "frank", "looper", "mallory"]
    grades = {s: (r[DOUBLE_NAME], r[ADD_NAME], r["total"], r["out_of"]) for s, r in rows.items()}

    assert grades["alice"] == ("✅", "✅", "2", "2") and rows["alice"]["status"] == "ok"
    assert grades["dave"] == ("✅", "⏳ (no exercise cell found)", "1", "2")
    assert grades["bob"] == ("⏳", "⏳", "0", "2")
    # the edited check and the deleted one are the solution's again
    assert grades["faker"][:3] == ("❌ double(3) should be 6, not 3.", "❌ add(2, 5) should be 7, not -3.", "0")
    assert grades["crasher"][0] == "❌ double(3) should be 6, not 5." and grades["crasher"][1].startswith("crash")
    assert "exercise 2 crashed the kernel" in rows["crasher"]["status"]
    # the exception is reported, and the notebook went on to the next exercise, which ran too long
    assert grades["looper"][0].startswith("❌ the exercise cell raised ZeroDivisionError: division by zero;")
    assert grades["looper"][1].startswith("timeout") and "exercise 2 timed out" in rows["looper"]["status"]
    assert grades["mallory"][:3] == ("not run", "not run", "0")
    assert rows["mallory"]["status"].startswith("not a valid notebook")
    assert rows["erin"]["status"] == "2 notebooks for lecture 50: keep one" and grades["erin"][2] == "0"
    assert rows["frank"]["status"] == "no notebook for lecture 50" and grades["frank"][2] == "0"

    # one gradebook per lecture: for lecture 51, a row per student saying nothing was submitted
    assert {r["status"] for r in gradebook(out / "gradebook_51_more.csv").values()} == {"no notebook for lecture 51"}
    markdown = (out / "gradebook_50_fake.md").read_text()
    assert markdown.count("\n| ") == 1 + 9  # the header and one row per student
    assert "| alice | 2/2 | ✅ | ✅ | ok |" in markdown
    assert (out / "executed" / "alice" / "50_fake.ipynb").is_file()
    assert "| faker | 0/2 |" in result.stdout  # the summary is printed too


@pytest.mark.skipif(not (SOLUTIONS / "08_autoencoders.ipynb").exists(), reason="lecture 08 not in this checkout")
def test_real_lecture_stubs_wait_and_solutions_pass(tmp_path):
    """Lecture 08's student notebook with its first exercise solved (solution cell pasted in) and the others stubs."""
    solution = nbformat.read(SOLUTIONS / "08_autoencoders.ipynb", as_version=4)
    student = nbformat.read(STUDENTS / "08_autoencoders.ipynb", as_version=4)
    answers = [c for c in solution.cells if is_exercise(c)]
    stubs = [i for i, c in enumerate(student.cells) if "YOUR CODE HERE" in c.source]
    assert len(stubs) == len(answers) >= 2
    student.cells[stubs[0]].source = answers[0].source
    (tmp_path / "subs" / "eve").mkdir(parents=True)
    nbformat.write(student, tmp_path / "subs" / "eve" / "08_autoencoders.ipynb")

    result = grade(tmp_path / "subs", "--out", tmp_path / "grades")
    assert result.returncode == 0, result.stdout + result.stderr
    row = gradebook(tmp_path / "grades" / "gradebook.csv")["eve"]
    verdicts = [v for k, v in row.items() if k.startswith("Exercise")]
    assert verdicts == ["✅"] + ["⏳"] * (len(answers) - 1), row
    assert row["total"] == "1" and row["out_of"] == str(len(answers)) and row["status"] == "ok"
