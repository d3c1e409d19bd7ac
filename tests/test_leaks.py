"""No answer is visible in a student notebook: no key line of an exercise's solution appears in the student copy
outside its exercise cell, neither in a cell's source nor in a committed output (a printed source, a repr).

A key line is a line of a solution block (between the markers) with at least KEY_CHARS characters once comments
and spaces are dropped: long enough to be the answer, not an idiom every training loop has (`loss.backward()`).
The right-hand side of an assignment counts on its own too, so renaming the variable does not hide a copy.
"""

from __future__ import annotations

import re

import pytest
from course import SOLUTIONS, STUDENTS, notebooks, read
from make_labs import BEGIN, END

KEY_CHARS = 25
NAMES = [p.name for p in notebooks(SOLUTIONS)]


def solution_blocks(source: str) -> list[list[str]]:
    blocks, current = [], None
    for line in source.splitlines():
        if line.strip() == BEGIN:
            current = []
        elif line.strip() == END:
            blocks.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def squeeze(text: str) -> str:
    """Code without comments or white space, so that reformatting or a comment does not hide a copy."""
    return re.sub(r"\s+", "", re.sub(r"(?m)#.*$", "", text))


def key_lines(nb) -> list[tuple[int, str]]:
    """(exercise number, line) for every key line of every exercise of a solution notebook."""
    exercises = [c for c in nb.cells if c.cell_type == "code" and BEGIN in c.source]
    return [(k, line.strip()) for k, cell in enumerate(exercises, 1) for block in solution_blocks(cell.source)
            for line in block if len(squeeze(line)) >= KEY_CHARS]


def visible_texts(cell):
    """The source of a cell and the text of each of its outputs, with where it is."""
    yield "source", cell.source
    for output in cell.get("outputs", []):
        texts = [output.get("text", "")] + [v for k, v in output.get("data", {}).items() if k.startswith("text/")]
        for text in texts:
            yield "output", text if isinstance(text, str) else "".join(text)


def is_stub(cell) -> bool:
    return cell.cell_type == "code" and "# YOUR CODE HERE" in cell.source and "raise NotImplementedError" in cell.source


def keys(line: str) -> list[str]:
    """The squeezed line, and the right-hand side of an assignment when it is long enough on its own."""
    squeezed = squeeze(line)
    value = re.match(r"^[\w.,\[\]()*]+(?::[^=]+)?=(?!=)(.+)$", squeezed)
    return [squeezed] + ([value.group(1)] if value and len(value.group(1)) >= KEY_CHARS else [])


def leaks(solution, student) -> list[str]:
    found = []
    for k, line in key_lines(solution):
        for index, cell in enumerate(student.cells):
            if is_stub(cell):
                continue
            found += [f"exercise {k}: {line!r} is in the {where} of cell {index}"
                      for where, text in visible_texts(cell) if any(key in squeeze(text) for key in keys(line))]
    return found


@pytest.mark.parametrize("name", NAMES)
def test_no_answer_is_visible_in_the_student_notebook(name):
    found = leaks(read(SOLUTIONS / name), read(STUDENTS / name))
    assert not found, f"{name}: " + "; ".join(found)


def test_the_leak_test_sees_a_printed_answer_and_a_copied_line():
    import nbformat

    solution = nbformat.v4.new_notebook()
    solution.cells = [nbformat.v4.new_code_cell(f"def attend(q, k, v):\n    {BEGIN}\n"
                                                "    weights = (q @ k.transpose(-2, -1)).softmax(-1)\n"
                                                f"    return weights @ v\n    {END}")]
    student = nbformat.v4.new_notebook()
    printed = nbformat.v4.new_code_cell("print(reference_source)")
    printed.outputs = [nbformat.v4.new_output("stream", text="weights = (q @ k.transpose(-2,-1)).softmax(-1)\n")]
    stub = "def attend(q, k, v):\n    # YOUR CODE HERE\n    raise NotImplementedError"
    student.cells = [nbformat.v4.new_code_cell(stub), printed,
                     nbformat.v4.new_code_cell("w = (q @ k.transpose(-2, -1)).softmax(-1)  # renamed, still a copy"),
                     nbformat.v4.new_code_cell("scores = q @ k.T  # another way to write it: not a copy")]
    line = "'weights = (q @ k.transpose(-2, -1)).softmax(-1)'"
    assert leaks(solution, student) == [f"exercise 1: {line} is in the output of cell 1",
                                        f"exercise 1: {line} is in the source of cell 2"]
