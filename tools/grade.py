"""Grade a folder of submitted student notebooks and write a gradebook (CSV and markdown).

    python tools/grade.py SUBMISSIONS                      # every lecture found, smoke profile, into ./grades
    python tools/grade.py SUBMISSIONS --lecture 03 --out grades03 --jobs 2
    python tools/grade.py SUBMISSIONS --profile cpu --timeout 1200   # a longer lesson: allow longer cells

Layout of SUBMISSIONS, one folder per student (the folder name is the student's name):

    SUBMISSIONS/alice/03_cnn_mnist.ipynb
    SUBMISSIONS/bob/03_cnn_mnist (1).ipynb      # any name starting with the lecture number NN_
    SUBMISSIONS/carol_03_cnn_mnist.ipynb        # or flat: <student>_<NN_topic>.ipynb

A notebook's lecture is the number its file name starts with (flat layout: the NN_topic it ends
with). Hidden files and folders (.ipynb_checkpoints, ...) are skipped; a student with two notebooks
for one lecture gets a row saying so, not a guess.

What runs. Each submission is rebuilt before it runs: the graded notebook is the *solution*
notebook (labs_solutions/NN_topic.ipynb), in which each exercise cell is replaced by the student's
code for that exercise; every other cell, the check cells included, comes from the solution. So an
edited or deleted check cannot fake a pass, an edited lecture cell changes nothing, and the data,
sizes and reference code are the course's. The student's code for exercise k is every code cell
between the student's `### Exercise k: ...` heading and the first cell that is a check (tag
`check` or a `checks.check(` call), a heading, or a lecture cell of the solution (same cell id or
same source): the exercise cell and any helper cells the student added there, in order. Without
that heading, the student's cell with the exercise cell's id is used; without either, the stub
(the check says ⏳). Code a student wrote elsewhere (e.g. in a lecture cell) is not run. The other
way round, the student's notebook with the solution's checks put back, would run whatever a student
changed in the lecture cells (a smaller test set, a redefined reference function) and would have to
guess where a check goes once cells were moved or deleted; here only exercise code varies.

How it runs. One fresh kernel per notebook (--jobs at once), in a scratch folder, with checks that
print instead of raising, each cell under a time limit (--timeout, default 120 s, ample for the
smoke profile; the lecture cells of cpu and full train longer), and errors allowed: an
exception in an exercise cell is shown by its check as ❌. When a cell of exercise k times out
or kills the kernel (e.g. `os._exit`), exercise k gets "timeout" or "crash" and the notebook is
run again from the start with exercise k left as its stub, so the other exercises are still
graded. A timeout or crash in lecture code leaves the exercises after it "not run". A file that is
not a valid notebook gets its row with the reason and is not run; the other students are graded.

Gradebook. One row per student, one column per exercise (✅, ❌ with the check's message, ⏳,
timeout, crash, or not run), the total of ✅, and a status saying what went wrong if anything.
Written to OUT/gradebook.csv and OUT/gradebook.md (OUT/gradebook_NN_topic.* when several lectures
are graded), the executed notebooks to OUT/executed/<student>/NN_topic.ipynb.

Grading runs the students' code with your rights: do it on a machine you trust with nothing to
lose, or in a container. The checks catch mistakes, not cheating: code in an exercise cell can
still patch the check it runs under, so read the code of surprising passes.
"""

from __future__ import annotations

import argparse
import copy
import csv
import functools
import os
import re
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from course import ROOT, SOLUTIONS, notebooks, read, write
from make_labs import is_exercise, stub_out
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from run_course import IPCKernelManager, check_kernel, kernel_env

sys.path.insert(0, str(ROOT))
from utils.checks import STRICT_ENV  # noqa: E402
from utils.env import ProfileError, pick_profile  # noqa: E402

