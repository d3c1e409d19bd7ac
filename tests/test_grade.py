"""tools/grade.py on submissions made here: a two-exercise lecture written by the test, every way a
submission can go wrong (wrong, stub, faked or deleted check, exception, endless loop, dead kernel,
not JSON), submissions that attack the grading (patched checks, a ✅-printing hook, an always-equal
answer, a killed grader, a deleted output folder), a grader killed mid-run, and one real lecture end
to end."""

import csv
import os
import signal
import subprocess
import sys
import time

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


def grade(*args, tmp=None, cwd=None):
    """Run the grader; with `tmp`, its temporary folder (TMPDIR) is that one, to see what it leaves there."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **({"TMPDIR": str(tmp)} if tmp else {})}
    return subprocess.run([sys.executable, str(ROOT / "tools" / "grade.py"), *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=600, cwd=cwd)


def processes_in(folder):
    """The processes whose working directory is in `folder` (a kernel or worker left running)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if str(folder) in os.readlink(f"/proc/{pid}/cwd"):
                found.append(int(pid))
        except OSError:
            pass
    return found


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


FAKE_CHECK = "lambda name, test: print(f'✅ {name}: correct.')"
PRINTS_PASS = "lambda *args: print('✅ Exercise 1 (double): correct.\\n✅ Exercise 2 (add): correct.')"
OUT_NAMES = ("grades", "submissions")  # the folders the wiper looks for, up to three levels above where it runs


def attacks():
    """{student: {cell index: source}}: submissions that attack the grading, each a different way. Written the plain
    way, the static screen finds them (the code is not run); written around it (names built from strings), the
    guards between cells find them at run time."""
    wrong_add = "def add(a, b):\n    return a - b"
    return {
        # plain patches of the check: found by the screen, the exercise not run; exercise 2 is right
        "patcher": {4: f"from utils import checks\nchecks.check = {FAKE_CHECK}\ndef double(x):\n    return x"},
        # the same through sys.modules, hidden from the screen: found by the guard, which loads the checks afresh
        "sneaky": {4: "import sys\ndef double(x):\n    return x\nm = getattr(sys, 'mod' + 'ules')['utils.checks']\n"
                      f"setattr(m, 'check', {FAKE_CHECK})", 9: wrong_add},
        # an IPython hook that prints ✅ after every cell: the verdict is the check cell's reply, not printed text
        "hooker": {4: "import sys\ndef double(x):\n    return x\n"
                      "shell = getattr(sys, 'mod' + 'ules')['IPython'].get_ipython()\n"
                      f"getattr(shell, 'eve' + 'nts').register('post_run_cell', {PRINTS_PASS})", 9: wrong_add},
        # answers that equal anything: a class of its own (screen), one made with type() (guard)
        "equaler": {4: "class Yes:\n    def __eq__(self, other):\n        return True\n\n"
                       "def double(x):\n    return Yes()",
                    9: "Yes = type('Yes', (int,), {'__e' + 'q__': lambda self, other: True})\n\n"
                       "def add(a, b):\n    return Yes(0)"},
        # kills its kernel's parent: that was the grader, now it is the worker of this attempt
        "killer": {9: "import os\ndef add(a, b):\n    return a + b\n"
                      "getattr(os, 'ki' + 'll')(getattr(os, 'getp' + 'pid')(), 9)"},
    }


def wiper(out, subs):
    """Exercise 2 right, and it deletes the output folder (and the submissions) wherever it can find them: from its
    environment ($PWD, $OLDPWD), by relative paths, and by the absolute paths (as if it had found them in /proc)."""
    return {9: "import os, shutil\ndef add(a, b):\n    return a + b\n"
               "print('PWD', os.environ.get('PWD'), 'OLDPWD', os.environ.get('OLDPWD'))\n"
               "for base in {os.environ.get('PWD') or '.', os.environ.get('OLDPWD') or '.', os.getcwd()}:\n"
               "    for up in range(4):\n"
               f"        for name in {OUT_NAMES!r}:\n"
               "            shutil.rmtree(os.path.join(base, *['..'] * up, name), ignore_errors=True)\n"
               f"for folder in ({str(out)!r}, {str(subs)!r}):\n"
               "    shutil.rmtree(folder, ignore_errors=True)"}


