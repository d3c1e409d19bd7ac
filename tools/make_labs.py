"""Generate the student notebooks in notebooks/ from labs_solutions/ (the one source).

In a solution notebook, exercise code sits between solution markers:

    def f(x):
        # BEGIN SOLUTION
        return 2 * x
        # END SOLUTION

The student copy keeps the indentation and gets a stub that raises NotImplementedError, so the
check cell below says "not done yet". Outputs of exercise cells and of check cells (tag `check`)
are cleared; everything else, lecture outputs included, is kept. The Colab badge and the Colab
install cell are rewritten in both folders from [tool.course] in pyproject.toml.

Each solution notebook is also an nbgrader source notebook: make_labs writes the nbgrader metadata (exercise
cells are solution cells, check cells autograded tests worth 1 point, or N with a tag points-N, every other
cell read-only), so nobody edits it by hand and --check keeps it in sync. Student copies carry none.

    python tools/make_labs.py            # write notebooks/ (and refresh badges in labs_solutions/)
    python tools/make_labs.py --check    # exit 1 if anything is out of sync (CI runs this)
    python tools/make_labs.py --force    # also overwrite student notebooks edited by hand
    python tools/make_labs.py 03 05      # only these lectures

A marker written any other way (`#BEGIN SOLUTION`, lower case, `# START SOLUTION`, `# solution:`, in a
docstring, in a markdown cell), an END without its BEGIN, and any other mention of the word in a comment,
string or heading are refused with the notebook and cell named, so a solution cannot reach notebooks/ as
plain code. A student notebook whose cells changed since
make_labs wrote it (an edit by hand, recorded in runs/make_labs.json) is not overwritten without
--force.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import io
import json
import re
import sys
import tokenize
from pathlib import Path

from course import ROOT, SOLUTIONS, STUDENTS, notebooks, read, setting, write

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
WORD = re.compile(r"solution", re.IGNORECASE)
NAME_WITH_WORD = re.compile(r"[A-Za-z0-9_.]*solution[a-z0-9_]*")  # lower case, inside a name or an attribute
MARKER_LIKE = re.compile(r"(begin|end|start|stop|open|close)[\W_]{0,3}solution"  # any spelling of a marker
                         r"|solution[\W_]{0,3}(begin|end|start|stop)", re.IGNORECASE)
LINE_START = re.compile(r"^[\s#*_>`'\"\-]*solutions?\b", re.IGNORECASE)  # "Solution:", "**Solution**", "# Solution"
WRITTEN = ROOT / "runs" / "make_labs.json"  # digest of each student notebook's cells as make_labs last wrote them
BADGE = re.compile(r"\[!\[Open In Colab\]\(https://colab\.research\.google\.com/assets/colab-badge\.svg\)\]\([^)]*\)")
COLAB_CELL = '''\
# Colab only: fetch the course and the packages its lectures use. Elsewhere this cell does nothing.
import sys

if "google.colab" in sys.modules:
    import os
    import subprocess

    REPO = "{url}"
    BRANCH = "{branch}"
    COURSE = "/content/course"
    if not os.path.isdir(COURSE):
        subprocess.run(["git", "clone", "--depth", "1", "--branch", BRANCH, REPO, COURSE], check=True)
        # the lectures' packages only: Colab's own torch and notebook kernel are kept as they are
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-r", f"{{COURSE}}/requirements-colab.txt"],
                       check=True)
    if COURSE not in sys.path:
        sys.path.insert(0, COURSE)  # the course's helpers: from utils import ...
    os.chdir(f"{{COURSE}}/{folder}")'''


def badge(folder: str, name: str) -> str:
    repo, branch = setting("repository"), setting("branch")
    return ("[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"(https://colab.research.google.com/github/{repo}/blob/{branch}/{folder}/{name})")


def stamp_colab(nb, folder: str, name: str) -> None:
    """Rewrite the badge (first markdown cell) and the Colab install cell (tag colab-setup)."""
    title = nb.cells[0]
    if not BADGE.search(title.source):
        raise SystemExit(f"{folder}/{name}: the first cell has no Open In Colab badge")
    title.source = BADGE.sub(lambda _: badge(folder, name), title.source)
    setup = [c for c in nb.cells if "colab-setup" in c.metadata.get("tags", [])]
    if len(setup) != 1:
        raise SystemExit(f"{folder}/{name}: expected one cell tagged colab-setup, found {len(setup)}")
    url = f"https://github.com/{setting('repository')}"
    setup[0].source = COLAB_CELL.format(url=url, branch=setting("branch"), folder=folder)


NBGRADER = "nbgrader"  # cell metadata nbgrader reads (schema 3): https://nbgrader.readthedocs.io
POINTS = re.compile(r"^points-(\d+)$")  # a check cell tagged points-N is worth N points (default 1)
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def stamp_nbgrader(nb, name: str) -> None:
    """Make a solution notebook an nbgrader source notebook: each exercise cell a solution cell, each check cell
    an autograded test worth its points, every other cell read-only (locked), so that nbgrader's autograder runs
    the course's lecture and checks around the student's answers, as tools/grade.py does."""
    nb.metadata["kernelspec"] = dict(KERNELSPEC)  # nbgrader and papermill start the kernel the notebook names
    number = 0
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        meta = {"grade": False, "grade_id": f"{cell.cell_type}-{cell.id}", "locked": True, "schema_version": 3,
                "solution": False, "task": False}
        if is_exercise(cell):
            number += 1
            meta.update(grade_id=f"exercise_{number}", locked=False, solution=True)
        elif "check" in tags:
            if number == 0:
                raise SystemExit(f"{name}: a check cell comes before any exercise cell")
            points = [int(m.group(1)) for t in tags if (m := POINTS.match(t))]
            meta.update(grade=True, grade_id=f"check_{number}", points=points[0] if points else 1)
        cell.metadata[NBGRADER] = meta


def mentions_solution(cell) -> str | None:
    """The first place where a cell mentions a solution other than by an exact marker line of a code cell, or None.

    Exact markers are the only spelling the generator acts on, so any other (`# START SOLUTION`, `# solution:`,
    a marker in a docstring or in a markdown cell) would copy an answer into the student notebook unnoticed.
    In code, a Python name may contain the word (`torch.linalg.lstsq(...).solution`); comments and strings may
    not. In markdown, prose may use the word, but not in capitals, next to begin/end/start/stop, or opening a line.
    """
    if cell.cell_type == "code":
        return _code_mention(cell.source)
    for line in cell.source.splitlines():
        if "SOLUTION" in line or MARKER_LIKE.search(line) or LINE_START.match(line):
            return line.strip()
    return None


def _code_mention(source: str) -> str | None:
    lines = source.splitlines()
    try:  # IPython's magics and shell escapes are not Python: blank them for the tokenizer (same line numbers)
        python = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines) + "\n"
        tokens = list(tokenize.generate_tokens(io.StringIO(python).readline))
    except (tokenize.TokenError, SyntaxError):
        return next((line.strip() for line in lines  # not Python: any mention outside a name is refused
                     if WORD.search(line) and line.strip() not in (BEGIN, END) and not _only_in_names(line)), None)
    for tok in tokens:
        if not WORD.search(tok.string):
            continue
        line = lines[tok.start[0] - 1]
        if tok.type == tokenize.NAME:
            if _only_in_names(tok.string):
                continue
        elif tok.type == tokenize.COMMENT and line.strip() in (BEGIN, END):
            continue
        return line.strip()
    return None


def _only_in_names(text: str) -> bool:
    """Whether every mention in `text` is the lower-case word inside a Python name (`.solution`, `x_solutions`)."""
    return not WORD.search(NAME_WITH_WORD.sub("", text)) and not MARKER_LIKE.search(text)


def check_markers(cell, name: str, index: int) -> None:
    """Refuse a cell that mentions a solution in any way but the exact markers of a code cell (see
    mentions_solution), naming the notebook, the cell and the line."""
    found = mentions_solution(cell)
    if found is not None:
        raise SystemExit(f"{name}, cell {index} ({cell.cell_type}): {found!r} mentions a solution but is not a "
                         f"solution marker. Write exactly {BEGIN!r} and {END!r} on lines of their own in a code "
                         "cell, and do not use the word elsewhere in comments, strings or headings.")


def stub_out(source: str, name: str) -> str:
    """Replace every BEGIN/END SOLUTION block with a NotImplementedError stub at the same indent."""
    out, inside = [], False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise SystemExit(f"{name}: nested {BEGIN}")
            indent, inside = line[: len(line) - len(line.lstrip())], True
            out += [f"{indent}# YOUR CODE HERE", f"{indent}raise NotImplementedError"]
        elif stripped == END:
            if not inside:
                raise SystemExit(f"{name}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise SystemExit(f"{name}: {BEGIN} without {END}")
    return "\n".join(out)


def is_exercise(cell) -> bool:
    """A code cell with a marker line (one END without BEGIN too: stub_out refuses it rather than copying it)."""
    return cell.cell_type == "code" and any(line.strip() in (BEGIN, END) for line in cell.source.splitlines())


def student_version(solution, name: str):
    """The student notebook made from a solution notebook (a copy; the input is not changed)."""
    nb = copy.deepcopy(solution)
    for index, cell in enumerate(nb.cells):
        if "colab-setup" not in cell.metadata.get("tags", []):  # written by stamp_colab, not by an author
            check_markers(cell, name, index)
        exercise = is_exercise(cell)
        if exercise:
            cell.source = stub_out(cell.source, f"{name}, cell {index}")
        if exercise or "check" in cell.metadata.get("tags", []):
            cell.outputs, cell.execution_count = [], None
        cell.metadata.pop(NBGRADER, None)  # nbgrader's own release copy gets it, with its checksums
    stamp_colab(nb, "notebooks", name)
    return nb


def cells_digest(nb) -> str:
    """A digest of a notebook's cell types and sources (not outputs or metadata, which running or saving change)."""
    return hashlib.sha256(json.dumps([(c.cell_type, c.source) for c in nb.cells]).encode()).hexdigest()


