"""Every check catches plausible wrong answers, not only the untouched stub.

For each lecture, tests/wrong_answers/NN_topic.py holds WRONG: {check name: [(mistake, code, pattern), ...]}.
The solution notebook runs once, cell by cell, in one kernel. After each check cell, every wrong answer for
that check is executed in its place (the code redefines what the exercise defines), the check cell runs again,
and its output must start with ❌ and match `pattern` (so the message points at the mistake). After each
trial the exercise cell runs again, so every trial, and the lecture after it, starts from the solution.

Every wait on the kernel is bounded: a cell that gets no reply within CELL_LIMIT seconds (a lost message, a
stalled or dead kernel) fails that notebook's tests with the notebook, the cell and what was waited for, and
the failure is remembered, so the other tests of the notebook fail at once instead of waiting again.
"""

from __future__ import annotations

import importlib.util
import os
import re
import time
from pathlib import Path

import nbformat
import pytest
from course import SOLUTIONS, notebooks, read
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

HERE = Path(__file__).parent / "wrong_answers"
CHECK_NAME = re.compile(r'checks\.check\(\s*"([^"]+)"')
NAMES = [p.name for p in notebooks(SOLUTIONS)]
CELL_LIMIT = int(os.environ.get("COURSE_TEST_CELL_LIMIT", "300"))  # seconds; the longest smoke cell takes about 30


class KernelStalled(Exception):
    """The kernel did not answer in time, or died: which notebook, which cell, what was waited for."""


def wrong_answers(name: str) -> dict[str, list[tuple[str, str, str]]]:
    path = HERE / name.replace(".ipynb", ".py")
    if not path.exists():
        return {}
    spec = importlib.util.spec_from_file_location(f"wrong_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WRONG


def text_of(cell) -> str:
    return "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in cell.get("outputs", []))


def check_names(nb) -> list[str]:
    return [m.group(1) for c in nb.cells if "check" in c.metadata.get("tags", [])
            for m in [CHECK_NAME.search(c.source)] if m]


def run_with_wrong_answers(path: Path, wrong: dict, limit: int = CELL_LIMIT) -> dict[tuple[str, str], str]:
    """Execute the solution notebook with every wrong answer tried at its check; (check, mistake) -> output."""
    nb = read(path)
    client = NotebookClient(nb, kernel_name="python3", timeout=limit, startup_timeout=limit,
                            shutdown_kernel="immediate", resources={"metadata": {"path": str(path.parent)}})
    results, exercise = {}, None

    def execute(cell, index, what):
        try:
            client.execute_cell(cell, index)
        except CellTimeoutError:
            raise KernelStalled(f"{path.name}: no reply from the kernel within {limit} s for {what} "
                                f"(cell {index}: {cell.source.strip().splitlines()[0][:80]!r})") from None
        except DeadKernelError:
            raise KernelStalled(f"{path.name}: the kernel died while running {what} (cell {index})") from None

    saved = os.environ.get("COURSE_STRICT_CHECKS")
    os.environ["COURSE_STRICT_CHECKS"] = "0"  # a failed check prints ❌ instead of raising
    try:
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                execute(cell, index, "a cell of the notebook")
                if "# BEGIN SOLUTION" in cell.source:
                    exercise = cell
                name = (CHECK_NAME.search(cell.source) or [None, None])[1]
                if "check" not in cell.metadata.get("tags", []) or name not in wrong:
                    continue
                for mistake, code, _ in wrong[name]:
                    trial = nbformat.v4.new_code_cell(code + "\n\n" + cell.source)
                    execute(trial, index, f"the wrong answer {mistake!r} of {name}")
                    results[(name, mistake)] = text_of(trial)
                    restore = nbformat.v4.new_code_cell(exercise.source)  # the next trial starts from the solution
                    execute(restore, index, f"the solution of {name}, restored")
    finally:
        if saved is None:
            os.environ.pop("COURSE_STRICT_CHECKS")
        else:
            os.environ["COURSE_STRICT_CHECKS"] = saved
    return results


@pytest.fixture(scope="module")
def outputs():
    cache: dict[str, dict | KernelStalled] = {}

    def get(name: str) -> dict:
        if name not in cache:
            try:
                cache[name] = run_with_wrong_answers(SOLUTIONS / name, wrong_answers(name))
            except KernelStalled as err:
                cache[name] = err  # the notebook's other tests fail at once with the same reason
        if isinstance(cache[name], KernelStalled):
            pytest.fail(str(cache[name]), pytrace=False)
        return cache[name]

    return get


@pytest.mark.parametrize("name", NAMES)
def test_every_check_has_two_wrong_answers(name):
    wrong = wrong_answers(name)
    names = check_names(read(SOLUTIONS / name))
    assert sorted(wrong) == sorted(names), "tests/wrong_answers names exactly the checks of the notebook"
    for check, cases in wrong.items():
        assert len(cases) >= 2, f"{check}: at least two plausible wrong answers"
        assert len({m for m, _, _ in cases}) == len(cases), f"{check}: each mistake has its own name"


CASES = [(name, check, mistake, pattern) for name in NAMES for check, cases in wrong_answers(name).items()
         for mistake, _, pattern in cases]


@pytest.mark.parametrize("name, check, mistake, pattern", CASES,
                         ids=[f"{n[:2]}-{c.split('(')[-1].rstrip(')')}-{m}" for n, c, m, _ in CASES])
def test_wrong_answer_is_caught(outputs, name, check, mistake, pattern):
    text = outputs(name)[(check, mistake)]
    assert text.startswith("❌"), f"{mistake!r} was not caught: {text!r}"
    assert re.search(pattern, text, re.I | re.S), f"{mistake!r}: the message does not point at it: {text!r}"


def test_a_stalled_kernel_fails_in_bounded_time(tmp_path):
    """A kernel that stops answering (here it stops itself, as a lost message looks to the client) fails the
    run in about the cell limit, naming the notebook, the cell and what was waited for."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("x = 1"),
                nbformat.v4.new_code_cell("import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)")]
    path = tmp_path / "98_stall.ipynb"
    nbformat.write(nb, path)
    start = time.monotonic()
    with pytest.raises(KernelStalled, match=r"98_stall.ipynb: no reply from the kernel within 5 s .*cell 1"):
        run_with_wrong_answers(path, {}, limit=5)
    assert time.monotonic() - start < 60