HEADING = re.compile(r"^###\s*Exercise\s+(\d+)\s*:\s*(.*)$")
CHECK_NAME = re.compile(r"""check\(\s*["'](Exercise \d+ \([^"']*\))["']""")
CHECK_CALL = re.compile(r"\bchecks?\.check\(")
VERDICT = re.compile(r"^\s*(✅|❌|⏳)\s*(.*)$", re.MULTILINE)
NUMBER = re.compile(r"^(\d\d)[^0-9]")
NOT_RUN = "not run"


@dataclass
class Exercise:
    """One exercise of a solution notebook: its number, check name and cell positions."""

    number: int
    name: str  # as its check prints it: "Exercise k (name)"
    cell: int  # the exercise cell (the one with the solution markers)
    check: int  # its check cell


@dataclass
class Lecture:
    path: Path
    nb: object
    exercises: list[Exercise]

    @property
    def stem(self) -> str:
        return self.path.stem


@dataclass
class Row:
    student: str
    notebook: str  # the submitted file, relative to SUBMISSIONS
    results: dict[str, str] = field(default_factory=dict)  # exercise name -> cell text
    status: str = "ok"
    seconds: float = 0.0

    def total(self) -> int:
        return sum(v.startswith("✅") for v in self.results.values())


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def exercises_of(nb, name: str) -> list[Exercise]:
    """The exercises of a solution notebook: each `### Exercise k:` heading, the exercise cell after it, its check."""
    found = []
    cells = nb.cells
    for i, cell in enumerate(cells):
        match = HEADING.match(first_line(cell.source)) if cell.cell_type == "markdown" else None
        if not match:
            continue
        exercise = next((j for j in range(i + 1, len(cells)) if is_exercise(cells[j])), None)
        check = next((j for j in range((exercise or i) + 1, len(cells))
                      if "check" in cells[j].metadata.get("tags", [])), None)
        if exercise is None or check is None:
            raise SystemExit(f"{name}: {first_line(cell.source)!r} has no exercise cell and check cell after it")
        called = CHECK_NAME.search(cells[check].source)
        label = called.group(1) if called else f"Exercise {match.group(1)} ({match.group(2).strip()})"
        found.append(Exercise(int(match.group(1)), label, exercise, check))
    return found


def load_lecture(path: Path) -> Lecture:
    nb = read(path)
    return Lecture(path, nb, exercises_of(nb, path.name))


def find_submissions(folder: Path, lectures: dict[str, Path]) -> tuple[dict, set[str], list[str]]:
    """{(student, lecture number): [paths]}, every student (a folder with no notebook too), and warnings
    about the files that match no lecture."""
    found: dict[tuple[str, str], list[Path]] = {}
    students, warnings = set(), []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith((".", "__")):
            continue
        if entry.is_dir():
            students.add(entry.name)
            for path in sorted(entry.rglob("*.ipynb")):
                if any(part.startswith(".") for part in path.relative_to(entry).parts):
                    continue
                number = NUMBER.match(path.name)
                if number and number.group(1) in lectures:
                    found.setdefault((entry.name, number.group(1)), []).append(path)
                else:
                    warnings.append(f"skipped {path.relative_to(folder)}: its name does not start with a "
                                    f"lecture number ({', '.join(sorted(lectures))})")
        elif entry.suffix == ".ipynb":
            lecture = next((n for n, path in lectures.items() if entry.name.endswith(f"_{path.name}")), None)
            if lecture is None:
                warnings.append(f"skipped {entry.name}: not <student>_NN_topic.ipynb for a lecture of the course")
                continue
            student = entry.name[: -len(lectures[lecture].name) - 1]
            students.add(student)
            found.setdefault((student, lecture), []).append(entry)
    return found, students, warnings


