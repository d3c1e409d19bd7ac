"""Exercise checks: run a test, print a clear right / wrong / not-done message."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

import torch

STRICT_ENV = "COURSE_STRICT_CHECKS"  # set to 1 (the runner does for solutions) to make a failed check raise
NBGRADER_ENV = "NBGRADER_EXECUTION"  # nbgrader sets it while it autogrades or validates: a check cell scores by raising


PASSED: set[str] = set()  # names of the checks whose last run passed, e.g. "Exercise 3 (Head)"


class ExerciseFailed(AssertionError):
    """Raised by a failed check when checks are strict."""


def check(name: str, test: Callable[[], object]) -> None:
    """Run `test`; print ✅ when it passes, ❌ with the reason when it fails, ⏳ when the stub is untouched."""
    strict = is_strict()  # read before the student's code runs: it cannot turn a fail into a pass
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
    if strict:
        raise ExerciseFailed(message)


def is_strict() -> bool:
    """Whether a check that does not pass raises (its cell then fails): in the course's tests and runs of the
    solutions, and under nbgrader's autograder, which gives a test cell its points only when it runs cleanly."""
    return os.environ.get(STRICT_ENV) == "1" or os.environ.get(NBGRADER_ENV) in ("autograde", "validate")


def passed(exercise: str) -> bool:
    """Whether the last run of the check of `exercise` ("Exercise 3" or its full name) passed."""
    return any(name == exercise or name.startswith(exercise + " ") for name in PASSED)


def yours_or_ours(exercise: str, yours, ours):
    """`yours` (what the student wrote) once the check of `exercise` passed, else the course's `ours`: the lecture
    cells after an exercise run either way, and with the student's code as soon as it is right."""
    return yours if passed(exercise) else ours


def assert_close(actual, expected, what: str = "result", atol: float = 1e-6, rtol: float = 1e-5) -> None:
    """Assert two tensors (or numbers) agree in shape and value, saying how they differ if not."""
    _require_plain(actual, what)
    _require_plain(expected, f"the reference for {what}")
    actual, expected = torch.as_tensor(actual), torch.as_tensor(expected)
    if actual.shape != expected.shape:
        raise AssertionError(f"{what} has shape {tuple(actual.shape)}, expected {tuple(expected.shape)}.")
    if not torch.allclose(actual.double(), expected.double(), atol=atol, rtol=rtol):
        diff = (actual.double() - expected.double()).abs().max().item()
        raise AssertionError(f"{what} is off by up to {diff:.3g} (tolerance atol={atol}, rtol={rtol}).")


def assert_equal(actual, expected, what: str = "result") -> None:
    """Assert exact equality (tensors: same shape and every entry), with a readable message."""
    _require_plain(actual, what)
    _require_plain(expected, f"the reference for {what}")
    if isinstance(expected, torch.Tensor):
        actual = torch.as_tensor(actual)
        if actual.shape != expected.shape:
            raise AssertionError(f"{what} has shape {tuple(actual.shape)}, expected {tuple(expected.shape)}.")
        if not torch.equal(actual.to(expected.dtype), expected):
            raise AssertionError(f"{what} has the right shape but different values.")
    elif actual != expected:
        raise AssertionError(f"{what} is {actual!r}, expected {expected!r}.")


# Types whose comparisons the student's code cannot redefine: values are compared only when every part of them has
# exactly one of these types, tested by identity (a subclass of int or Tensor, or an object whose __eq__ always says
# True, could answer any comparison with "equal"; a metaclass could make `kind in (...)` or a set lookup say True).
_PLAIN = (bool, int, float, complex, str, bytes, type(None), torch.Tensor, torch.nn.Parameter, torch.Size,
          torch.dtype, torch.device)


def _one_of(kind: type, types) -> bool:
    return any(kind is t for t in types)


def _odd_part(value):
    """None when `value` is plain, else its first part that is not (`value` itself or an item inside it)."""
    kind = type(value)
    if _one_of(kind, _PLAIN):
        return None
    if _one_of(kind, (list, tuple)):
        parts = value
    elif kind is dict:
        parts = [*value.keys(), *value.values()]
    else:
        numpy = sys.modules.get("numpy")  # numpy's own arrays and scalars compare by value too (not imported here)
        plain = numpy is not None and _one_of(kind, (numpy.ndarray, *numpy.sctypeDict.values()))
        return None if plain else value
    return next((odd for odd in map(_odd_part, parts) if odd is not None), None)


def _require_plain(value, what: str) -> None:
    """Refuse a value that is not made of plain numbers, strings, tensors, lists, tuples and dicts (exact types)."""
    odd = _odd_part(value)
    if odd is not None:
        kind = type(odd)
        where = "is" if odd is value else "holds"
        raise AssertionError(f"{what} {where} an object of type {kind.__qualname__} ({kind.__module__}), not a plain "
                             "value: return a torch.Tensor or Python numbers, lists and tuples (not a subclass or an "
                             "object of your own)")
