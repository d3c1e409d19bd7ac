"""Colab's install path, simulated on Colab's Python (3.12); the course on 3.12 as on 3.11; the Colab badges.

Colab opens a notebook from GitHub through its badge, in a runtime whose Python already has torch and a notebook
kernel, and the notebook's first code cell (tag colab-setup, written by tools/make_labs.py) clones the configured
branch into /content/course, pip-installs requirements-colab.txt and moves into the notebook's own folder. Here:

- the runtime is a virtual environment holding torch, torchvision and an older notebook kernel pinned as Colab
  pins its own, nothing else of the course's. It is built once per Python version and torch release under
  $COURSE_COLAB_CACHE (default ~/.cache/dl-course-colab) and copied with hard links for each test session, so
  what the course installs never reaches the kept copy (copies are deleted in the background);
- the cells run in an IPython shell with a stub `google.colab` in sys.modules, as in Colab's kernel, and every
  command they start is recorded (tests/colab_harness.py);
- github.com/<repository of [tool.course]> is pointed, through git's `url.<base>.insteadOf` in a private
  GIT_CONFIG_GLOBAL, at a bare repository whose configured branch holds a snapshot of this working tree (its
  default branch is an empty decoy: cloning any other branch fails the install);
- Colab's /content is a temporary folder: the only change made to the cell's text.

Colab gives each notebook a fresh runtime, and every notebook has the same Colab cell: the fresh install is tested
once (clone of the configured branch, torch neither reinstalled nor upgraded nor downgraded, nor the notebook
kernel, the working folder, `utils` from the clone, and a second run of the cell that does nothing at all); then
every lecture, both copies, runs its Colab cell (nothing left to install), imports and setup cells in that
installed runtime. Last, the course's own install (pip install -e ., every tool) and one lecture run to its end.

Colab's Python is 3.12; python3.12 is looked for on PATH and under ~/.pyenv/versions. Without one the simulation
runs on this Python instead, and the 3.12-only tests are skipped (COURSE_REQUIRE_PY312=1 makes that a failure).
Python 3.11 is the rest of the test suite's.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from course import ROOT, SOLUTIONS, STUDENTS, notebooks, read, setting
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

HARNESS = Path(__file__).with_name("colab_harness.py")
COLAB_PYTHON = "3.12"
THIS_PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]}"
COLAB_ROOT = "/content"
TORCH, TORCHVISION = metadata.version("torch"), metadata.version("torchvision")  # what a runtime starts with
# Colab's kernel and what Colab warns about upgrading ("can cause your runtime to repeatedly crash"), and torch's own
KEPT = re.compile(r"(torch|torchvision|triton|nvidia[-_][\w-]+|ipykernel|ipython|jupyter[-_](client|core)|tornado|"
                  r"pyzmq|prompt[-_]toolkit)-\d", re.I)
# Colab's kernel is older than the one pip would pick, and pinned (IPython 7.34.0 on its Python 3.12 runtime in 2025,
# googlecolab/colabtools#5580); the runtime here starts with that IPython and an ipykernel of its time, so that an
# upgrade shows.
COLAB_KERNEL = ("ipython==7.34.0", "ipykernel==6.17.1")
# for running, testing, linting: not for Colab
TOOLS = {"jupyterlab", "papermill", "pytest", "pytest-timeout", "nbval", "ruff"}
LECTURES = [p.name for p in notebooks(SOLUTIONS)]
BADGE = re.compile(r"\[!\[Open In Colab\]\(https://colab\.research\.google\.com/assets/colab-badge\.svg\)\]\(([^)]*)\)")
END_TO_END = "08_autoencoders.ipynb"  # the lecture run to its end on Python 3.12 (the quickest one)


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, args))}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def colab_cell(nb) -> str:
    cells = [c for c in nb.cells if "colab-setup" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "one Colab cell (tag colab-setup)"
    return cells[0].source


def requirement_lines(name: str) -> list[str]:
    lines = (ROOT / name).read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


# --- read, not run -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("folder", ["labs_solutions", "notebooks"])
@pytest.mark.parametrize("name", LECTURES)
def test_badge_and_colab_cell_point_at_this_notebook(folder, name):
    """The badge opens this very file on the configured repository and branch; the cell installs that branch."""
    nb = read(ROOT / folder / name)
    repo, branch = setting("repository"), setting("branch")
    link = f"https://colab.research.google.com/github/{repo}/blob/{branch}/{folder}/{name}"
    assert BADGE.findall(nb.cells[0].source) == [link], "one badge, opening this notebook"
    opened = re.findall(r"colab\.research\.google\.com/(?:github|drive)/[^)\s]*", "\n".join(c.source for c in nb.cells))
    assert opened == [link.split("//")[1]], f"other Colab links: {opened}"
    cell = colab_cell(nb)
    assert re.search(rf'^ +REPO = "https://github\.com/{re.escape(repo)}"$', cell, re.M), "REPO: the repository"
    assert re.search(rf'^ +BRANCH = "{re.escape(branch)}"$', cell, re.M), "BRANCH: the configured branch"
    assert re.search(rf'^ +os\.chdir\(f"{{COURSE}}/{folder}"\)$', cell, re.M), "the cell moves into this folder"


def test_readme_colab_links_open_notebooks_of_this_repository_and_branch():
    links = re.findall(r"https://colab\.research\.google\.com/github/([^)\s]*)", (ROOT / "README.md").read_text())
    prefix = f"{setting('repository')}/blob/{setting('branch')}/"
    wrong = [link for link in links if not (link.startswith(prefix) and link.endswith(".ipynb")
                                            and (ROOT / link[len(prefix):]).is_file())]
    assert not wrong, f"README links that open no notebook of {prefix}: {wrong}"


def test_colab_requirements_are_the_courses_and_leave_colab_alone():
    """requirements-colab.txt: lines of requirements.txt, without Colab's kernel packages or the course's tools."""
    colab, course = requirement_lines("requirements-colab.txt"), requirement_lines("requirements.txt")
    assert set(colab) <= set(course), f"not as in requirements.txt: {sorted(set(colab) - set(course))}"
    names = {Requirement(line).name.lower() for line in colab}
    assert not {n for n in names if KEPT.match(f"{n}-0") and n not in ("torch", "torchvision")}, names
    assert not names & TOOLS, names & TOOLS
    assert {"torch", "torchvision"} <= names  # a floor only: Colab's newer torch satisfies it


def test_both_pythons_are_admitted():
    with open(ROOT / "pyproject.toml", "rb") as f:
        requires = SpecifierSet(tomllib.load(f)["project"]["requires-python"])
    assert "3.11" in requires and COLAB_PYTHON in requires, requires


def find_python(version: str) -> str | None:
    """An interpreter of that version: this one, pythonX.Y on PATH, pyenv's, else None."""
    if version == THIS_PYTHON:
        return sys.executable
    candidates = [shutil.which(f"python{version}")]
    candidates += sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}"), reverse=True)
    for candidate in filter(None, candidates):
        probe = subprocess.run([str(candidate), "-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"],
                               capture_output=True, text=True)
        if probe.returncode == 0 and probe.stdout.strip() == version:
            return str(candidate)
    return None


