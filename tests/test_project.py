"""Project-level promises: environments agree, the layout is as the README says."""

from pathlib import Path

import yaml
from course import ROOT


def requirement_lines(text: str) -> list[str]:
    return [line.split("#")[0].strip() for line in text.splitlines() if line.split("#")[0].strip()]


def test_environment_yml_matches_requirements():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert [p for p in pip if p != "-e ."] == requirement_lines((ROOT / "requirements.txt").read_text())
    assert "-e ." in pip  # the course's utils are installed too


def test_layout():
    for path in ("notebooks", "labs_solutions", "utils", "data", "tests", "tools", ".ci/run", "README.md",
                 "requirements.txt", "environment.yml", "pyproject.toml", "LICENSE"):
        assert (ROOT / path).exists(), path
    solutions = sorted(p.name for p in (ROOT / "labs_solutions").glob("*.ipynb"))
    assert solutions == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert all(name[:2].isdigit() and name[2] == "_" for name in solutions)


def test_utils_import_has_no_side_effects(tmp_path):
    import subprocess
    import sys

    code = "import utils.env, utils.data, utils.train, utils.plots, utils.checks, os; print(sorted(os.listdir('.')))"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]" and out.stderr == ""
    assert not Path(ROOT / "utils" / "__init__.py").read_text().count("import torch")


def test_every_test_and_notebook_cell_is_bounded_in_time():
    """A kernel that stops answering fails its test by name instead of hanging CI (pytest-timeout, nbval)."""
    import tomllib

    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert 0 < int(options["timeout"]) <= 1800
    assert "--nbval-cell-timeout=" in options["addopts"] and "--nbval-kernel-startup-timeout=" in options["addopts"]
    assert "pytest-timeout" in (ROOT / "requirements.txt").read_text()


def test_a_test_that_waits_forever_fails_by_name(tmp_path):
    """The per-test limit in action: a test stuck waiting fails, named, with the stack of what it waited for."""
    import subprocess
    import sys

    (tmp_path / "test_stuck.py").write_text("import time\n\n\ndef test_waits_for_a_lost_reply():\n"
                                            "    time.sleep(600)\n")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--timeout=3",
                             "test_stuck.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "test_waits_for_a_lost_reply" in result.stdout and "Timeout" in result.stdout
    assert "time.sleep(600)" in result.stdout  # where it was waiting