def student_answer(student_nb, lecture: Lecture, exercise: Exercise) -> str | None:
    """The student's code for `exercise` (see the module docstring), or None when there is none."""
    solution = lecture.nb.cells
    lecture_cells = [c for i, c in enumerate(solution) if i not in {e.cell for e in lecture.exercises}]
    lecture_ids = {c.get("id") for c in lecture_cells} - {None}
    lecture_sources = {c.source.strip() for c in lecture_cells if c.source.strip()}
    cells = student_nb.cells
    start = next((i for i, c in enumerate(cells) if c.get("cell_type") == "markdown"
                  and (m := HEADING.match(first_line(c.get("source", "")))) and int(m.group(1)) == exercise.number),
                 None)
    if start is not None:
        region = []
        for cell in cells[start + 1:]:
            source = cell.get("source", "")
            if (cell.get("id") in lecture_ids or source.strip() in lecture_sources
                    or "check" in cell.get("metadata", {}).get("tags", [])
                    or (cell.get("cell_type") == "markdown" and source.lstrip().startswith("#"))
                    or (cell.get("cell_type") == "code" and CHECK_CALL.search(source))):
                break
            if cell.get("cell_type") == "code" and source.strip():
                region.append(source)
        if region:
            return "\n\n".join(region)
    wanted = solution[exercise.cell].get("id")
    same_id = [c for c in cells if wanted and c.get("id") == wanted and c.get("cell_type") == "code"]
    return same_id[0].get("source", "") if same_id else None


def graded_notebook(student_nb, lecture: Lecture, stubbed: set[int]):
    """The solution notebook with the student's exercise cells (stubs for `stubbed` and missing ones), no outputs."""
    nb = copy.deepcopy(lecture.nb)
    missing = set()
    for exercise in lecture.exercises:
        cell = nb.cells[exercise.cell]
        answer = None if exercise.number in stubbed else student_answer(student_nb, lecture, exercise)
        if answer is None:
            missing.add(exercise.number)
        cell.source = stub_out(cell.source, lecture.path.name) if answer is None else answer
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb, missing - stubbed


def execute(nb, kernel: str, env: dict, timeout: int) -> tuple[str | None, int | None]:
    """Run `nb` cell by cell in a fresh kernel (outputs land in `nb`); return (None, None), or what stopped
    the run ("timeout" / "crash" / "kernel: reason") and the index of the cell it stopped in."""
    workdir = Path(tempfile.mkdtemp(prefix="grade-"))  # the kernel's cwd (student files) and its sockets
    manager = IPCKernelManager(kernel_name=kernel, ip=str(workdir / "kernel-ipc"))
    client = NotebookClient(nb, km=manager, timeout=timeout, allow_errors=True, shutdown_kernel="immediate",
                            resources={"metadata": {"path": str(workdir)}})
    index = None
    try:
        with client.setup_kernel(env=env, cleanup_kc=True):
            for index, cell in enumerate(nb.cells):
                try:
                    client.execute_cell(cell, index)
                except CellTimeoutError:
                    return "timeout", index
                except DeadKernelError:
                    return "crash", index
        return None, None
    except DeadKernelError:  # the kernel died while shutting down (e.g. a thread the student left running)
        return None, None
    except Exception as err:  # the kernel did not start, or the client lost it
        return f"kernel: {type(err).__name__}: {' '.join(str(err).split())[:200]}", index
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def verdict(nb, exercise: Exercise) -> str:
    """What the check of `exercise` said in the executed notebook: ✅, ❌ message, or ⏳."""
    check = nb.cells[exercise.check]
    text = "".join(o.get("text", "") for o in check.outputs if o.output_type == "stream")
    found = VERDICT.findall(text)
    if found:
        symbol, message = found[-1]  # the check prints its verdict last
        message = message.removeprefix(f"{exercise.name}:").strip()
        result = "✅" if symbol == "✅" else "⏳" if symbol == "⏳" else f"❌ {message}"
    else:
        errors = [o for o in check.outputs if o.output_type == "error"]
        result = (f"❌ the check stopped with {errors[0].ename}: {errors[0].evalue}" if errors
                  else "❌ the check printed no verdict")
    raised = [o for o in nb.cells[exercise.cell].outputs if o.output_type == "error"]
    if raised and result.startswith("❌"):  # the first error is the one to fix
        result = f"❌ the exercise cell raised {raised[0].ename}: {raised[0].evalue}; then the check said: {result[2:]}"
    return " ".join(result.split())


