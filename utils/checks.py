"""Exercise checks: run a test, print a clear right / wrong / not-done message."""

from __future__ import annotations

import os
from collections.abc import Callable

import torch

STRICT_ENV = "COURSE_STRICT_CHECKS"  # set to 1 (the runner does for solutions) to make a failed check raise


PASSED: set[str] = set()  # names of the checks whose last run passed, e.g. "Exercise 3 (Head)"


class ExerciseFailed(AssertionError):
    """Raised by a failed check when checks are strict."""


def check(name: str, test: Callable[[], object]) -> None:
    """Run `test`; print ✅ when it passes, ❌ with the reason when it fails, ⏳ when the stub is untouched."""
    PASSED.discard(name)
    try:
        test()
    except NotImplementedError:
        message = f"⏳ {name}: not done yet. Fill in the exercise above, run it, then run this cell again."
    except AssertionError as err:
        message = f"❌ {name}: {err}"
    except Exception as err:  # a crash in student code is a wrong answer, said plainly
        message = f"❌ {name}: your code raised {type(err).__name__}: {err}"
    else:
        PASSED.add(name)
        print(f"✅ {name}: correct.")
        return
    print(message)
    if os.environ.get(STRICT_ENV) == "1":
        raise ExerciseFailed(message)


def passed(exercise: str) -> bool:
    """Whether the last run of the check of `exercise` ("Exercise 3" or its full name) passed."""
    return any(name == exercise or name.startswith(exercise + " ") for name in PASSED)


def yours_or_ours(exercise: str, yours, ours):
    """`yours` (what the student wrote) once the check of `exercise` passed, else the course's `ours`: the lecture
    cells after an exercise run either way, and with the student's code as soon as it is right."""
    return yours if passed(exercise) else ours


def assert_close(actual, expected, what: str = "result", atol: float = 1e-6, rtol: float = 1e-5) -> None:
    """Assert two tensors (or numbers) agree in shape and value, saying how they differ if not."""
    actual, expected = torch.as_tensor(actual), torch.as_tensor(expected)
    if actual.shape != expected.shape:
        raise AssertionError(f"{what} has shape {tuple(actual.shape)}, expected {tuple(expected.shape)}.")
    if not torch.allclose(actual.double(), expected.double(), atol=atol, rtol=rtol):
        diff = (actual.double() - expected.double()).abs().max().item()
        raise AssertionError(f"{what} is off by up to {diff:.3g} (tolerance atol={atol}, rtol={rtol}).")


def assert_equal(actual, expected, what: str = "result") -> None:
    """Assert exact equality (tensors: same shape and every entry), with a readable message."""
    if isinstance(expected, torch.Tensor):
        actual = torch.as_tensor(actual)
        if actual.shape != expected.shape:
            raise AssertionError(f"{what} has shape {tuple(actual.shape)}, expected {tuple(expected.shape)}.")
        if not torch.equal(actual.to(expected.dtype), expected):
            raise AssertionError(f"{what} has the right shape but different values.")
    elif actual != expected:
        raise AssertionError(f"{what} is {actual!r}, expected {expected!r}.")