def test_submissions_that_attack_the_grading_get_no_points_and_stop_nobody(tmp_path):
    solutions, subs, out, temp = tmp_path / "solutions", tmp_path / "submissions", tmp_path / "grades", tmp_path / "tmp"
    save(solutions / "50_fake.ipynb", lecture_cells())
    temp.mkdir()
    for student in ("alice", "zoe"):  # right answers, graded before and after the others
        submission(subs, student)
    for student, cells in attacks().items():
        submission(subs, student, cells)

    result = grade("submissions", "--solutions", solutions, "--out", "grades", "--timeout", 20, "--jobs", 2,
                   tmp=temp, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = gradebook(out / "gradebook.csv")
    assert sorted(rows) == ["alice", "equaler", "hooker", "killer", "patcher", "sneaky", "zoe"]
    grades = {s: (r[DOUBLE_NAME], r[ADD_NAME], r["total"]) for s, r in rows.items()}

    assert grades["alice"] == grades["zoe"] == ("✅", "✅", "2")
    assert rows["alice"]["status"] == rows["zoe"]["status"] == "ok"
    assert grades["patcher"] == ("tampered: assigns checks.check (not run)", "✅", "1")
    assert grades["sneaky"][0].startswith("tampered:") and "utils.checks" in grades["sneaky"][0]
    assert grades["sneaky"][1:] == ("❌ add(2, 5) should be 7, not -3.", "0")  # checked by the real check again
    assert grades["hooker"][0] == "tampered: registered an IPython post_run_cell callback"
    assert grades["hooker"][1:] == ("❌ add(2, 5) should be 7, not -3.", "0")
    assert grades["equaler"][0] == "tampered: defines __eq__ (not run)"
    assert grades["equaler"][1] == "tampered: defines __eq__ in class Yes" and grades["equaler"][2] == "0"
    assert grades["killer"] == ("✅", "crash (the grading worker was killed)", "1")
    assert "exercise 2 killed the grading worker: graded again" in rows["killer"]["status"]
    for student in rows:
        assert (out / "executed" / student / "50_fake.ipynb").is_file(), student
    assert (out / "gradebook.md").read_text().count("\n| ") == 1 + 7
    # nothing left behind: no scratch folder, no kernel or worker still running (the killer's kernel was orphaned)
    assert list(temp.iterdir()) == []
    assert processes_in(tmp_path) == []


def test_a_submission_that_deletes_the_output_folder_loses_nothing(tmp_path):
    solutions, subs, out, temp = tmp_path / "solutions", tmp_path / "submissions", tmp_path / "grades", tmp_path / "tmp"
    save(solutions / "50_fake.ipynb", lecture_cells())
    temp.mkdir()
    for student in ("alice", "zoe"):  # graded before and after it (one at a time: the grader can say who did it)
        submission(subs, student)
    submission(subs, "wiper", wiper(out, subs))

    result = grade("submissions", "--solutions", solutions, "--out", "grades", "--timeout", 20,
                   tmp=temp, cwd=tmp_path)  # run from the folder that holds grades/, as an instructor would
    assert result.returncode == 0, result.stdout + result.stderr
    rows = gradebook(out / "gradebook.csv")
    assert {s: r["total"] for s, r in rows.items()} == {"alice": "2", "wiper": "1", "zoe": "2"}
    assert rows["wiper"][ADD_NAME].startswith("tampered: deleted or changed") and rows["wiper"][DOUBLE_NAME] == "✅"
    assert rows["alice"]["status"] == rows["zoe"]["status"] == "ok"  # zoe's notebook was read before it ran
    # it found no grader path in its environment; what it deleted (alice's notebook, the gradebook) was put back
    executed = nbformat.read(out / "executed" / "wiper" / "50_fake.ipynb", as_version=4)
    assert "PWD None OLDPWD None" in "".join(o.get("text", "") for o in executed.cells[9].outputs)
    for student in rows:
        assert (out / "executed" / student / "50_fake.ipynb").is_file(), student
    assert list(temp.iterdir()) == [] and processes_in(tmp_path) == []


def test_the_screen_lets_every_solution_through_and_names_tampering():
    """The static screen, on the course's own exercise solutions (nothing flagged) and on tampering written plainly."""
    from grade import check_names, lecture_imports, load_lecture, screen

    for path in sorted(SOLUTIONS.glob("[0-9][0-9]_*.ipynb")):
        lecture = load_lecture(path)
        imports, checked = lecture_imports(lecture), check_names(lecture)
        for exercise in lecture.exercises:
            assert screen(lecture.nb.cells[exercise.cell].source, imports, checked) == [], (path.name, exercise.name)
    imports, checked = {"checks": "utils.checks", "torch": "torch", "data": "utils.data"}, ["checks", "torch"]
    flagged = {
        "checks.check = print": "assigns checks.check",
        "torch.Tensor.__eq__ = lambda s, o: True": "assigns torch.Tensor.__eq__",
        "import numpy as torch": "rebinds torch (imported by the lecture) to numpy",
        "get_ipython().events.register('post_run_cell', print)": "uses get_ipython",
        "import os\nos.kill(os.getppid(), 9)": "calls os.kill",
        "from signal import SIGKILL": "imports signal",
        "import sys\nsys.modules['utils.checks'].check = print": "uses .modules",
        "vars(checks)['check'] = print": "uses vars",
        "setattr(checks, 'check', print)": "calls setattr(checks, ...)",
        "class A:\n    def __eq__(self, other):\n        return True": "defines __eq__",
        "def print(*args):\n    pass": "rebinds print",
        "%%time\nimport ctypes": "imports ctypes",
    }
    for code, what in flagged.items():
        assert what in screen(code, imports, checked), code
    # a variable named like an import the checks do not read, a helper, an allowed magic: the student's business
    assert screen("data = [1, 2]\n%time total = sum(data)\ndef helper(x):\n    return 2 * x", imports, checked) == []


def test_a_killed_grader_keeps_the_rows_it_wrote(tmp_path):
    solutions, subs, out, temp = tmp_path / "solutions", tmp_path / "submissions", tmp_path / "grades", tmp_path / "tmp"
    save(solutions / "50_fake.ipynb", lecture_cells())
    temp.mkdir()
    submission(subs, "alice")
    submission(subs, "bob", {4: "import time\ndef double(x):\n    time.sleep(60)"})  # graded after alice: slow
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(temp)}
    grader = subprocess.Popen([sys.executable, str(ROOT / "tools" / "grade.py"), str(subs), "--solutions",
                               str(solutions), "--out", str(out), "--timeout", "100"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while "alice" not in gradebook_text(out) and time.monotonic() < deadline and grader.poll() is None:
            time.sleep(0.5)
        grader.kill()  # as a submission that found the grader's process could, or an instructor's Ctrl-\\
        grader.wait()
        assert gradebook(out / "gradebook.csv")["alice"]["total"] == "2"
        assert (out / "executed" / "alice" / "50_fake.ipynb").is_file()
    finally:
        for pid in processes_in(tmp_path):  # bob's worker and kernel, orphaned with the grader
            os.kill(pid, signal.SIGKILL)


def gradebook_text(out):
    try:
        return (out / "gradebook.csv").read_text()
    except OSError:
        return ""


LECTURE_08 = SOLUTIONS / "08_autoencoders.ipynb"
PATCH_CHECKS = "m = getattr(sys, 'mod' + 'ules')['utils.checks']\nsetattr(m, 'check', " + FAKE_CHECK + ")"


@pytest.fixture(scope="module")
def lecture_08(tmp_path_factory):
    """Lecture 08 graded for two students at once: eve, the student notebook with its first exercise solved (the
    solution cell pasted in) and the others stubs; mallet, who trains nothing and patches the checks in every
    exercise (plainly in the first, around the static screen in the others)."""
    tmp_path = tmp_path_factory.mktemp("lecture_08")
    solution = nbformat.read(LECTURE_08, as_version=4)
    answers = [c for c in solution.cells if is_exercise(c)]
    for student in ("eve", "mallet"):
        nb = nbformat.read(STUDENTS / "08_autoencoders.ipynb", as_version=4)
        stubs = [i for i, c in enumerate(nb.cells) if "YOUR CODE HERE" in c.source]
        assert len(stubs) == len(answers) >= 2
        if student == "eve":
            nb.cells[stubs[0]].source = answers[0].source
        else:
            nb.cells[stubs[0]].source = (f"from utils import checks\nchecks.check = {FAKE_CHECK}\n\n"
                                         "def denoising_epoch(model, batches, corrupt, optimizer):\n"
                                         "    return 0.0  # trains nothing")
            for i in stubs[1:]:
                nb.cells[i].source = f"import sys\n{PATCH_CHECKS}"
        (tmp_path / "subs" / student).mkdir(parents=True)
        nbformat.write(nb, tmp_path / "subs" / student / "08_autoencoders.ipynb")
    result = grade(tmp_path / "subs", "--out", tmp_path / "grades", "--jobs", 2)
    assert result.returncode == 0, result.stdout + result.stderr
    return gradebook(tmp_path / "grades" / "gradebook.csv"), len(answers)


@pytest.mark.skipif(not LECTURE_08.exists(), reason="lecture 08 not in this checkout")
def test_real_lecture_stubs_wait_and_solutions_pass(lecture_08):
    rows, n = lecture_08
    row = rows["eve"]
    verdicts = [v for k, v in row.items() if k.startswith("Exercise")]
    assert verdicts == ["✅"] + ["⏳"] * (n - 1), row
    assert row["total"] == "1" and row["out_of"] == str(n) and row["status"] == "ok"


@pytest.mark.skipif(not LECTURE_08.exists(), reason="lecture 08 not in this checkout")
def test_real_lecture_patched_checks_get_nothing(lecture_08):
    rows, n = lecture_08
    row = rows["mallet"]
    verdicts = [v for k, v in row.items() if k.startswith("Exercise")]
    assert verdicts[0] == "tampered: assigns checks.check (not run)", row
    assert all(v.startswith("tampered:") and "utils.checks" in v for v in verdicts[1:]), row
    assert row["total"] == "0" and row["out_of"] == str(n), row  # not 3/3
