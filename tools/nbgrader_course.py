"""Set up an nbgrader course directory with the course's lectures as assignments.

    python tools/nbgrader_course.py ~/course            # every lecture
    python tools/nbgrader_course.py ~/course 03 08      # chosen lectures

For each lecture, the solution notebook (an nbgrader source notebook: tools/make_labs.py writes its metadata)
is copied to COURSE/source/NN_topic/NN_topic.ipynb, its Colab badge and cell pointing at the student notebook
(as in notebooks/), and COURSE/nbgrader_config.py is written if it does not exist. Then, in COURSE,
nbgrader's own commands do the rest:

    nbgrader generate_assignment 08_autoencoders     # release/: exercise cells as stubs, checks as tests
    nbgrader autograde 08_autoencoders               # submitted/<student>/08_autoencoders/ -> autograded/
    nbgrader export                                  # grades.csv

The kernels need the course's `utils` (pip install -e . in this repository) and its data ($COURSE_DATA).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course import SOLUTIONS, STUDENTS, notebooks, read, write
from make_labs import stamp_colab

CONFIG = '''\
# nbgrader settings for the deep-learning course (written by tools/nbgrader_course.py)
c = get_config()  # noqa: F821 (nbgrader provides it)
c.CourseDirectory.course_id = "{course_id}"
# the stub the course's own student notebooks have, so that nbgrader's release copies match them
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError"}}
# seconds a cell may run: lecture cells train models (about 2 minutes at most on the smoke size, set by
# COURSE_PROFILE=smoke in the environment; use more for the cpu size)
c.ExecutePreprocessor.timeout = {timeout}
'''


def setup(course: Path, wanted: list[str], timeout: int) -> list[Path]:
    """Copy the chosen solution notebooks into course/source/ and write course/nbgrader_config.py once."""
    chosen = [p for p in notebooks(SOLUTIONS) if not wanted or p.name[:2] in wanted or p.stem in wanted]
    unknown = [w for w in wanted if not any(p.name[:2] == w or p.stem == w for p in chosen)]
    if unknown:
        raise SystemExit(f"no lecture {', '.join(unknown)} in {SOLUTIONS}")
    copied = []
    for path in chosen:
        nb = read(path)
        stamp_colab(nb, STUDENTS.name, path.name)  # a student who opens the badge gets the exercises, not answers
        target = course / "source" / path.stem / path.name
        write(nb, target)
        copied.append(target)
    config = course / "nbgrader_config.py"
    if not config.exists():
        config.write_text(CONFIG.format(course_id=course.resolve().name, timeout=timeout))
    return copied


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("course", type=Path, help="the nbgrader course directory (created if missing)")
    parser.add_argument("lectures", nargs="*", help="numbers or names, e.g. 03 08_autoencoders (default: all)")
    parser.add_argument("--timeout", type=int, default=300, help="seconds a cell may run (default: 300)")
    args = parser.parse_args()
    for path in setup(args.course, args.lectures, args.timeout):
        print(f"wrote {path}")
    print(f"next: cd {args.course} && nbgrader generate_assignment {path.parent.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