def written() -> dict:
    try:
        return json.loads(WRITTEN.read_text())
    except (OSError, ValueError):
        return {}


def edited_by_hand(path: Path) -> bool:
    """Whether the cells of a student notebook changed since make_labs last wrote it (unknown: no)."""
    recorded = written().get(str(path.resolve()))
    return recorded is not None and path.exists() and cells_digest(read(path)) != recorded


def remember(path: Path, nb) -> None:
    record = written()
    record[str(path.resolve())] = cells_digest(nb)
    WRITTEN.parent.mkdir(parents=True, exist_ok=True)
    WRITTEN.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only report what is out of sync")
    parser.add_argument("--force", action="store_true", help="overwrite student notebooks edited by hand")
    parser.add_argument("lectures", nargs="*", help="only these lectures, by number or name (default: all)")
    args = parser.parse_args()
    stale = []
    chosen = [p for p in notebooks(SOLUTIONS) if not args.lectures
              or any(p.name[:2] == x or p.stem == x for x in args.lectures)]
    if not chosen:
        raise SystemExit(f"no lecture {', '.join(args.lectures)} in {shown(SOLUTIONS)}/")
    for path in chosen:
        solution = read(path)
        if not any(is_exercise(c) for c in solution.cells):
            stale.append(f"{shown(path)} has no exercise ({BEGIN} ... {END})")
        stamped = copy.deepcopy(solution)
        stamp_colab(stamped, "labs_solutions", path.name)
        stamp_nbgrader(stamped, path.name)
        student = student_version(stamped, path.name)
        target = STUDENTS / path.name
        for nb, where in ((stamped, path), (student, target)):
            if where.exists() and read(where) == nb:
                if where == target and not args.check:
                    remember(where, nb)
                continue
            if args.check:
                stale.append(f"{shown(where)} is out of date")
                continue
            if where == target and edited_by_hand(where):
                print(f"warning: {shown(where)} was edited by hand since make_labs wrote it; "
                      + ("overwriting it (--force)." if args.force else
                         "not overwritten: move the edits into labs_solutions/, or rerun with --force."),
                      file=sys.stderr)
                if not args.force:
                    stale.append(f"{shown(where)} was edited by hand")
                    continue
            write(nb, where)
            if where == target:
                remember(where, nb)
            print(f"wrote {shown(where)}")
    extra = {p.name for p in notebooks(STUDENTS)} - {p.name for p in notebooks(SOLUTIONS)}
    stale += [f"{shown(STUDENTS / n)} has no solution notebook in {shown(SOLUTIONS)}/" for n in sorted(extra)]
    for line in stale:
        print(line, file=sys.stderr)
    if stale and args.check:
        print("run: python tools/make_labs.py", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
