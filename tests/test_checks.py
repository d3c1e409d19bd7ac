"""utils.checks: a check remembers whether it passed, so the lecture can use the student's code once it is right."""

from utils import checks


def test_the_students_code_is_used_only_while_its_check_passes(monkeypatch):
    monkeypatch.setenv(checks.STRICT_ENV, "0")
    monkeypatch.setattr(checks, "PASSED", set())
    assert checks.yours_or_ours("Exercise 3", "mine", "course") == "course"
    checks.check("Exercise 3 (head)", lambda: None)
    assert checks.passed("Exercise 3") and checks.passed("Exercise 3 (head)") and not checks.passed("Exercise 31")
    assert checks.yours_or_ours("Exercise 3", "mine", "course") == "mine"
    checks.check("Exercise 3 (head)", lambda: checks.assert_equal(1, 2))  # the student changed it: wrong now
    assert not checks.passed("Exercise 3")
    checks.check("Exercise 3 (head)", lambda: (_ for _ in ()).throw(NotImplementedError))  # back to the stub
    assert checks.yours_or_ours("Exercise 3", "mine", "course") == "course"
