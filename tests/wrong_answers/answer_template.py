"""The template helper that the wrong-answer files share (tests/conftest.py puts this folder on the path).

An exercise's right answer is written once as a template, with {placeholders} on the lines that mistakes change;
`answer(template, **right)` returns a function that fills in the right code except where a mistake changes it.
A change may hold several lines (a line added goes with the line next to it); a line changed to "" is left out.
"""


def answer(template: str, **right: str):
    """The helper for one exercise: answer(**changes) is the template with the right code where no change is given."""

    def write(**changes: str) -> str:
        code = template.format(**{**right, **changes})
        return "\n".join(line for line in code.split("\n") if not line.isspace())  # a line changed to "" goes

    return write