def python_312_or_skip() -> str:
    python = find_python(COLAB_PYTHON)
    if python is None:
        message = f"no Python {COLAB_PYTHON} here (python{COLAB_PYTHON} on PATH, ~/.pyenv/versions)"
        if os.environ.get("COURSE_REQUIRE_PY312") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return python


def test_every_source_compiles_on_python_312(tmp_path):
    """Every tracked Python file and notebook code cell compiles on 3.12 with warnings as errors (escapes...)."""
    python = python_312_or_skip()
    files = run("git", "ls-files", "*.py", "*.ipynb", cwd=ROOT).stdout.split()
    sources = {}
    for name in files:
        if name.endswith(".ipynb"):
            for i, cell in enumerate(read(ROOT / name).cells):
                if cell.cell_type == "code":
                    sources[f"{name}, cell {i + 1}"] = re.sub(r"^(\s*)[%!].*$", r"\1pass", cell.source, flags=re.M)
        else:
            sources[name] = (ROOT / name).read_text()
    (tmp_path / "sources.json").write_text(json.dumps(sources))
    code = ("import json, sys, warnings\nwarnings.simplefilter('error')\nbad = []\n"
            "for name, source in json.load(open(sys.argv[1])).items():\n"
            "    try:\n        compile(source, name, 'exec')\n"
            "    except (SyntaxError, Warning) as err:\n        bad.append(f'{name}: {err!r}')\n"
            "print('\\n'.join(bad))")
    assert run(python, "-c", code, tmp_path / "sources.json").stdout.strip() == ""


