"""Every lecture follows the one skeleton of tools/lecture_template.ipynb, and speaks to the student.

Skeleton: title with "You will learn to" and a Sources line and the Colab badge; the Colab cell; imports;
the parameters cell; the setup cell (env.setup, then env.sizes); "## 1." first, numbered sections in order;
each exercise under its own "### Exercise k: ..." heading and followed by its check "Exercise k (...)";
then "## Results" (env.record_metrics), "## Summary" and "## References", last.
"""

from __future__ import annotations

import logging
import re

import make_labs
import pytest
from course import ROOT, SOLUTIONS, STUDENTS, notebooks, read
from nbclient import NotebookClient
from papermill.translators import PythonTranslator

TEMPLATE = ROOT / "tools" / "lecture_template.ipynb"
LECTURES = [p.name for p in notebooks(SOLUTIONS)]
CHECK_NAME = re.compile(r'checks\.check\(\s*"Exercise (\d+) \(')
# Words about how the course is built or run, not about the subject: none of them may reach a student.
BUILD_WORDS = re.compile(r"\bseed[ _]?0\d\d(?!\d)|\bseed figure|\bheadless\b|\bheadline|\bprofile\b|\bsmoke\b|"
                         r"\bpapermill\b|\bnbval\b|\bfull run\b|\bmetric tags?\b|\bthe runner\b", re.I)


def tags(cell) -> list[str]:
    return cell.metadata.get("tags", [])


def heading(cell) -> str:
    return cell.source.splitlines()[0] if cell.cell_type == "markdown" and cell.source else ""


def skeleton_problems(nb) -> list[str]:
    """What keeps `nb` from following the skeleton (empty when it does)."""
    cells, problems = nb.cells, []
    title = cells[0].source
    if not re.match(r"# (\d\d|NN) · \S", title):
        problems.append("the first cell starts with '# NN · Title'")
    for needed in ("colab-badge.svg", "**You will learn to**", "\nSources: "):
        if needed not in title:
            problems.append(f"the title cell holds {needed.strip()!r}")
    if "colab-setup" not in tags(cells[1]):
        problems.append("cell 2 is the Colab cell (tag colab-setup)")
    code_lines = [line for line in cells[2].source.splitlines() if line.strip() and not line.startswith("#")]
    if cells[2].cell_type != "code" or not all(line.startswith(("import ", "from ")) for line in code_lines):
        problems.append("cell 3 holds the imports and nothing else")
    params = cells[3].source
    if "parameters" not in tags(cells[3]) or not re.search(r'^PROFILE = ""$', params, re.M) or \
            not re.search(r'^SIZES = \{\n\s+"smoke": .*"cpu": .*"full": .*\n\}$', params, re.M | re.S):
        problems.append('cell 4 is the parameters cell: PROFILE = "" then SIZES with smoke, cpu and full')
    if papermill_warnings(cells[3]):
        problems.append(f"papermill cannot parse the parameters cell: {papermill_warnings(cells[3])}")
    setup = cells[4].source.split("\n", 1)
    if not (setup[0] == "PROFILE, device = env.setup(PROFILE, seed=0)" and len(setup) == 2
            and re.match(r"\(?[A-Z_,\s]+\)? = env\.sizes\(\s*SIZES,\s*PROFILE,", setup[1])):
        problems.append("cell 5 is the setup: env.setup(PROFILE, seed=0), then the sizes from env.sizes(SIZES, ...)")
    sections = [(i, heading(c)) for i, c in enumerate(cells) if heading(c).startswith("## ")]
    numbered = [h for _, h in sections if re.match(r"## \d+\. ", h)]
    if [int(h.split(".")[0][3:]) for h in numbered] != list(range(1, len(numbered) + 1)) or not numbered:
        problems.append("the sections are numbered 1, 2, 3, ... in order")
    if sections[:1] and not sections[0][1].startswith("## 1. "):
        problems.append("the first section is '## 1. ...' (the data)")
    tail = [h for _, h in sections[len(numbered):]]
    if tail != ["## Results", "## Summary", "## References"] or sections[-1][0] != len(cells) - 1:
        problems.append("after the numbered sections come ## Results, ## Summary and ## References, the last cell")
    results = next((i for i, h in sections if h == "## Results"), len(cells))
    recorders = [i for i, c in enumerate(cells) if c.cell_type == "code" and "env.record_metrics(" in c.source]
    if len(recorders) != 1 or not results < recorders[0]:
        problems.append("one cell calls env.record_metrics, in the Results section")
    number = 0
    for i, cell in enumerate(cells):
        if not (make_labs.is_exercise(cell) or cell.cell_type == "code" and "# YOUR CODE HERE" in cell.source):
            continue  # a solution's exercise, or its stub in the student copy
        number += 1
        above = next(c for c in reversed(cells[:i]) if c.cell_type == "markdown")
        if not heading(above).startswith(f"### Exercise {number}: "):
            problems.append(f"exercise {number} (cell {i}) sits under its own '### Exercise {number}: ...' heading")
        check = next((c for c in cells[i + 1:] if c.cell_type == "code"), None)
        found = CHECK_NAME.search(check.source) if check is not None else None
        if check is None or "check" not in tags(check) or not found or int(found.group(1)) != number:
            problems.append(f"exercise {number} is followed by its check cell, checks.check('Exercise {number} (...)')")
    if not number:
        problems.append("a lecture has a lab")
    return problems


