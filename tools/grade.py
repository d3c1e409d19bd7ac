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

How it runs. One fresh kernel per notebook (--jobs at once), each cell under a time limit
(--timeout, default 120 s, ample for the smoke profile; the lecture cells of cpu and full train
longer), errors allowed: an exception in an exercise cell is shown by its check as ❌. When a cell
of exercise k times out or kills the kernel (e.g. `os._exit`) or the worker that runs it, exercise
k gets "timeout" or "crash" and the notebook is run again from the start with exercise k left as
its stub, so the other exercises are still graded. A timeout or crash in lecture code leaves the
exercises after it "not run". A file that is not a valid notebook gets its row with the reason and
is not run; the other students are graded.

Tampering: the grader does not take the student's process at its word. The student's code runs in
the same kernel as the checks, so anything there could be patched by it; four defences together:
  1. A static screen of each exercise's code (its AST, magics expanded) before anything runs: code
     that reaches for the grading machinery (assigns attributes of an imported module or class such
     as `checks.check` or `torch.allclose`, rebinds an imported name or a builtin the checks use,
     defines comparison methods such as `__eq__`, uses get_ipython, exec/eval/compile, globals/vars,
     `__dict__`/`__code__`/frames, sys.modules, settrace, os.kill/getppid, or imports ctypes, gc,
     inspect, signal, threading, IPython, ...) is not run: the exercise is left as its stub and gets
     "tampered: <what>" (0 points).
  2. A guard between cells, before and after every exercise and check cell, sent by the grader
     (not by the notebook) as a user expression of a silent request, so no input transformer or
     run-cell hook sees it. It compares what the checks rely on with a snapshot taken before the
     first exercise (sys.modules entries, every attribute of builtins, math, json, torch, torch.nn.
     functional, torch.testing, Tensor, nn.Module, sys.stdout/stderr/displayhook/excepthook,
     os.environ, IPython's shell, kernel, formatters, event callbacks and transformers, trace and
     profile functions), finds classes defined in the notebook with comparison methods, threads the
     exercise left running, and the lecture's functions, classes and modules that the check cells
     read and the exercise rebound; it puts all of that back and loads utils.checks afresh from the
     source the grader read at start-up (its PASSED record rebuilt from the verdicts the grader
     saw), bound in the user namespace and sys.modules. What it found makes the exercise whose
     cells ran "tampered: <what>" (for a window of lecture cells, the exercise before them: a lecture
     cell may call the student's functions). One change is not tampering: a package's own wrapper
     of the function it replaces (functools.wraps; torch._dynamo wraps torch.manual_seed when it is
     first imported) becomes the snapshot. The report comes back in the reply, and the grader
     compares its digests with the first report's in its own process, so a guard whose snapshot
     was tampered with is caught too.
  3. The verdict is not read from printed text: the checks are strict (a fail or a stub raises
     ExerciseFailed, the strict setting read before the student's code runs), and the verdict is the
     status of the check cell's execute_reply: ok is ✅ (with the check's ✅ line printed), an
     ExerciseFailed error carries the ❌/⏳ message, any other error is ❌. A ✅ anyone prints, a
     post_run_cell hook or a patched print changes nothing.
  4. utils.checks.assert_equal/assert_close compare only plain values (exact types: torch.Tensor,
     int, float, bool, str, lists, tuples, dicts of them): an object whose __eq__ always says True,
     or a subclass of int or Tensor, is refused.
What it does not defend against: code that hides what it does from the static screen (names built
from strings, getattr on modules) and then acts only while a check runs and undoes itself before the
next guard (frame tricks, settrace, finalizers, a thread racing the guard); a check cell that
compares with a bare `==` trusts the returned object's `__eq__` unless its class is found by the
screen or the guard; a kernel whose interpreter was patched at a lower level (ctypes, the
IPython shell's machinery before the guard runs) can feed the guard a false report. The grader
runs with your rights: a student's code can read and change any file you can (the course's code
included), find the grader's process under /proc and kill it, and, where ptrace is allowed, read
the worker's memory. Read the code of surprising passes, and grade in a container.

Isolation. Each attempt at a submission runs in a worker process of its own (`grade.py --worker`,
its own session and process group) that starts the kernel, so the kernel's parent is the worker:
killing it (`os.kill(os.getppid(), ...)`) ends that attempt, graded as a crash of the exercise that
ran, not the grading. Worker and kernel run in a scratch folder in the temporary directory
(TMPDIR set inside it, Jupyter's runtime files too), with no grader path in their environment (no
PWD, OLDPWD, output folder); the worker gets the notebook and the course's checks over a pipe and
never learns the output or submissions folder. It reports over another pipe, one line per event,
each signed with a key only the worker and grader hold (a kernel can open /proc/<worker>/fd/N),
and the grader keeps the last cell started, so a killed or silent worker is charged to the right
exercise. The grader and the workers are child subreapers (Linux): a process the kernel left behind
(a daemon, the kernel of a killed worker) is adopted by them and killed; the scratch folder is
removed whatever happened. Submissions and solutions are read before grading starts; the gradebook
is written again after every row, and the bytes of every file the grader wrote (gradebooks, executed
notebooks) are kept and put back after every cell when a submission deleted or changed them (with
--jobs 1 the exercise that ran then gets "tampered: deleted or changed N file(s) of the output
folder"; with more jobs the grader only says it happened), so a killed run keeps what it graded.
Ctrl-C or SIGTERM ends the workers (in sessions of their own, they do not get the terminal's
Ctrl-C) and exits with 130, the rows graded so far written.

Gradebook. One row per student, one column per exercise (✅, ❌ with the check's message, ⏳,
timeout, crash, tampered: what, or not run), the total of ✅, and a status saying what went wrong
if anything. Written to OUT/gradebook.csv and OUT/gradebook.md (OUT/gradebook_NN_topic.* when
several lectures are graded), the executed notebooks to OUT/executed/<student>/NN_topic.ipynb.
"""

from __future__ import annotations

import argparse
import ast
import copy
import csv
import ctypes
import functools
import hashlib
import hmac
import inspect
import io
import json
import os
import re
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

if sys.argv[1:] == ["--worker"]:  # a worker starts for every attempt: spare it jsonschema's optional IRI grammar
    sys.modules.setdefault("rfc3987_syntax", None)  # (2.5 s of parsing at import; notebooks have no IRI to check)

import nbformat  # noqa: E402
from course import ROOT, SOLUTIONS, notebooks, read  # noqa: E402
from jupyter_client import AsyncKernelManager  # noqa: E402
from make_labs import is_exercise, stub_out  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbclient.exceptions import CellTimeoutError, DeadKernelError  # noqa: E402
from traitlets import CaselessStrEnum  # noqa: E402

# Only what a worker needs is imported here (a worker starts for every attempt at a submission); the runner and the
# course's utils (torch) are imported by the grader's main().

HEADING = re.compile(r"^###\s*Exercise\s+(\d+)\s*:\s*(.*)$")
CHECK_NAME = re.compile(r"""check\(\s*["'](Exercise \d+ \([^"']*\))["']""")
CHECK_CALL = re.compile(r"\bchecks?\.check\(")
NUMBER = re.compile(r"^(\d\d)[^0-9]")
NOT_RUN = "not run"
CHECKS_SOURCE = ROOT / "utils" / "checks.py"


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


def graded_notebook(answers: dict[int, str | None], lecture: Lecture, stubbed: set[int]):
    """The solution notebook with the student's exercise code (`answers`, by exercise number; stubs for `stubbed`
    and missing ones), no outputs; and the numbers of the exercises with no code found."""
    nb = copy.deepcopy(lecture.nb)
    missing = set()
    for exercise in lecture.exercises:
        cell = nb.cells[exercise.cell]
        answer = None if exercise.number in stubbed else answers.get(exercise.number)
        if answer is None:
            missing.add(exercise.number)
        cell.source = stub_out(cell.source, lecture.path.name) if answer is None else answer
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb, missing - stubbed


# --- 1. The static screen: code that reaches for the grading machinery is not run -----------------------------

# Modules whose only use in an exercise would be to reach the interpreter, the kernel or the grader.
SCREENED_MODULES = {"ctypes", "gc", "inspect", "signal", "builtins", "IPython", "ipykernel", "jupyter_client",
                    "importlib", "threading", "_thread", "multiprocessing", "subprocess", "atexit", "weakref",
                    "marshal", "pty", "code", "codeop", "concurrent", "asyncio", "sched", "faulthandler", "resource",
                    "sysconfig", "site"}
# Names that hand out the namespaces or run code built from strings.
SCREENED_NAMES = {"get_ipython", "globals", "locals", "vars", "exec", "eval", "compile", "__import__",
                  "__builtins__", "__build_class__", "breakpoint", "__loader__", "__spec__"}
# Attributes that open functions, classes, frames and the kernel to changes.
SCREENED_ATTRIBUTES = {"__dict__", "__globals__", "__code__", "__closure__", "__builtins__", "__subclasses__",
                       "__bases__", "__mro__", "__setattr__", "__delattr__", "__getattribute__", "__func__",
                       "__defaults__", "__kwdefaults__", "__self__", "__reduce__", "__reduce_ex__", "f_back",
                       "f_locals", "f_globals", "f_builtins", "f_trace", "f_lineno", "f_code", "tb_frame", "gi_frame",
                       "cr_frame", "ag_frame", "_getframe", "settrace", "setprofile", "addaudithook", "events",
                       "user_ns", "user_global_ns", "meta_path", "path_hooks", "modules"}
# Methods that let an object answer a comparison (or a check of its type) as it likes.
LYING_METHODS = {"__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__bool__", "__hash__",
                 "__torch_function__", "__torch_dispatch__", "__instancecheck__", "__subclasscheck__", "__del__",
                 "__init_subclass__", "__set_name__", "__class_getitem__", "__prepare__"}
# Functions of os that act on other processes or start programs (os._exit only ends the kernel: graded as a crash).
SCREENED_OS = {"kill", "killpg", "getppid", "getpgid", "getpgrp", "setsid", "setpgid", "setpgrp", "fork", "forkpty",
               "system", "popen", "putenv", "unsetenv", "pidfd_open", "execv", "execve", "execl", "execle", "execlp",
               "execlpe", "execvp", "execvpe", "spawnv", "spawnve", "spawnl", "spawnle", "spawnlp", "spawnvp",
               "posix_spawn", "posix_spawnp"}
# Builtins the checks and the grader's guard rely on: an exercise that rebinds one at the top level is not run.
GUARDED_BUILTINS = {"print", "isinstance", "issubclass", "type", "id", "getattr", "setattr", "hasattr", "repr", "str",
                    "int", "float", "bool", "abs", "all", "any", "len", "exec", "eval", "compile", "__import__",
                    "AssertionError", "Exception", "BaseException", "NotImplementedError", "object", "super",
                    "callable"}
ALLOWED_MAGICS = {"time", "timeit", "matplotlib", "capture"}  # their code argument is screened in turn


def imported_names(tree: ast.AST) -> dict[str, str]:
    """{name bound by an import: the module (or module.name) it is}, for the imports anywhere in `tree`."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                names[alias.asname or top] = alias.name if alias.asname else top
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def lecture_imports(lecture: Lecture) -> dict[str, str]:
    """The names the solution notebook's lecture and check cells import (torch, nn, F, checks, ...)."""
    exercise_cells = {e.cell for e in lecture.exercises}
    names = {}
    for i, cell in enumerate(lecture.nb.cells):
        if cell.cell_type == "code" and i not in exercise_cells:
            tree = parse_cell(cell.source)
            names.update(imported_names(tree) if tree else {})
    return names


def check_names(lecture: Lecture) -> list[str]:
    """The names the check cells read (torch, F, checks, a lecture's reference function, ...): an exercise that
    rebinds one of these changes what its check compares with. Other names are the student's to reuse."""
    names = {"checks"}
    for exercise in lecture.exercises:
        tree = parse_cell(lecture.nb.cells[exercise.check].source)
        names |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} if tree else set()
    return sorted(names)


def parse_cell(source: str) -> ast.Module | None:
    """The AST of a cell as IPython runs it (magics and ! commands turned into get_ipython() calls), or None."""
    from IPython.core.inputtransformer2 import TransformerManager  # the kernel's own transformation

    try:
        return ast.parse(TransformerManager().transform_cell(source))
    except (SyntaxError, ValueError):
        return None


def root_name(node: ast.AST) -> str | None:
    """`a` for a.b.c, a.b[0].c, a().b: the name an attribute chain starts from."""
    while isinstance(node, ast.Attribute | ast.Subscript | ast.Call):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def dotted(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except Exception:  # an odd node: its kind is enough to say what was done
        return type(node).__name__


def allowed_magic(node: ast.Call) -> str | None:
    """The code argument of get_ipython().run_line_magic/run_cell_magic(<allowed magic>, ..., code), else None."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr in ("run_line_magic", "run_cell_magic")
            and isinstance(func.value, ast.Call) and isinstance(func.value.func, ast.Name)
            and func.value.func.id == "get_ipython" and node.args and isinstance(node.args[0], ast.Constant)):
        return None
    if str(node.args[0].value).lstrip("%") not in ALLOWED_MAGICS:
        return None
    last = node.args[-1]
    return last.value if isinstance(last, ast.Constant) and isinstance(last.value, str) else ""


class Screen(ast.NodeVisitor):
    """Collects what an exercise's code does that tampers with the grading (see SCREENED_* above)."""

    def __init__(self, lecture: dict[str, str], imports: dict[str, str], checked: set[str]):
        self.lecture = lecture  # the lecture's imports: name -> module
        self.imports = {**imports, **lecture}  # and this code's
        self.checked = checked  # the names the check cells read
        self.found: list[str] = []
        self.magic_names: set[int] = set()  # get_ipython names of allowed magics
        self.depth = 0  # inside a function or class body (top-level rebinding is what matters)

    def flag(self, what: str) -> None:
        if what not in self.found:
            self.found.append(what)

    def guarded(self, name: str | None) -> bool:
        """Whether `name` is an imported module, class or function, or a builtin the checks rely on: its attributes
        are not the exercise's to change."""
        return name is not None and (name in self.imports or name in GUARDED_BUILTINS)

    def rebinding_counts(self, name: str) -> bool:
        """Whether binding `name` at the top level changes what a check uses: an import the checks read, or a
        builtin they rely on (a variable named like another import, e.g. `data`, is the student's choice)."""
        return (name in self.imports and name in self.checked) or name in GUARDED_BUILTINS

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        for module in modules:
            if module.split(".")[0] in SCREENED_MODULES:
                self.flag(f"imports {module}")
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in ("os", "sys"):
            for alias in node.names:
                if alias.name in SCREENED_OS | SCREENED_ATTRIBUTES | {"*"}:
                    self.flag(f"imports {node.module}.{alias.name}")
        for name, module in imported_names(ast.Module(body=[node], type_ignores=[])).items():
            if self.rebinding_counts(name) and self.lecture.get(name, module) != module:
                self.flag(f"rebinds {name} (imported by the lecture) to {module}")
        self.generic_visit(node)

    visit_ImportFrom = visit_Import

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in SCREENED_NAMES and id(node) not in self.magic_names:
            self.flag(f"uses {node.id}")
        if node.id in LYING_METHODS:
            self.flag(f"defines {node.id}")
        if isinstance(node.ctx, ast.Store | ast.Del) and self.depth == 0 and self.rebinding_counts(node.id):
            self.flag(f"rebinds {node.id}")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        base = self.imports.get(root_name(node) or "", "")
        if node.attr in SCREENED_ATTRIBUTES and (node.attr != "modules" or base == "sys"):
            self.flag(f"uses .{node.attr}")
        if node.attr in LYING_METHODS:
            self.flag(f"defines {node.attr}")
        if base == "os" and node.attr in SCREENED_OS:
            self.flag(f"calls os.{node.attr}")
        if isinstance(node.ctx, ast.Store | ast.Del) and self.guarded(root_name(node)):
            self.flag(f"assigns {dotted(node)}")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and node.value in LYING_METHODS | SCREENED_ATTRIBUTES - {"modules", "events"}:
            self.flag(f"names {node.value}")

    def visit_Call(self, node: ast.Call) -> None:
        code = allowed_magic(node)
        if code is not None:
            self.magic_names.add(id(node.func.value.func))
            tree = parse_cell(code)
            if tree is not None:
                self.visit(tree)
        elif isinstance(node.func, ast.Attribute) and node.func.attr in ("run_line_magic", "run_cell_magic"):
            self.flag("uses an IPython magic")
        if (isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr") and node.args
                and self.guarded(root_name(node.args[0]))):
            self.flag(f"calls {node.func.id}({dotted(node.args[0])}, ...)")
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global | ast.Nonlocal) -> None:
        for name in node.names:
            if self.rebinding_counts(name):
                self.flag(f"declares {name} global")

    visit_Nonlocal = visit_Global

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        if node.name in LYING_METHODS:
            self.flag(f"defines {node.name}")
        if self.depth == 0 and self.rebinding_counts(node.name):
            self.flag(f"rebinds {node.name}")
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1


def screen(code: str, lecture_names: dict[str, str], checked: list[str]) -> list[str]:
    """What the exercise code does that tampers with the grading, in words (empty: nothing found). Code that does not
    parse is not screened: IPython cannot run it either."""
    tree = parse_cell(code)
    if tree is None:
        return []
    found = Screen(lecture_names, imported_names(tree), set(checked))
    found.visit(tree)
    return found.found


def bound_names(source: str) -> list[str]:
    """The names a cell binds at its top level (functions, classes, assignments, imports)."""
    tree = parse_cell(source)
    names = []
    for node in ast.walk(tree) if tree else []:  # nested names too: a few more allowed names do no harm
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names += imported_names(ast.Module(body=[node], type_ignores=[]))
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.append(node.id)
    return names


# --- 2. The guard, run in the student's kernel between cells --------------------------------------------------
# The functions named kernel_* run inside the kernel: the grader sends their source with every guard (nothing of this
# module is imported there, so the student's code cannot have replaced them), and they use the standard library only.
# The snapshot lives in sys.modules[STATE]; the grader checks the digests each report carries against the first.

STATE = "_course_grader"
WATCH = {
    "modules": ["builtins", "sys", "os", "json", "math", "torch", "torch.nn", "torch.nn.functional", "torch.testing",
                "numpy", "utils", "IPython", "IPython.core.interactiveshell", "ipykernel.ipkernel",
                "ipykernel.zmqshell", "hashlib", "marshal", "types", "gc", "threading", "tempfile"],
    # every attribute (the baseline's names; for classes, added ones too)
    "spaces": ["builtins", "math", "json", "torch", "torch.nn.functional", "torch.testing", "torch.Tensor",
               "torch._C.TensorBase", "torch.nn.Module", "torch.nn.Parameter", "torch.Size", "numpy.testing"],
    "attributes": [["sys", "stdout"], ["sys", "stderr"], ["sys", "displayhook"], ["sys", "excepthook"],
                   ["sys", "meta_path"], ["sys", "path_hooks"], ["os", "environ"], ["@shell", "display_formatter"],
                   ["@shell", "display_pub"], ["@shell", "displayhook"], ["@shell", "events"], ["@shell", "compile"],
                   ["@shell", "user_ns"], ["@shell", "user_global_ns"], ["@shell", "kernel"],
                   ["@shell", "custom_exceptions"], ["@shell", "input_transformer_manager"],
                   ["@shell", "ast_transformers"], ["@shell", "input_transformers_post"],
                   ["@shell.kernel", "session"], ["@shell.kernel", "shell"]],
    # the contents of these lists and dicts (hooks the interpreter or IPython calls)
    "lists": [["sys", "meta_path"], ["sys", "path_hooks"], ["gc", "callbacks"], ["@shell", "ast_transformers"],
              ["@shell", "input_transformers_post"], ["@shell.input_transformer_manager", "cleanup_transforms"],
              ["@shell.input_transformer_manager", "line_transforms"],
              ["@shell.input_transformer_manager", "token_transformers"],
              ["@shell.display_formatter", "formatters"], ["@plain", "type_printers"],
              ["@plain", "deferred_printers"], ["@plain", "singleton_printers"]],
    # objects whose methods an instance attribute could replace (their classes are watched as spaces too)
    "objects": ["@shell", "@shell.kernel", "@shell.kernel.session", "@shell.display_pub", "@shell.displayhook",
                "@shell.display_formatter", "@shell.events", "@plain", "@shell.compile", "sys.stdout", "sys.stderr"],
    "lying": sorted(LYING_METHODS - {"__del__", "__init_subclass__", "__set_name__", "__class_getitem__",
                                     "__prepare__", "__hash__"}),
    "guarded_builtins": sorted(GUARDED_BUILTINS),
}


def kernel_guard(payload):
    """Between two cells: say what changed since the last guard and put it back, load utils.checks afresh from the
    grader's copy, remember the namespace and threads for the next window, and return the report (JSON)."""
    import sys
    import types

    state = sys.modules.get(payload["state"])
    findings = []
    if payload["first"] or state is None:
        if not payload["first"]:
            findings.append("removed the grader's snapshot")
        state = types.ModuleType(payload["state"])
        state.snapshot, state.suspects, state.classes, state.kept = kernel_snapshot(payload), set(), set(), []
        state.loaded, state.loaded_digest, state.window, state.accepted = None, {}, {}, []
        kernel_new_classes(state, payload)  # the lecture's own, if any: known, not reported
    else:
        state.accepted = []
        for fix in (kernel_fix_modules, kernel_fix_spaces, kernel_fix_attributes, kernel_fix_lists,
                    kernel_fix_objects, kernel_fix_callbacks, kernel_fix_trace, kernel_fix_checks,
                    kernel_fix_namespace, kernel_new_classes, kernel_new_threads):
            findings += fix(state, payload)
    sys.modules[payload["state"]] = state
    found = kernel_describe_module(sys.modules.get("utils.checks"))
    kernel_load_checks(state, payload)
    state.window = kernel_window(state, payload)
    import json  # now: the json module was put back above

    return json.dumps({"findings": findings, "ids": kernel_ids(state.snapshot), "checks": state.loaded_digest,
                       "checks_found": found, "accepted": sorted(set(state.accepted))})


def kernel_shell():
    import sys

    return sys.modules["IPython.core.interactiveshell"].InteractiveShell.instance()


def kernel_find(label):
    """The object a label names: a module or module attribute ("torch.nn.functional", "torch.Tensor"), the shell
    ("@shell", "@shell.kernel.session") or its text/plain formatter ("@plain"); None when there is none."""
    import sys

    shell = kernel_shell()
    if label.startswith("@shell"):
        found, rest = shell, label[len("@shell"):]
    elif label == "@plain":
        return shell.display_formatter.formatters.get("text/plain")
    else:
        parts = label.split(".")
        prefix = next((i for i in range(len(parts), 0, -1) if ".".join(parts[:i]) in sys.modules), None)
        if prefix is None:
            return None
        found, rest = sys.modules[".".join(parts[:prefix])], ".".join(parts[prefix:])
    for name in [n for n in rest.split(".") if n]:
        found = getattr(found, name, None)
    return found


def kernel_snapshot(payload):
    """What the checks rely on, as it is before the first exercise: the objects themselves, kept to be put back."""
    import os
    import sys
    import tempfile

    shell = kernel_shell()
    snap = {"modules": {n: sys.modules[n] for n in payload["modules"] if n in sys.modules}, "spaces": {},
            "attributes": {}, "lists": {}, "objects": {}, "trace": (sys.gettrace(), sys.getprofile()),
            "builtins": shell.user_ns.get("__builtins__"),
            "cell_dir": os.path.join(tempfile.gettempdir(), f"ipykernel_{os.getpid()}")}
    objects = [o for o in map(kernel_find, payload["objects"]) if o is not None]
    classes = [c for o in objects for c in type(o).__mro__ if c is not object]
    for label in payload["spaces"]:
        found = kernel_find(label)
        if found is not None:
            snap["spaces"][label] = (found, dict(vars(found)))
    for cls in classes:
        snap["spaces"].setdefault(f"{cls.__module__}.{cls.__qualname__}", (cls, dict(vars(cls))))
    for label, name in payload["attributes"]:
        found = kernel_find(label)
        if found is not None and hasattr(found, name):
            snap["attributes"][f"{label}.{name}"] = (found, name, getattr(found, name))
    for label, name in payload["lists"]:
        value = getattr(kernel_find(label), name, None)
        if isinstance(value, list | dict):
            snap["lists"][f"{label}.{name}"] = (value, value.copy())
    for label, found in zip(payload["objects"], map(kernel_find, payload["objects"])):
        if found is not None:
            snap["objects"][label] = (found, kernel_overrides(found))
    snap["callbacks"] = (shell.events.callbacks, {e: list(c) for e, c in shell.events.callbacks.items()})
    return snap


def kernel_fix_modules(state, payload):
    import sys

    findings = []
    for name, module in state.snapshot["modules"].items():
        if sys.modules.get(name) is not module:
            sys.modules[name] = module
            findings.append(f"replaced sys.modules[{name!r}]")
    return findings


def kernel_fix_spaces(state, payload):
    """Every attribute of the watched modules and classes: changed or removed ones (and, on classes, added ones),
    except a library's own wrapper of the function it replaces (taken as the new snapshot and reported as accepted:
    torch wraps torch.manual_seed when torch._dynamo is first imported, by lecture or check code as well)."""
    findings = []
    for label, (space, old) in state.snapshot["spaces"].items():
        now = dict(vars(space))
        changed = [n for n, v in old.items() if n not in now or now[n] is not v]
        added = [n for n in now if n not in old] if isinstance(space, type) else []
        for name in changed:
            if name in now and kernel_wraps(now[name], old[name], state.snapshot):
                old[name] = now[name]
                state.accepted.append(label)
            else:
                findings += kernel_try(setattr, space, name, old[name], what=f"changed {label.replace('@', '')}.{name}")
        for name in added:
            findings += kernel_try(delattr, space, name, what=f"added {label.replace('@', '')}.{name}")
    return findings


def kernel_wraps(new, old, snapshot):
    """Whether `new` is a package's function (from a file on disk) that wraps `old` itself (functools.wraps)."""
    return kernel_is_library_code(new, snapshot) and getattr(new, "__wrapped__", None) is old


def kernel_try(action, *args, what):
    """[what] after doing `action` (putting something back); says so when it could not be done."""
    try:
        action(*args)
    except Exception as err:
        return [f"{what} (not put back: {type(err).__name__})"]
    return [what]


def kernel_fix_attributes(state, payload):
    findings = []
    for label, (owner, name, value) in state.snapshot["attributes"].items():
        if getattr(owner, name, None) is not value:
            findings += kernel_try(setattr, owner, name, value, what=f"replaced {label.replace('@', '')}")
    return findings


def kernel_fix_lists(state, payload):
    """Hook lists and formatter tables: their contents as in the snapshot."""
    findings = []
    for label, (container, old) in state.snapshot["lists"].items():
        if isinstance(container, dict):
            same = container.keys() == old.keys() and all(container[k] is v for k, v in old.items())
        else:
            same = len(container) == len(old) and all(a is b for a, b in zip(container, old))
        if not same:
            if isinstance(container, dict):
                container.clear()
                container.update(old)
            else:
                container[:] = old
            findings.append(f"changed {label.replace('@', '')}")
    return findings


def kernel_overrides(found):
    """{name: value} of the attributes of the instance `found` that hide a method of its class (some are there from
    the start: ipykernel's OutStream sets its own `write`)."""
    import types

    own = getattr(found, "__dict__", None)
    if not isinstance(own, dict):
        return {}
    methods = {n for c in type(found).__mro__ for n, v in vars(c).items() if isinstance(v, types.FunctionType)}
    return {n: v for n, v in own.items() if n in methods}


def kernel_fix_objects(state, payload):
    findings = []
    for label, (found, old) in state.snapshot["objects"].items():
        where = label.replace("@", "")
        for name, value in sorted(kernel_overrides(found).items()):
            if name not in old:
                findings += kernel_try(delattr, found, name, what=f"replaced {where}.{name}")
            elif value is not old[name]:
                findings += kernel_try(setattr, found, name, old[name], what=f"replaced {where}.{name}")
        for name in old.keys() - kernel_overrides(found).keys():
            findings += kernel_try(setattr, found, name, old[name], what=f"removed {where}.{name}")
    return findings


def kernel_is_library_code(function, snapshot):
    """Whether `function` is a Python function from a file on disk (a package), not a notebook cell's."""
    import os
    import types

    if isinstance(function, types.MethodType):
        function = function.__func__
    if type(function) is not types.FunctionType:
        return False  # a builtin, a partial, an object with __call__: nothing says where it comes from
    name = function.__code__.co_filename
    return os.path.isfile(name) and not name.startswith(snapshot["cell_dir"])


def kernel_fix_callbacks(state, payload):
    """IPython's event callbacks: those from packages stay (matplotlib's, registered by lecture code), others go."""
    shell = kernel_shell()
    callbacks, old = state.snapshot["callbacks"]
    findings = []
    if shell.events.callbacks is not callbacks:
        shell.events.callbacks = callbacks
        findings.append("replaced IPython's event callbacks")
    for event, registered in callbacks.items():
        kept = [c for c in registered if any(c is o for o in old.get(event, []))
                or kernel_is_library_code(c, state.snapshot)]
        if len(kept) != len(registered):
            findings.append(f"registered an IPython {event} callback")
            registered[:] = kept
        old[event] = list(kept)
    return findings


def kernel_fix_trace(state, payload):
    import sys

    trace, profile = state.snapshot["trace"]
    findings = []
    if sys.gettrace() is not trace:
        sys.settrace(trace)
        findings.append("set a trace function (sys.settrace)")
    if sys.getprofile() is not profile:
        sys.setprofile(profile)
        findings.append("set a profile function (sys.setprofile)")
    return findings


def kernel_fix_checks(state, payload):
    """utils.checks: the module the last guard loaded, bound where it was, its functions unchanged."""
    import sys

    shell = kernel_shell()
    bound = {"checks": shell.user_ns.get("checks"), "sys.modules['utils.checks']": sys.modules.get("utils.checks"),
             "utils.checks": getattr(sys.modules.get("utils"), "checks", None)}
    findings = [f"replaced {where}" for where, module in bound.items() if module is not state.loaded]
    now = kernel_describe_module(state.loaded)
    names = sorted(set(now) | set(state.loaded_digest))
    findings += [f"changed utils.checks.{n}" for n in names if now.get(n) != state.loaded_digest.get(n)]
    return findings


def kernel_fix_namespace(state, payload):
    """The user namespace: __builtins__, builtins the checks rely on (not shadowed), and in an exercise's window the
    modules, classes and functions the lecture bound and the checks read (which the exercise's solution does not
    define itself: a rebound one would change what the check compares with)."""
    ns = kernel_shell().user_ns
    findings = []
    if ns.get("__builtins__") is not state.snapshot["builtins"]:
        ns["__builtins__"] = state.snapshot["builtins"]
        findings.append("replaced __builtins__")
    if payload["window"] != "exercise":  # lecture and check cells bind what they like
        return findings
    for name in payload["guarded_builtins"]:
        if name in ns and name not in state.window.get("shadowing", ()):
            del ns[name]
            findings.append(f"redefined the builtin {name}")
    allowed, watched = set(payload["allowed"]), set(payload["watched"])
    for name, old in state.window.get("names", {}).items():
        if name in watched and name not in allowed and (name not in ns or ns[name] is not old):
            ns[name] = old
            findings.append(f"rebound {name}, defined by the lecture")
    return findings


def kernel_all_classes():
    """Every class alive, from object down (type.__subclasses__: a class cannot hide from it by overriding it)."""
    seen, stack, found = set(), [object], []
    while stack:
        cls = stack.pop()
        try:
            subclasses = type.__subclasses__(cls)
        except TypeError:
            continue
        for sub in subclasses:
            if id(sub) not in seen:
                seen.add(id(sub))
                stack.append(sub)
                found.append(sub)
    return found


def kernel_is_cell_code(function, snapshot):
    """Whether `function` was written in a notebook cell (by its code's file name: ipykernel's cell files)."""
    import types

    function = getattr(function, "__func__", function)
    return type(function) is types.FunctionType and kernel_is_cell_code_file(function.__code__.co_filename, snapshot)


def kernel_is_cell_code_file(name, snapshot):
    return name.startswith(snapshot["cell_dir"]) or name.startswith("<ipython-input")


def kernel_lying_methods(cls, snapshot, names):
    """The comparison methods `cls` defines in a notebook cell, or that a class made in __main__ defines (not those
    @dataclass writes, which compare the fields)."""
    try:
        own = dict(vars(cls))
        in_main = cls.__module__ == "__main__"
        fields = "__dataclass_fields__" in own
    except Exception:
        return []
    lies = [n for n in names if n in own and (in_main or kernel_is_cell_code(own[n], snapshot))]
    written = [n for n in lies if getattr(getattr(own[n], "__code__", None), "co_filename", "") == "<string>"]
    return [n for n in lies if not (fields and n in written)]


def kernel_new_classes(state, payload):
    findings = []
    for cls in kernel_all_classes():
        if id(cls) not in state.classes:
            lies = kernel_lying_methods(cls, state.snapshot, payload["lying"])
            if lies:
                state.classes.add(id(cls))
                state.kept.append(cls)  # kept alive, so that its id is not given to another class
                where = f"{getattr(cls, '__module__', '?')}.{getattr(cls, '__qualname__', '?')}"
                where = where.removeprefix("__main__.")
                findings.append(f"defines {', '.join(lies)} in class {where}")
    return findings


def kernel_new_threads(state, payload):
    """Threads running notebook code that an exercise (or the student's code a check called) started and left
    running (threads of packages, a DataLoader's, are not the student's doing)."""
    import sys
    import threading

    frames = sys._current_frames()
    now = set(frames) - {threading.get_ident()}
    if payload["window"] not in ("exercise", "check"):
        return []
    findings = []
    new = {t for t in now - state.window.get("threads", now) if kernel_runs_cell_code(t, frames[t], state.snapshot)}
    if new:
        findings.append(f"left {len(new)} thread(s) running")
    if (state.suspects - new) & now:
        findings.append("a thread started by an earlier exercise is still running")
    state.suspects |= new
    return findings


def kernel_runs_cell_code(ident, frame, snapshot):
    """Whether a thread has notebook code on its stack, or was given a notebook function to run (Thread, Timer)."""
    import threading

    while frame is not None:
        if kernel_is_cell_code_file(frame.f_code.co_filename, snapshot):
            return True
        frame = frame.f_back
    thread = threading._active.get(ident)
    given = [getattr(thread, "_target", None), getattr(thread, "function", None), getattr(type(thread), "run", None)]
    return any(kernel_is_cell_code(f, snapshot) for f in given if f is not None)


def kernel_describe(value, module):
    """A digest of one attribute of utils.checks: functions by their code, classes and modules by name."""
    import hashlib
    import sys
    import types

    if isinstance(value, types.FunctionType):
        code = hashlib.sha256(kernel_code_bytes(value.__code__)).hexdigest()[:16]
        home = "" if value.__globals__ is vars(module) else " (other globals)"
        return f"function {code} {value.__defaults__!r} {value.__kwdefaults__!r}{home}"
    if isinstance(value, type):
        return f"class {value.__qualname__}({', '.join(b.__qualname__ for b in value.__bases__)})"
    if isinstance(value, types.ModuleType):
        return f"module {value.__name__}" + ("" if sys.modules.get(value.__name__) is value else " (not imported)")
    if isinstance(value, dict) and value.get("print") is not None:  # __builtins__
        return "builtins" if value is vars(sys.modules["builtins"]) else "other builtins"
    return f"{type(value).__qualname__} {repr(value)[:200]}"


def kernel_code_bytes(code):
    """What a code object does, as bytes (marshal's output also depends on reference counts)."""
    import types

    consts = [kernel_code_bytes(c) if isinstance(c, types.CodeType) else repr(c).encode() for c in code.co_consts]
    parts = [code.co_code, *consts, *(n.encode() for n in code.co_names + code.co_varnames + code.co_freevars)]
    return b"\0".join(parts)


def kernel_describe_module(module):
    import types

    if not isinstance(module, types.ModuleType):
        return {"": f"not a module: {type(module).__qualname__}"}
    skip = {"PASSED", "__cached__", "__loader__", "__spec__", "__doc__", "__file__", "__name__", "__package__"}
    return {n: kernel_describe(v, module) for n, v in vars(module).items() if n not in skip}


def kernel_load_checks(state, payload):
    """utils.checks afresh from the source the grader read, bound in sys.modules, the utils package and the user
    namespace; its record of passed checks is the grader's; checks are strict."""
    import os
    import sys
    import types

    module = types.ModuleType("utils.checks", "Exercise checks (loaded by the grader).")
    module.__file__, module.__package__ = payload["checks_path"], "utils"
    exec(compile(payload["checks_source"], payload["checks_path"], "exec", dont_inherit=True), vars(module))
    if isinstance(getattr(module, "PASSED", None), set):
        module.PASSED.update(payload["passed"])
    ns = kernel_shell().user_ns
    for name, value in list(ns.items()):
        if isinstance(value, types.ModuleType) and (value is state.loaded or value.__name__ == "utils.checks"):
            ns[name] = module
    ns["checks"] = module
    sys.modules["utils.checks"] = module
    if sys.modules.get("utils") is not None:
        sys.modules["utils"].checks = module
    os.environ[payload["strict_env"]] = "1"
    state.loaded, state.loaded_digest = module, kernel_describe_module(module)


def kernel_window(state, payload):
    """What the next window is compared with: the lecture's modules, classes and functions in the user namespace,
    the builtins already shadowed there, the running threads."""
    import sys
    import threading
    import types

    ns = kernel_shell().user_ns
    kinds = (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType)
    output_cache = {"_", "__", "___", "_i", "_ii", "_iii", "_oh", "_dh", "_ih", "In", "Out"}
    names = {n: v for n, v in ns.items() if isinstance(v, kinds) and n not in output_cache
             and not (n[:1] == "_" and n.lstrip("_i").isdigit())}  # IPython's _12, _i12
    return {"names": names, "shadowing": {n for n in payload["guarded_builtins"] if n in ns},
            "threads": set(sys._current_frames()) - {threading.get_ident()}}


def kernel_ids(snapshot):
    """Digests of the identities of everything watched, as it is now: equal to the first report's if all was put
    back (the grader compares them in its own process)."""
    import hashlib
    import sys

    def digest(pairs):
        return hashlib.sha256(repr(sorted(pairs)).encode()).hexdigest()[:16]

    ids = {f"modules.{n}": str(id(sys.modules.get(n))) for n in snapshot["modules"]}
    for label, (space, old) in snapshot["spaces"].items():
        now = vars(space)
        ids[label] = digest((n, id(now.get(n))) for n in old)
    for label, (owner, name, _) in snapshot["attributes"].items():
        ids[label] = str(id(getattr(owner, name, None)))
    for label, (container, _) in snapshot["lists"].items():
        items = container.items() if isinstance(container, dict) else enumerate(container)
        ids[label] = digest((str(k), id(v)) for k, v in items)
    return ids


@functools.cache
def guard_source() -> str:
    """The source of every kernel_* function of this module, then the call of kernel_guard."""
    functions = [f for name, f in globals().items()
                 if name.startswith("kernel_") and inspect.isfunction(f) and f.__module__ == __name__]
    source = "\n\n".join(textwrap.dedent(inspect.getsource(f)) for f in functions)
    return f"{source}\n\nreport = kernel_guard(__import__('json').loads(PAYLOAD))\n"


def guard_expression(payload: dict) -> str:
    """The user expression that runs the guard: builtins taken from the builtins module itself, not the namespace."""
    namespace = f"{{'PAYLOAD': {json.dumps(payload)!r}, '__builtins__': __import__('builtins')}}"
    return f"(lambda ns: __import__('builtins').exec({guard_source()!r}, ns) or ns['report'])({namespace})"


# --- 3. The worker: one per attempt at a submission, it starts the kernel and runs the notebook with the guards ---

class IPCKernelManager(AsyncKernelManager):
    """The kernel over local sockets, as tools/run_course.py has it (imported from there, the runner's imports would
    slow every worker's start: papermill, torch)."""

    transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc" if os.name == "posix" else "tcp")


class Channel:
    """Lines from a worker to the grader, one JSON object each, signed with the attempt's key (HMAC-SHA256): a
    kernel can open its worker's pipe through /proc/<pid>/fd, but cannot sign what it writes there."""

    def __init__(self, fd: int, key: bytes):
        self.fd, self.key = fd, key

    def sign(self, body: bytes) -> bytes:
        return hmac.new(self.key, body, hashlib.sha256).hexdigest().encode()

    def send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        data = memoryview(self.sign(body) + b" " + body + b"\n")
        while data:
            data = data[os.write(self.fd, data):]

    def open(self, line: bytes) -> dict | None:
        """The message of a line the worker signed; None for any other line."""
        tag, _, body = line.partition(b" ")
        return json.loads(body) if hmac.compare_digest(tag, self.sign(body)) else None


@dataclass
class Plan:
    """Where the worker puts guards, and what each guard needs: cell index -> exercise number for exercise and check
    cells, the names each exercise cell may bind, the check names."""

    exercise_cells: dict[int, int]
    check_cells: dict[int, str]  # index -> check name
    allowed: dict[int, list[str]]  # exercise cell index -> names its solution binds
    watched: list[str]  # the names the check cells read

    @classmethod
    def of(cls, lecture: Lecture) -> Plan:
        return cls({e.cell: e.number for e in lecture.exercises}, {e.check: e.name for e in lecture.exercises},
                   {e.cell: bound_names(lecture.nb.cells[e.cell].source) for e in lecture.exercises},
                   check_names(lecture))

    @classmethod
    def load(cls, data: dict) -> Plan:
        by_index = ({int(k): v for k, v in data[name].items()} for name in ("exercise_cells", "check_cells", "allowed"))
        return cls(*by_index, data["watched"])


def window_kind(window: list[int], plan: Plan) -> str:
    if any(i in plan.exercise_cells for i in window):
        return "exercise"
    return "check" if any(i in plan.check_cells for i in window) else "lecture"


def run_guard(client: NotebookClient, payload: dict) -> dict:
    """Send the guard as a user expression of a silent, empty request (no run-cell hook or transformer of the
    student's code sees it) and return its report, or {"error": ...} when it did not come back as one."""
    msg_id = client.kc.execute("", silent=True, store_history=False, allow_stdin=False, stop_on_error=False,
                               user_expressions={"report": guard_expression(payload)})
    reply = client.wait_for_reply(msg_id, nbformat.v4.new_code_cell("# the grader's guard"))
    content = (reply or {}).get("content", {})
    result = content.get("user_expressions", {}).get("report", {})
    if content.get("status") != "ok" or result.get("status") != "ok":
        error = result if result.get("status") == "error" else content
        return {"error": f"{error.get('ename', 'no reply')}: {error.get('evalue', '')}"[:300]}
    try:
        return json.loads(ast.literal_eval(result["data"]["text/plain"]))
    except Exception as err:  # a formatter or the shell was changed so that the report reads differently
        return {"error": f"unreadable report ({type(err).__name__})"}


def reply_summary(reply: dict) -> dict:
    content = reply.get("content", {}) if reply else {}
    return {k: content.get(k) for k in ("status", "ename", "evalue")}


def execute(nb, job: dict, channel: Channel) -> dict:
    """Run `nb` cell by cell in a fresh kernel with a guard before and after every exercise and check cell; return
    what stopped the run ("timeout" / "crash" / "kernel: reason", or None), the cell it stopped in, each code cell's
    reply and the guards' reports (outputs land in `nb`)."""
    plan = Plan.load(job["plan"])
    scratch = Path(job["scratch"])
    manager = IPCKernelManager(kernel_name=job["kernel"], ip=str(scratch / "ipc" / "kernel"))
    client = NotebookClient(nb, km=manager, timeout=job["timeout"], allow_errors=True, shutdown_kernel="immediate",
                            resources={"metadata": {"path": str(scratch / "work")}})
    run = Run(client, plan, job, channel)
    client.on_cell_executed = run.remember_reply
    result = {"problem": None, "index": None, "replies": run.replies, "guards": run.guards}
    index = None
    try:
        with client.setup_kernel(env=job["env"], cleanup_kc=True):
            for index, cell in enumerate(nb.cells):
                try:
                    run.cell(index, cell)
                except CellTimeoutError:
                    result.update(problem="timeout", index=index)
                    return result
                except DeadKernelError:
                    result.update(problem="crash", index=index)
                    return result
        return result
    except DeadKernelError:  # the kernel died while shutting down (e.g. a thread the student left running)
        return result
    except Exception as err:  # the kernel did not start, or the client lost it
        result.update(problem=f"kernel: {type(err).__name__}: {' '.join(str(err).split())[:200]}", index=index)
        return result


class Run:
    """One notebook's cells and guards in one kernel: the guard runs before an exercise or check cell when other
    cells ran since the last one (what they did is the lecture's), and after it (what it did is its exercise's)."""

    def __init__(self, client: NotebookClient, plan: Plan, job: dict, channel: Channel):
        self.client, self.plan, self.job, self.channel = client, plan, job, channel
        self.graded = set(plan.exercise_cells) | set(plan.check_cells)
        self.replies: dict[int, dict] = {}
        self.guards: list[dict] = []
        self.window: list[int] = []  # code cells run since the last guard
        self.passed: set[str] = set()  # the checks whose reply was ok: utils.checks.PASSED as the grader saw it

    def remember_reply(self, cell, cell_index: int, execute_reply: dict) -> None:
        self.replies[cell_index] = reply_summary(execute_reply)

    def cell(self, index: int, cell) -> None:
        graded = index in self.graded and cell.cell_type == "code"
        if graded and (self.window or not self.guards):
            self.guard(index)
        self.channel.send({"event": "cell", "index": index})
        self.client.execute_cell(cell, index)
        if cell.cell_type == "code" and cell.source.strip():
            self.window.append(index)
        if index in self.plan.check_cells:
            ok = self.replies.get(index, {}).get("status") == "ok"
            (self.passed.add if ok else self.passed.discard)(self.plan.check_cells[index])
        if graded:
            self.guard(index)

    def guard(self, index: int) -> None:
        kind = window_kind(self.window, self.plan)
        allowed = {n for i in self.window for n in self.plan.allowed.get(i, [])}
        payload = {**self.job["guard"], "first": not self.guards, "window": kind, "passed": sorted(self.passed),
                   "allowed": sorted(allowed), "watched": self.plan.watched}
        self.channel.send({"event": "guard", "index": index})
        self.guards.append({"window": list(self.window), "kind": kind, "report": run_guard(self.client, payload)})
        self.window.clear()


def worker_main() -> int:
    """`grade.py --worker`: read the job (JSON) from stdin, run it, report on the channel it names."""
    become_subreaper()  # what the kernel leaves behind is adopted here, and ended below
    job = json.loads(sys.stdin.buffer.read())
    fd = job["channel"]
    os.set_inheritable(fd, False)  # the kernel must not inherit the grader's pipe
    channel = Channel(fd, bytes.fromhex(job["key"]))
    nb = nbformat.reads(job["notebook"], as_version=4)
    try:
        result = execute(nb, job, channel)
        channel.send({"event": "done", **result, "notebook": nbformat.writes(nb)})
    finally:
        end_orphans(set())
    return 0


# --- 4. Processes: workers in their own process groups, orphans adopted and ended -------------------------------

PR_SET_CHILD_SUBREAPER = 36
MAX_LINE = 1 << 30  # bytes: the longest line a worker sends (the executed notebook) is far shorter
WORKERS: set[int] = set()  # the grader's live workers (not orphans to end)
WORKERS_LOCK = threading.Lock()  # held while a worker starts, so that a sweep never takes it for an orphan


STOPPING = threading.Event()  # set on Ctrl-C or SIGTERM: no attempt starts, the running workers are ended


class Interrupted(Exception):
    """Grading was stopped: the row being graded is not written."""


def stop_workers() -> None:
    STOPPING.set()
    with WORKERS_LOCK:
        for pid in WORKERS:
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def become_subreaper() -> bool:
    """Make the processes started from here that lose their parent (a kernel whose worker was killed, a daemon a
    student's code started) children of this process instead of init, so that end_orphans finds them (Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def children() -> list[int]:
    """This process's children, from /proc (empty where there is no /proc)."""
    mine, found = os.getpid(), []
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == mine:
                found.append(int(entry))
    return found


def end_orphans(keep: set[int]) -> None:
    """Kill and reap every child of this process but `keep`: here, a child that is not a worker is an orphan this
    subreaper adopted. Repeated while killing one lets its own children be adopted."""
    for _ in range(20):
        with WORKERS_LOCK:
            orphans = [pid for pid in children() if pid not in keep | WORKERS]
            for pid in orphans:
                for kill in (os.killpg, os.kill):
                    try:
                        kill(pid, signal.SIGKILL)
                    except (ProcessLookupError, PermissionError):
                        pass
        if not orphans:
            return
        for pid in orphans:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        time.sleep(0.05)


def end_group(worker: subprocess.Popen) -> None:
    """Kill the worker's process group (the worker and whatever stayed in its group), then reap the worker."""
    try:
        os.killpg(worker.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    worker.wait()


def scrubbed_environment(*folders: Path) -> dict:
    """The grader's environment without what points at its folders: the current and previous directory, the
    command line, and anything naming `folders` (the output and submissions folders; a folder as short as / or
    /home would take PATH with it)."""
    hidden = {"PWD", "OLDPWD", "_", "INIT_CWD"}
    named = [str(f) for f in folders if len(f.parts) > 2]
    return {k: v for k, v in os.environ.items() if k not in hidden and not any(f in v for f in named)}


@dataclass
class Attempt:
    """What one worker reported: the executed notebook, each cell's reply, the guards' reports, what stopped it."""

    problem: str | None = None  # None, "timeout", "crash", "killed", "kernel: ..."
    index: int | None = None  # the cell (or guard) it stopped in
    replies: dict[int, dict] = field(default_factory=dict)
    guards: list[dict] = field(default_factory=list)
    notebook: str | None = None
    forged: int = 0  # lines in the channel the worker did not sign (ignored)


def start_worker(job: dict, scratch: Path, env: dict) -> tuple[subprocess.Popen, int]:
    """Start `grade.py --worker` in its own session (its own process group) in `scratch`; return it and the read
    end of its channel."""
    read_fd, write_fd = os.pipe()
    job = {**job, "channel": write_fd}
    with WORKERS_LOCK, open(scratch / "worker.log", "wb") as log:
        worker = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker"], cwd=scratch, env=env,
                                  stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log, pass_fds=(write_fd,),
                                  start_new_session=True)
        WORKERS.add(worker.pid)
    os.close(write_fd)  # the worker holds the only write end: the pipe ends when it does
    try:
        worker.stdin.write(json.dumps(job).encode())
        worker.stdin.close()
    except OSError:  # it died already: its frames (none) say so
        pass
    return worker, read_fd


def read_channel(worker: subprocess.Popen, fd: int, channel: Channel, silence_s: float, after=None) -> Attempt:
    """Read the worker's signed lines until it ends (or is silent for `silence_s`: "timeout"); without a "done"
    line, the attempt was "killed" in the last cell it started. Lines it did not sign are counted and ignored.
    `after(index)` is called with each cell (or guard) the worker finished: the one it started before this line."""
    attempt, buffer, last, forged, ended = Attempt(problem="killed"), bytearray(), time.monotonic(), 0, False
    while True:
        ready, _, _ = select.select([fd], [], [], 0 if ended else 1.0)
        if not ready:
            if ended:
                break  # it ended and all it wrote is read, even if something it left holds the pipe open
            ended = worker.poll() is not None
            if time.monotonic() - last > silence_s:
                attempt.problem = "timeout"
                break
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break  # the pipe ended
        start = len(buffer)
        buffer += chunk
        if len(buffer) > MAX_LINE:
            forged, buffer = forged + 1, bytearray()  # no report is that long: something is filling the pipe
        while (end := buffer.find(b"\n", start)) >= 0:
            message = channel.open(bytes(buffer[:end]))
            del buffer[:end + 1]
            start, last = 0, time.monotonic()
            if message is None:
                forged += 1
                continue
            if after is not None and attempt.index is not None:
                after(attempt.index)
            if message["event"] == "done":
                attempt = Attempt(message["problem"], message["index"],
                                  {int(k): v for k, v in message["replies"].items()}, message["guards"],
                                  message["notebook"])
            else:
                attempt.index = message["index"]
    if after is not None and attempt.index is not None and attempt.problem:
        after(attempt.index)
    attempt.forged = forged
    return attempt


def last_line(path: Path) -> str:
    try:
        lines = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return "no log"
    return " ".join(lines[-1].split())[:200] if lines else "no log"


def run_attempt(nb, lecture: Lecture, setup: dict, after=None) -> Attempt:
    """Run one graded notebook in a worker of its own, in a scratch folder removed afterwards whatever happened
    (`after`: see read_channel)."""
    if STOPPING.is_set():
        raise Interrupted
    scratch = Path(tempfile.mkdtemp(prefix="grade-"))
    for folder in ("work", "tmp", "ipc", "runtime"):
        (scratch / folder).mkdir()
    key = secrets.token_bytes(32)
    env = {**setup["env"], "TMPDIR": str(scratch / "tmp"), "JUPYTER_RUNTIME_DIR": str(scratch / "runtime")}
    job = {"key": key.hex(), "notebook": nbformat.writes(nb), "plan": setup["plans"][lecture.path.name],
           "kernel": setup["kernel"], "timeout": setup["timeout"], "scratch": str(scratch), "env": env,
           "guard": setup["guard"]}
    worker, fd = None, None
    try:
        worker, fd = start_worker(job, scratch, env)
        attempt = read_channel(worker, fd, Channel(-1, key), setup["timeout"] + 120, after)
        if STOPPING.is_set():
            raise Interrupted  # the grader ended this worker, not the student's code
        if attempt.problem == "killed" and worker.poll() is not None and worker.returncode > 0:
            attempt.problem = f"worker: {last_line(scratch / 'worker.log')}"  # it failed: a fault of the grader's
        return attempt
    finally:
        if fd is not None:
            os.close(fd)
        if worker is not None:
            end_group(worker)
            with WORKERS_LOCK:
                WORKERS.discard(worker.pid)
        end_orphans(set())
        shutil.rmtree(scratch, ignore_errors=True)


# --- 5. Grading one submission: screen, attempts, verdicts from the replies, tampering from the guards -----------

STOPPED = {"timeout": "timeout (a cell ran over {timeout} s)", "crash": "crash (the kernel died)",
           "killed": "crash (the grading worker was killed)"}
NOTES = {"timeout": "exercise {k} timed out", "crash": "exercise {k} crashed the kernel",
         "killed": "exercise {k} killed the grading worker"}


def verdict(nb, replies: dict[int, dict], exercise: Exercise) -> str:
    """The check's verdict from the check cell's reply (not from printed text): ok is ✅ when the check printed its ✅
    line, an ExerciseFailed error carries the ❌ or ⏳ message, any other error is ❌."""
    reply = replies.get(exercise.check) or {}
    if reply.get("status") == "ok":
        check = nb.cells[exercise.check]
        text = "".join(o.get("text", "") for o in check.outputs if o.output_type == "stream")
        result = "✅" if f"✅ {exercise.name}: correct." in text else "❌ the check printed no verdict"
    elif reply.get("ename") == "ExerciseFailed":
        message = str(reply.get("evalue") or "")
        symbol, message = message[:1], message[1:].strip().removeprefix(f"{exercise.name}:").strip()
        result = "⏳" if symbol == "⏳" else f"❌ {message}"
    else:
        result = f"❌ the check stopped with {reply.get('ename')}: {reply.get('evalue')}"
    raised = replies.get(exercise.cell) or {}
    if raised.get("status") == "error" and result.startswith("❌"):  # the first error is the one to fix
        result = f"❌ the exercise cell raised {raised['ename']}: {raised['evalue']}; then the check said: {result[2:]}"
    return " ".join(result.split())


def tampering(attempt: Attempt, lecture: Lecture) -> tuple[dict[int, list[str]], list[str]]:
    """What the guards found, by exercise number (the exercise whose cells ran in the guard's window; for a window of
    lecture cells, the last exercise before it), and what they found outside any exercise. The grader also compares
    each report's digests with the first report's (updated where a library's wrapper was accepted): what was not put
    back is found here too, even when the snapshot in the kernel was tampered with."""
    owner = {i: e.number for e in lecture.exercises for i in (e.cell, e.check)}
    found: dict[int, list[str]] = {}
    unowned: list[str] = []
    first = next((g["report"] for g in attempt.guards if "error" not in g["report"]), None)
    if attempt.guards and "error" in attempt.guards[0]["report"]:  # before any exercise ran: the grader's fault
        unowned.append(f"the grader's first guard failed ({attempt.guards[0]['report']['error']})")
    previous, expected = first, dict(first["ids"]) if first else {}
    for guard in attempt.guards[1:]:
        report = guard["report"]
        what = [f"the grader's guard failed ({report['error']})"] if "error" in report else list(report["findings"])
        if "error" not in report and previous is not None:
            expected.update({k: report["ids"].get(k) for k in report["accepted"]})
            not_back = sorted(k for k in expected if report["ids"].get(k) != expected[k])
            what += [f"the grader could not put back {', '.join(not_back[:5])}"] if not_back else []
            if report["checks"] != first["checks"] or report["checks_found"] != previous["checks"]:
                what.append("utils.checks was not the grader's")
            previous = report
        exercises = {owner[i] for i in guard["window"] if i in owner}
        if not exercises:
            before = [owner[i] for i in sorted(owner) if guard["window"] and i < min(guard["window"])]
            exercises = {before[-1]} if before and what else set()
        for k in exercises if what else ():
            found.setdefault(k, []).extend(w for w in what if w not in found.get(k, []))
        if what and not exercises:
            unowned += what
    return found, unowned


def read_submission(data: bytes):
    """The submitted notebook, or the reason it is not one."""
    try:
        submitted = nbformat.reads(data.decode("utf-8"), as_version=4)
        if not isinstance(submitted.get("cells"), list):
            raise ValueError("it has no list of cells")
        return submitted, None
    except Exception as err:
        reason = " ".join(str(err).split())[:200]
        return None, f"not a valid notebook ({type(err).__name__}: {reason}); not run"


def grade(data: bytes, lecture: Lecture, setup: dict) -> dict:
    """Grade one submitted notebook (its bytes): {"results": {exercise name: text}, "status": ..., "notebook": the
    executed notebook's text or None}."""
    names = [e.name for e in lecture.exercises]
    submitted, invalid = read_submission(data)
    if invalid:
        return {"results": dict.fromkeys(names, NOT_RUN), "status": invalid, "notebook": None}
    answers = {e.number: student_answer(submitted, lecture, e) for e in lecture.exercises}
    screened = {k: found for k, code in answers.items() if code is not None
                and (found := screen(code, *setup["screen"][lecture.path.name]))}
    notes = [f"exercise {k} not run: its code tampers with the grading ({'; '.join(w)})" for k, w in screened.items()]
    stopped: dict[int, str] = {k: f"tampered: {'; '.join(w)} (not run)" for k, w in screened.items()}
    by_cell = {i: e for e in lecture.exercises for i in (e.cell, e.check)}
    damage: dict[int, int] = {}  # cell index -> files of the output folder deleted or changed while it ran
    watch = functools.partial(watch_output, setup, damage)
    while True:
        nb, missing = graded_notebook(answers, lecture, set(stopped))
        attempt = run_attempt(nb, lecture, setup, watch)
        culprit = by_cell.get(attempt.index)
        if attempt.problem in STOPPED and culprit and culprit.number not in stopped:
            k = culprit.number
            stopped[k] = STOPPED[attempt.problem].format(timeout=setup["timeout"])
            notes.append(NOTES[attempt.problem].format(k=k) + f": graded again with exercise {k} left as a stub")
            continue  # run again from the start, this exercise as a stub
        break
    executed = nbformat.reads(attempt.notebook, as_version=4) if attempt.notebook else nb
    results = verdicts(executed, attempt, lecture, stopped, missing)
    found, unowned = tampering(attempt, lecture)
    for index, count in damage.items():
        what = f"deleted or changed {count} file(s) of the output folder (put back)"
        exercise = by_cell.get(index)
        if exercise:
            found.setdefault(exercise.number, []).append(what)
        else:
            unowned.append(f"{what} while cell {index + 1} ran")
    for k, what in sorted(found.items()):
        name = next(e.name for e in lecture.exercises if e.number == k)
        if k not in stopped:
            results[name] = f"tampered: {'; '.join(what)}"
            notes.append(f"exercise {k} tampered with the grading ({'; '.join(what)})")
    notes += [f"found outside the exercises: {w}" for w in unowned]
    if attempt.forged:
        notes.append(f"{attempt.forged} line(s) not signed by the worker were written into the grader's channel "
                     "(ignored): a submission's code tampered with the grading")
    notes += stop_note(attempt, setup["timeout"])
    return {"results": results, "status": "; ".join(notes) or "ok", "notebook": nbformat.writes(executed)}


def watch_output(setup: dict, damage: dict[int, int], index: int) -> None:
    """After a cell ran: put back what was deleted or changed in the output folder, counting it against the cell
    when it is the only notebook running (--jobs 1); with more, the grader can only say it happened."""
    output = setup.get("output")
    changed = output.put_back() if output is not None else []
    if changed and setup.get("jobs", 1) == 1:
        damage[index] = damage.get(index, 0) + len(changed)
    elif changed:
        print(f"put back {len(changed)} file(s) of the output folder, deleted or changed by a notebook graded now "
              "(grade with --jobs 1 to know which)", flush=True)


def verdicts(nb, attempt: Attempt, lecture: Lecture, stopped: dict[int, str], missing: set[int]) -> dict[str, str]:
    results = {}
    reached = len(nb.cells) if not attempt.problem else attempt.index or 0  # checks from here on did not run
    for exercise in lecture.exercises:
        if exercise.number in stopped:
            results[exercise.name] = stopped[exercise.number]
        elif exercise.check >= reached:
            results[exercise.name] = NOT_RUN
        else:
            results[exercise.name] = verdict(nb, attempt.replies, exercise)
            if exercise.number in missing and results[exercise.name] == "⏳":
                results[exercise.name] = "⏳ (no exercise cell found)"
    return results


def stop_note(attempt: Attempt, timeout: int) -> list[str]:
    """What stopped the run outside the exercises, if anything."""
    if not attempt.problem:
        return []
    where = f"in cell {attempt.index + 1}" if attempt.index is not None else "at start-up"
    what = {"timeout": f"a cell ran over {timeout} s", "crash": "the kernel died",
            "killed": "the grading worker was killed"}.get(attempt.problem)
    if what is None:
        kind, _, reason = attempt.problem.partition(": ")
        what = f"the {'kernel' if kind == 'kernel' else 'grading worker'} failed ({reason})"
    return [f"{what} {where}, outside the exercises: the checks from there on were not run"]


# --- 6. The output folder: written after every row, put back when a submission deleted or changed it ------------

class Output:
    """The files the grader wrote under OUT (gradebooks, executed notebooks), kept in memory: after every row, any
    that a submission's code deleted or changed is written again. Changed means another size, time or inode than
    the grader left (reading every file back after every row would cost more than grading a large class)."""

    def __init__(self, folder: Path):
        self.folder, self.lock = folder, threading.Lock()
        self.files: dict[Path, tuple[bytes, tuple]] = {}  # path -> (bytes, stat as written)

    def put(self, path: Path, data: bytes) -> None:
        with self.lock:
            self._write(path, data)

    def _write(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(data)
        partial.replace(path)  # a reader never sees half a gradebook
        self.files[path] = (data, self._stat(path))

    @staticmethod
    def _stat(path: Path) -> tuple | None:
        try:
            st = path.stat()
        except OSError:
            return None
        return st.st_size, st.st_mtime_ns, st.st_ino

    def put_back(self) -> list[Path]:
        """Write again the files that are missing or changed; return them."""
        with self.lock:
            changed = [p for p, (_, written) in self.files.items() if self._stat(p) != written]
            for path in changed:
                self._write(path, self.files[path][0])
        return changed


def md_cell(text) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def gradebook_files(rows: list[Row], lecture: Lecture) -> tuple[bytes, bytes]:
    """The gradebook's CSV and markdown."""
    names = [e.name for e in lecture.exercises]
    n = len(names)
    table = io.StringIO(newline="")
    writer = csv.writer(table)
    writer.writerow(["student", "notebook", *names, "total", "out_of", "status"])
    for r in rows:
        writer.writerow([r.student, r.notebook, *(r.results[x] for x in names), r.total(), n, r.status])
    lines = [f"# Gradebook: {lecture.stem}", "",
             "| student | total | " + " | ".join(md_cell(x) for x in names) + " | status |",
             "|---|---:|" + "---|" * n + "---|"]
    for r in rows:
        cells = [r.student, f"{r.total()}/{n}", *(r.results[x] for x in names), r.status]
        lines.append("| " + " | ".join(md_cell(c) for c in cells) + " |")
    return table.getvalue().encode("utf-8"), ("\n".join(lines) + "\n").encode("utf-8")


class Gradebook:
    """One lecture's gradebook, written again (with the rows done so far, in student order) after every row."""

    def __init__(self, lecture: Lecture, output: Output, suffix: str, students: list[str]):
        self.lecture, self.output, self.students = lecture, output, students
        self.csv = output.folder / f"gradebook{suffix}.csv"
        self.md = output.folder / f"gradebook{suffix}.md"
        self.rows: dict[str, Row] = {}
        self.lock = threading.Lock()

    def add(self, row: Row, executed: bytes | None) -> None:
        with self.lock:
            if executed is not None:
                self.output.put(self.output.folder / "executed" / row.student / self.lecture.path.name, executed)
            self.rows[row.student] = row
            csv_data, md_data = gradebook_files(self.done(), self.lecture)
            self.output.put(self.csv, csv_data)
            self.output.put(self.md, md_data)
            restored = self.output.put_back()
        if restored:
            print(f"put back {len(restored)} file(s) of the output folder, deleted or changed (last row written: "
                  f"{row.student})", flush=True)

    def done(self) -> list[Row]:
        return [self.rows[s] for s in self.students if s in self.rows]

    def table(self) -> str:
        return gradebook_files(self.done(), self.lecture)[1].decode("utf-8").rstrip("\n")


def grade_row(student: str, files: list[tuple[Path, bytes]], lecture: Lecture, setup: dict,
              submissions: Path) -> tuple[Row, bytes | None]:
    """The gradebook row of one student for one lecture, and the executed notebook's bytes."""
    names = [e.name for e in lecture.exercises]
    number = lecture.path.name[:2]
    row = Row(student, ", ".join(str(p.relative_to(submissions)) for p, _ in files))
    if len(files) != 1:
        row.results = dict.fromkeys(names, NOT_RUN)
        row.status = (f"no notebook for lecture {number}" if not files
                      else f"{len(files)} notebooks for lecture {number}: keep one")
        return row, None
    start = time.perf_counter()
    executed = None
    try:
        graded = grade(files[0][1], lecture, setup)
        row.results, row.status = graded["results"], graded["status"]
        executed = (graded["notebook"] + "\n").encode("utf-8") if graded["notebook"] else None
    except Interrupted:
        raise
    except Exception as err:  # a fault of the grader on one notebook must not stop the others
        row.results = dict.fromkeys(names, NOT_RUN)
        row.status = f"grader error: {type(err).__name__}: {' '.join(str(err).split())[:200]}"
    row.seconds = round(time.perf_counter() - start, 1)
    print(f"{student}, {row.notebook}: {row.total()}/{len(names)} in {row.seconds} s; {row.status}", flush=True)
    return row, executed


def guard_settings(strict_env: str) -> dict:
    """The part of every guard's payload fixed at start-up: what to watch, and utils.checks as the grader read it."""
    return {**WATCH, "state": STATE, "strict_env": strict_env, "checks_path": str(CHECKS_SOURCE),
            "checks_source": CHECKS_SOURCE.read_text(encoding="utf-8")}


def read_all(found: dict, wanted: list[str]) -> dict:
    """Every submitted file's bytes, read before anything runs (a submission's code could delete the others)."""
    return {key: [(path, path.read_bytes()) for path in paths] for key, paths in found.items() if key[1] in wanted}


def main() -> int:
    if sys.argv[1:] == ["--worker"]:
        return worker_main()
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
    sys.path.insert(0, str(ROOT))
    from run_course import check_kernel

    from utils.checks import STRICT_ENV
    from utils.env import ProfileError, pick_profile

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
    become_subreaper()  # what a kernel leaves behind is adopted by the grader, and ended after each submission
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    output = Output(out)
    submitted = read_all(found, wanted)
    loaded = {number: load_lecture(lectures[number]) for number in wanted}  # before any student's code runs
    setup = {"kernel": args.kernel, "timeout": args.timeout, "guard": guard_settings(STRICT_ENV), "output": output,
             "jobs": max(1, args.jobs),
             "plans": {lec.path.name: json.loads(json.dumps(Plan.of(lec).__dict__)) for lec in loaded.values()},
             "screen": {lec.path.name: (lecture_imports(lec), check_names(lec)) for lec in loaded.values()}}
    signal.signal(signal.SIGTERM, interrupt)
    try:
        for number in wanted:
            grade_lecture(loaded[number], students, submitted, setup, args, output, profile,
                          "" if len(wanted) == 1 else f"_{loaded[number].stem}")
    except KeyboardInterrupt:
        output.put_back()
        print(f"interrupted: the gradebook in {out} has the rows graded so far", file=sys.stderr)
        return 130
    finally:
        end_orphans(set())
    return 0


def interrupt(signum, frame) -> None:
    raise KeyboardInterrupt  # SIGTERM ends grading as Ctrl-C does: workers ended, rows so far kept


def grade_lecture(lecture: Lecture, students: list[str], submitted: dict, setup: dict, args, output: Output,
                  profile: str, suffix: str) -> None:
    from run_course import kernel_env
    number = lecture.path.name[:2]
    if not lecture.exercises:
        print(f"skipped {lecture.path.name}: no exercise (a '### Exercise k: name' heading, then an exercise "
              "cell and a check cell)", file=sys.stderr)
        return
    print(f"grading lecture {lecture.stem} ({profile}, {args.timeout} s per cell) for {len(students)} students",
          flush=True)
    strict = {setup["guard"]["strict_env"]: "1"}  # the verdict is the check cell's reply (see the docstring)
    env = {**scrubbed_environment(output.folder, args.submissions.resolve()), **kernel_env(lecture.path, profile),
           **strict}
    gradebook = Gradebook(lecture, output, suffix, students)

    def one(student: str) -> None:
        try:
            row, executed = grade_row(student, submitted.get((student, number), []), lecture,
                                      {**setup, "env": env}, args.submissions)
        except Interrupted:
            return
        gradebook.add(row, executed)

    pool = ThreadPoolExecutor(max_workers=max(1, args.jobs))  # each notebook has its own worker and kernel
    try:
        list(pool.map(one, students))
    except KeyboardInterrupt:
        stop_workers()  # in sessions of their own, they did not get the terminal's Ctrl-C
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    output.put_back()
    print(f"\n{gradebook.table()}\n\nwritten: {gradebook.csv} and {gradebook.md}\n")


if __name__ == "__main__":
    sys.exit(main())