# --- the simulated runtime ---------------------------------------------------------------------------------------


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def remove_later(folder: Path) -> None:
    """Delete a copied runtime in the background: tens of thousands of files, which need not hold up the tests."""
    subprocess.Popen(["rm", "-rf", str(folder)], start_new_session=True, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)


def cache_root() -> Path:
    return Path(os.environ.get("COURSE_COLAB_CACHE", Path.home() / ".cache" / "dl-course-colab"))


def base_runtime(python: str, version: str) -> Path:
    """A venv of that Python with torch, torchvision and Colab's kernel only (Colab's starting point), built once."""
    kernel = "-".join(pin.replace("==", "") for pin in COLAB_KERNEL)
    base = cache_root() / f"py{version}-torch{TORCH}-torchvision{TORCHVISION}-{kernel}"
    base.parent.mkdir(parents=True, exist_ok=True)
    with open(base.parent / f"{base.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test sessions build it once
        if not (base / "complete").exists():
            shutil.rmtree(base, ignore_errors=True)
            run(python, "-m", "venv", base)
            run(venv_python(base), "-m", "pip", "install", "-q", f"torch=={TORCH}", f"torchvision=={TORCHVISION}",
                *COLAB_KERNEL)
            (base / "complete").write_text(run(venv_python(base), "-m", "pip", "freeze").stdout)
    return base


@pytest.fixture(scope="session")
def remote(tmp_path_factory):
    """A bare repository standing for GitHub: the configured branch holds this working tree (uncommitted edits and
    new files too, ignored ones not). It borrows the course repository's objects and writes only into itself."""
    bare = tmp_path_factory.mktemp("github") / "course.git"
    run("git", "init", "-q", "--bare", bare)
    git_dir = Path(run("git", "rev-parse", "--path-format=absolute", "--git-common-dir", cwd=ROOT).stdout.strip())
    (bare / "objects" / "info" / "alternates").write_text(f"{git_dir / 'objects'}\n")
    who = {f"GIT_{role}_{key}": value for role in ("AUTHOR", "COMMITTER")
           for key, value in (("NAME", "test"), ("EMAIL", "test@localhost"))}
    env = {**os.environ, **who, "GIT_DIR": str(git_dir), "GIT_WORK_TREE": str(ROOT),
           "GIT_OBJECT_DIRECTORY": str(bare / "objects"), "GIT_ALTERNATE_OBJECT_DIRECTORIES": str(git_dir / "objects"),
           "GIT_INDEX_FILE": str(bare / "snapshot-index")}
    run("git", "read-tree", "HEAD", env=env)
    run("git", "add", "-A", env=env)
    snapshot = run("git", "commit-tree", run("git", "write-tree", env=env).stdout.strip(), "-p", "HEAD", "-m",
                   "working tree", env=env).stdout.strip()
    empty = run("git", "mktree", input="", env=env).stdout.strip()
    decoy = run("git", "commit-tree", empty, "-m", "not the configured branch", env=env).stdout.strip()
    run("git", "--git-dir", bare, "update-ref", f"refs/heads/{setting('branch')}", snapshot)
    run("git", "--git-dir", bare, "update-ref", "refs/heads/decoy", decoy)
    run("git", "--git-dir", bare, "symbolic-ref", "HEAD", "refs/heads/decoy")
    return bare, snapshot


class Runtime:
    """A simulated Colab runtime: its venv, its /content folder, and the environment its cells see."""

    def __init__(self, version: str, venv: Path, content: Path, gitconfig: Path, snapshot: str):
        self.version, self.venv, self.content, self.snapshot = version, venv, content, snapshot
        self.course = content / "course"
        drop = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONSAFEPATH")
        path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if not p.startswith(sys.prefix))
        self.env = {k: v for k, v in os.environ.items() if k not in drop} | {
            "PATH": path, "GIT_CONFIG_GLOBAL": str(gitconfig), "GIT_CONFIG_NOSYSTEM": "1", "MPLBACKEND": "Agg",
            "COURSE_PROFILE": "smoke", "PIP_NO_INPUT": "1"}

    def as_colab(self, source: str) -> str:
        """The Colab cell with Colab's /content moved into this runtime's folder (the one change to its text)."""
        moved = source.replace(f'"{COLAB_ROOT}/', f'"{self.content}/')
        assert moved != source and COLAB_ROOT not in moved.replace(str(self.content), ""), "the cell names /content"
        return moved

    def run_cells(self, cells: list[tuple[str, str]], tmp: Path, **env) -> tuple[dict, str]:
        """Run cells in a fresh Python process of this runtime: its report and what it printed."""
        spec, report = tmp / "cells.json", tmp / "report.json"
        spec.write_text(json.dumps({"cells": cells}))
        result = subprocess.run([venv_python(self.venv), "-I", HARNESS, spec, report], cwd=tmp, capture_output=True,
                                text=True, env=self.env | env, timeout=900)
        printed = result.stdout + result.stderr
        assert result.returncode == 0 and report.exists(), printed[-5000:]
        answer = json.loads(report.read_text())
        assert not answer["failed"], f"{answer['failed']['cell']}: {answer['failed']['error']}\n{printed[-5000:]}"
        return answer, printed