def papermill_warnings(cell) -> list[str]:
    """What papermill says when it reads the parameters cell (a line it cannot parse is silently dropped)."""
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("papermill")
    logger.addHandler(handler)
    try:
        PythonTranslator.inspect(cell)
    finally:
        logger.removeHandler(handler)
    return [r.getMessage() for r in records if r.levelno >= logging.WARNING]


def student_facing_text(nb) -> list[tuple[int, str]]:
    """(cell, text) for what a student reads: markdown, code comments (not the parameters cell), outputs."""
    texts = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            texts.append((i, cell.source))
        elif cell.cell_type == "code":
            if "parameters" not in tags(cell):
                texts += [(i, m) for m in re.findall(r"#.*$", cell.source, re.M)]
            for out in cell.get("outputs", []):
                texts.append((i, out.get("text", "") or out.get("data", {}).get("text/plain", "")))
                texts += [(i, str(k)) for k in out.get("metadata", {}).get("course_metrics", {}) if k != "_headline"]
    return texts


def test_template_follows_the_skeleton():
    assert skeleton_problems(read(TEMPLATE)) == []


def test_template_runs(tmp_path):
    nb = read(TEMPLATE)
    NotebookClient(nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(ROOT)}}).execute()
    outputs = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "✅ Exercise 1 (slope_by_hand): correct." in outputs


def test_skeleton_catches_a_misplaced_section():
    nb = read(TEMPLATE)
    nb.cells = nb.cells[:-1]  # no References
    assert any("References" in p for p in skeleton_problems(nb))


@pytest.mark.parametrize("name", LECTURES)
@pytest.mark.parametrize("folder", [SOLUTIONS, STUDENTS], ids=["solution", "student"])
def test_lecture_follows_the_skeleton(folder, name):
    assert skeleton_problems(read(folder / name)) == []


@pytest.mark.parametrize("name", LECTURES)
@pytest.mark.parametrize("folder", [SOLUTIONS, STUDENTS], ids=["solution", "student"])
def test_no_build_vocabulary_reaches_the_student(folder, name):
    texts = student_facing_text(read(folder / name))
    found = [(i, m.group(0)) for i, text in texts for m in BUILD_WORDS.finditer(text)]
    assert found == [], f"cells speak of the course's machinery, not the subject: {found[:10]}"


def test_skeleton_catches_a_parameters_cell_papermill_cannot_parse():
    nb = read(TEMPLATE)
    nb.cells[3].source = nb.cells[3].source.replace('{"n_points": 200, "steps": 50}', "dict(n_points=200, steps=50)")
    assert any("cannot parse" in p for p in skeleton_problems(nb))


def test_build_vocabulary_is_recognised():
    for phrase in ("as in seed 000's slides", "seed000_err", "in the full run", "profile `full`", "headline metrics"):
        assert BUILD_WORDS.search(phrase), phrase
    assert not BUILD_WORDS.search("a random seed of 0 and Fleuret's slides report 0.14 %")


def test_skeleton_accepts_a_sizes_call_wrapped_over_lines():
    nb = read(TEMPLATE)
    nb.cells[4].source = nb.cells[4].source.replace("N_POINTS, STEPS = env.sizes(SIZES, PROFILE, ",
                                                    "(N_POINTS,\n STEPS) = env.sizes(\n    SIZES, PROFILE,\n    ")
    assert "\n    SIZES, PROFILE," in nb.cells[4].source and skeleton_problems(nb) == []
