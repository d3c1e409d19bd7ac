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