@pytest.fixture(scope="session")
def colab(remote, tmp_path_factory):
    """A fresh runtime of Colab's Python (else this one) in which the first lecture's Colab cell ran twice:
    (runtime, report, what it printed)."""
    version = COLAB_PYTHON if find_python(COLAB_PYTHON) else THIS_PYTHON
    if version != COLAB_PYTHON and os.environ.get("COURSE_REQUIRE_PY312") == "1":
        pytest.fail(f"no Python {COLAB_PYTHON} here")
    base = base_runtime(find_python(version), version)
    scratch = Path(tempfile.mkdtemp(prefix="runtime-", dir=base.parent))  # beside the base: hard links work
    try:
        run("cp", "-al", base, scratch / "venv")
        tmp = tmp_path_factory.mktemp(f"colab-py{version}")
        gitconfig = tmp / "gitconfig"
        bare, snapshot = remote
        run("git", "config", "--file", gitconfig, f"url.file://{bare}.insteadOf",
            f"https://github.com/{setting('repository')}")
        runtime = Runtime(version, scratch / "venv", tmp / "content", gitconfig, snapshot)
        runtime.content.mkdir()
        cell = runtime.as_colab(colab_cell(read(SOLUTIONS / LECTURES[0])))
        # PIP_VERBOSE=1 cancels the cell's -q: pip then says what it installs.
        report, printed = runtime.run_cells([("Colab cell", cell), ("Colab cell, again", cell)], tmp,
                                            PIP_VERBOSE="1")
        yield runtime, report, printed
    finally:
        remove_later(scratch)