def grade(path: Path, lecture: Lecture, kernel: str, env: dict, timeout: int, executed: Path) -> dict:
    """Grade one submitted notebook: {"results": {exercise name: text}, "status": ...}."""
    names = [e.name for e in lecture.exercises]
    try:
        submitted = read(path)
        if not isinstance(submitted.get("cells"), list):
            raise ValueError("it has no list of cells")
    except Exception as err:
        reason = " ".join(str(err).split())[:200]
        return {"results": dict.fromkeys(names, NOT_RUN),
                "status": f"not a valid notebook ({type(err).__name__}: {reason}); not run"}
    by_cell = {i: e for e in lecture.exercises for i in (e.cell, e.check)}
    stopped: dict[int, str] = {}  # exercise number -> "timeout ..." / "crash ..." from an earlier run
    notes = []
    while True:
        nb, missing = graded_notebook(submitted, lecture, set(stopped))
        problem, index = execute(nb, kernel, env, timeout)
        culprit = by_cell.get(index)
        if problem in ("timeout", "crash") and culprit and culprit.number not in stopped:
            k = culprit.number
            if problem == "timeout":
                stopped[k] = f"timeout (a cell ran over {timeout} s)"
                notes.append(f"exercise {k} timed out: graded again with exercise {k} left as a stub")
            else:
                stopped[k] = "crash (the kernel died)"
                notes.append(f"exercise {k} crashed the kernel: graded again with exercise {k} left as a stub")
            continue  # run again from the start, this exercise as a stub
        break
    results = {}
    reached = len(nb.cells) if not problem else index or 0  # checks from here on did not run
    for exercise in lecture.exercises:
        if exercise.number in stopped:
            results[exercise.name] = stopped[exercise.number]
        elif exercise.check >= reached:
            results[exercise.name] = NOT_RUN
        else:
            results[exercise.name] = verdict(nb, exercise)
            if exercise.number in missing and results[exercise.name] == "⏳":
                results[exercise.name] = "⏳ (no exercise cell found)"
    if problem:
        where = f"in cell {index + 1}" if index is not None else "at start-up"
        what = {"timeout": f"a cell ran over {timeout} s", "crash": "the kernel died"}.get(
            problem, f"the kernel failed ({problem.removeprefix('kernel: ')})")
        notes.append(f"{what} {where}, outside the exercises: the checks from there on were not run")
    write(nb, executed)
    return {"results": results, "status": "; ".join(notes) or "ok"}


def md_cell(text) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def write_gradebook(rows: list[Row], lecture: Lecture, out: Path, suffix: str) -> tuple[Path, Path, str]:
    names = [e.name for e in lecture.exercises]
    n = len(names)
    csv_path, md_path = out / f"gradebook{suffix}.csv", out / f"gradebook{suffix}.md"
    with open(csv_path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "notebook", *names, "total", "out_of", "status"])
        for r in rows:
            writer.writerow([r.student, r.notebook, *(r.results[x] for x in names), r.total(), n, r.status])
    lines = [f"# Gradebook: {lecture.stem}", "",
             "| student | total | " + " | ".join(md_cell(x) for x in names) + " | status |",
             "|---|---:|" + "---|" * n + "---|"]
    for r in rows:
        cells = [r.student, f"{r.total()}/{n}", *(r.results[x] for x in names), r.status]
        lines.append("| " + " | ".join(md_cell(c) for c in cells) + " |")
    table = "\n".join(lines)
    md_path.write_text(table + "\n", encoding="utf-8")
    return csv_path, md_path, table


