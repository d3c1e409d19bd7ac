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

    python tools/make_labs.py            # write notebooks/ (and refresh badges in labs_solutions/)
    python tools/make_labs.py --check    # exit 1 if anything is out of sync (CI runs this)
    python tools/make_labs.py --force    # also overwrite student notebooks edited by hand

A marker written any other way (`#BEGIN SOLUTION`, lower case, words after it) is refused, so a
solution cannot reach notebooks/ as plain code. A student notebook whose cells changed since
make_labs wrote it (an edit by hand, recorded in runs/make_labs.json) is not overwritten without
--force.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import re
import sys
from pathlib import Path

from course import ROOT, SOLUTIONS, STUDENTS, notebooks, read, setting, write

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
MARKER_LIKE = re.compile(r"#+\s*(begin|end)[\W_]*solution", re.IGNORECASE)  # any spelling of either marker
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


def check_markers(source: str, name: str) -> None:
    """Refuse a line that looks like a solution marker but is not exactly one (it would not be stubbed out)."""
    for line in source.splitlines():
        stripped = line.strip()
        if MARKER_LIKE.search(stripped) and stripped not in (BEGIN, END):
            raise SystemExit(f"{name}: the line {stripped!r} looks like a solution marker: "
                             f"write exactly {BEGIN!r} or {END!r} on its own line.")


def stub_out(source: str, name: str) -> str:
    """Replace every BEGIN/END SOLUTION block with a NotImplementedError stub at the same indent."""
    check_markers(source, name)
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
    return cell.cell_type == "code" and BEGIN in cell.source


def student_version(solution, name: str):
    """The student notebook made from a solution notebook (a copy; the input is not changed)."""
    nb = copy.deepcopy(solution)
    for cell in nb.cells:
        check_markers(cell.source, name)
        exercise = is_exercise(cell)
        if exercise:
            cell.source = stub_out(cell.source, name)
        if exercise or "check" in cell.metadata.get("tags", []):
            cell.outputs, cell.execution_count = [], None
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
    args = parser.parse_args()
    stale = []
    for path in notebooks(SOLUTIONS):
        solution = read(path)
        if not any(is_exercise(c) for c in solution.cells):
            stale.append(f"{shown(path)} has no exercise ({BEGIN} ... {END})")
        stamped = copy.deepcopy(solution)
        stamp_colab(stamped, "labs_solutions", path.name)
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