def test_fresh_install_clones_the_branch_and_keeps_torch_and_the_kernel(colab):
    runtime, report, printed = colab
    first, again = report["cells"]
    assert [c[:2] for c in first["commands"]] == [["git", "clone"], [str(venv_python(runtime.venv)), "-m"]]
    head = run("git", "-C", runtime.course, "rev-parse", "HEAD").stdout.strip()
    assert head == runtime.snapshot, "the clone is the configured branch of the configured repository"
    assert first["cwd"] == str(runtime.course / "labs_solutions")
    assert re.search(r"^Requirement already satisfied: torch[>= ]", printed, re.M), printed[-3000:]
    installed = " ".join(re.findall(r"^Successfully installed (.*)$", printed, re.M)).split()
    assert installed, printed[-3000:]
    assert not [p for p in installed if KEPT.match(p)], f"pip replaced {[p for p in installed if KEPT.match(p)]}"
    assert not re.search(r"Attempting uninstall", printed), "pip uninstalled something of Colab's"
    versions = run(venv_python(runtime.venv), "-c", "from importlib.metadata import version as v; "
                   "print(v('torch'), v('torchvision'))").stdout.split()
    assert versions == [TORCH, TORCHVISION], "torch as the runtime had it"
    assert first["commands"][1][2:] == ["pip", "install", "-q", "-r", f"{runtime.course}/requirements-colab.txt"]
    assert again["commands"] == [], f"the second run started {again['commands']}"
    assert again["cwd"] == first["cwd"] and again["sys_path"] == first["sys_path"], "the second run changed nothing"
    assert sum(p == str(runtime.course) for p in again["sys_path"]) == 1


@pytest.mark.parametrize("name", LECTURES)
def test_each_lecture_starts_in_the_installed_runtime(name, colab, tmp_path):
    """Both copies of a lecture: the Colab cell (nothing to install now), imports, parameters and setup cells."""
    runtime, _, _ = colab
    solution, student = read(SOLUTIONS / name), read(STUDENTS / name)
    assert [c.source for c in solution.cells[2:5]] == [c.source for c in student.cells[2:5]], \
        "both copies share the imports, parameters and setup cells"
    cells = [("Colab cell (labs_solutions)", runtime.as_colab(colab_cell(solution))),
             *[(label, c.source) for label, c in zip(("imports", "parameters", "setup"), solution.cells[2:5])],
             ("Colab cell (notebooks)", runtime.as_colab(colab_cell(student)))]
    report, printed = runtime.run_cells(cells, tmp_path)
    assert [c["commands"] for c in report["cells"]] == [[]] * len(cells), "nothing is installed twice"
    assert report["cells"][0]["cwd"] == str(runtime.course / "labs_solutions")
    assert report["cells"][-1]["cwd"] == str(runtime.course / "notebooks")
    assert Path(report["modules"]["utils"]).parent == runtime.course / "utils", "utils comes from the clone"
    assert Path(report["modules"]["torch"]).is_relative_to(runtime.venv), "torch is the runtime's"
    assert re.search(rf"^Lesson size: smoke\. Computing on .* with torch {re.escape(report['torch'])}", printed, re.M)


def test_course_installs_and_a_lecture_runs_on_python_312(colab, tmp_path):
    """On 3.12 the course's own install (pip install -e ., every tool) works, and a lecture runs to its end with
    every check passing, from the clone, as tools/run_course.py runs it."""
    runtime, _, _ = colab
    if runtime.version != COLAB_PYTHON:
        python_312_or_skip()
    if not os.environ.get("COURSE_DATA"):
        pytest.skip("needs the offline data copies ($COURSE_DATA)")
    scratch = Path(tempfile.mkdtemp(prefix="full-", dir=runtime.venv.parent.parent))
    try:
        venv = scratch / "venv"
        run("cp", "-al", runtime.venv, venv)  # the Colab runtime itself stays as it was
        python = venv_python(venv)
        run(python, "-m", "pip", "install", "-q", "-e", runtime.course, env=runtime.env, timeout=900)
        env = runtime.env | {"COURSE_STRICT_CHECKS": "1", "TQDM_DISABLE": "1", "HF_HUB_OFFLINE": "1"}
        run(python, "tools/run_course.py", "--profile", "smoke", "--out", tmp_path, END_TO_END[:2],
            cwd=runtime.course, env=env, timeout=900)
    finally:
        remove_later(scratch)
    executed = tmp_path / "smoke" / "labs_solutions"
    summary = json.loads((executed / "summary.json").read_text())
    assert [row["status"] for row in summary] == ["ok"], summary
    kernel = read(executed / END_TO_END).metadata["language_info"]["version"]
    assert kernel.startswith(f"{COLAB_PYTHON}."), f"the lecture ran on Python {kernel}"