def grade_row(student: str, paths: list[Path], lecture: Lecture, args, env: dict, out: Path) -> Row:
    """The gradebook row of one student for one lecture."""
    names = [e.name for e in lecture.exercises]
    number = lecture.path.name[:2]
    row = Row(student, ", ".join(str(p.relative_to(args.submissions)) for p in paths))
    if len(paths) != 1:
        row.results = dict.fromkeys(names, NOT_RUN)
        row.status = (f"no notebook for lecture {number}" if not paths
                      else f"{len(paths)} notebooks for lecture {number}: keep one")
        return row
    start = time.perf_counter()
    try:
        executed = out / "executed" / student / lecture.path.name
        graded = grade(paths[0], lecture, args.kernel, env, args.timeout, executed)
        row.results, row.status = graded["results"], graded["status"]
    except Exception as err:  # a fault of the grader on one notebook must not stop the others
        row.results = dict.fromkeys(names, NOT_RUN)
        row.status = f"grader error: {type(err).__name__}: {' '.join(str(err).split())[:200]}"
    row.seconds = round(time.perf_counter() - start, 1)
    print(f"{student}, {row.notebook}: {row.total()}/{len(names)} in {row.seconds} s; {row.status}", flush=True)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("submissions", type=Path, help="folder of submissions (one folder per student)")
    parser.add_argument("--lecture", action="append", default=[],
                        help="grade only this lecture (number, e.g. 03; repeatable; default: all submitted)")
    parser.add_argument("--out", type=Path, default=Path("grades"), help="output folder (default: ./grades)")
    parser.add_argument("--profile", default="smoke", help="smoke (default), cpu or full")
    parser.add_argument("--timeout", type=int, default=120, help="seconds allowed per cell (default: 120)")
    parser.add_argument("--solutions", type=Path, default=SOLUTIONS,
                        help="folder of the solution notebooks (default: labs_solutions/)")
    parser.add_argument("--kernel", default="python3", help="Jupyter kernel name (default: python3)")
    parser.add_argument("--jobs", type=int, default=1, help="notebooks graded at once (default: 1)")
    args = parser.parse_args()

    try:
        profile = pick_profile(args.profile)
    except ProfileError as err:
        raise SystemExit(str(err)) from None
    if not args.submissions.is_dir():
        raise SystemExit(f"{args.submissions} is not a folder of submissions")
    check_kernel(args.kernel)
    lectures = {path.name[:2]: path for path in notebooks(args.solutions.resolve())}  # read when graded
    unknown = [x for x in args.lecture if x[:2] not in lectures]
    if unknown:
        raise SystemExit(f"no solution notebook for lecture {', '.join(unknown)} in {args.solutions}")
    found, students, warnings = find_submissions(args.submissions, lectures)
    for line in warnings:
        print(f"warning: {line}", file=sys.stderr)
    wanted = sorted({x[:2] for x in args.lecture} or {n for (_, n) in found})
    students = sorted(students)
    if not wanted or not students:
        raise SystemExit(f"no submitted notebook found in {args.submissions} (see --help for the layout)")
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    for number in wanted:
        lecture = load_lecture(lectures[number])
        if not lecture.exercises:
            print(f"skipped {lecture.path.name}: no exercise (a '### Exercise k: name' heading, then an exercise "
                  "cell and a check cell)", file=sys.stderr)
            continue
        print(f"grading lecture {lecture.stem} ({profile}, {args.timeout} s per cell) for {len(students)} students",
              flush=True)
        env = {**os.environ, **kernel_env(lecture.path, profile), STRICT_ENV: "0"}
        one = functools.partial(grade_row, lecture=lecture, args=args, env=env, out=out)
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:  # each notebook has its own kernel
            rows = list(pool.map(one, students, [found.get((s, number), []) for s in students]))
        suffix = "" if len(wanted) == 1 else f"_{lecture.stem}"
        csv_path, md_path, table = write_gradebook(rows, lecture, out, suffix)
        print(f"\n{table}\n\nwritten: {csv_path} and {md_path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
