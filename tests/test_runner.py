"""The headless runner on tiny notebooks made here: summary, metrics, failures, and --in-place safety."""

import json
import logging
import os
import signal
import subprocess
import sys
import time

import nbformat
from course import ROOT, SOLUTIONS, WIDGET_VIEW, notebooks, outputs_digest
from papermill.translators import PythonTranslator

SETUP = "from utils import env\nPROFILE, device = env.setup('')"


def make_notebook(path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, path)
    return path


def run(*args, cwd=ROOT, **env):
    return subprocess.run([sys.executable, str(ROOT / "tools" / "run_course.py"), *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, env={**os.environ, **env})


def summary(tmp_path, profile="smoke"):
    return json.loads((tmp_path / "runs" / profile / "labs_solutions" / "summary.json").read_text())


def test_runner_summarises_metrics_and_fails_on_error(tmp_path):
    good = make_notebook(tmp_path / "10_good.ipynb", SETUP, "env.record_metrics(answer=42, ratio=0.5)")
    bad = make_notebook(tmp_path / "11_bad.ipynb", "raise ValueError('boom: the loss\\nis undefined')")
    result = run("--profile", "smoke", "--out", tmp_path / "runs", good, bad)
    assert result.returncode == 1, result.stdout + result.stderr
    rows = summary(tmp_path)
    assert [r["notebook"] for r in rows] == ["10_good.ipynb", "11_bad.ipynb"]
    assert rows[0]["status"] == "ok" and rows[0]["metrics"] == {"answer": 42, "ratio": 0.5}
    assert rows[0]["headline"] == "answer"  # the first metric recorded, even though JSON sorts keys
    assert rows[0]["profile"] == "smoke" and rows[0]["device"].startswith(("cpu", "NVIDIA", "mps"))
    assert rows[1]["status"] == "failed: ValueError: boom: the loss is undefined"  # type and whole message
    assert "| 10_good.ipynb | smoke |" in result.stdout
    executed = nbformat.read(tmp_path / "runs" / "smoke" / "labs_solutions" / "10_good.ipynb", as_version=4)
    assert executed.metadata["course"]["profile"] == "smoke" and "papermill" not in executed.metadata
    assert "without encryption" not in result.stderr  # ipykernel's TCP warning is not shown once per notebook


def test_nan_or_missing_headline_is_a_failure(tmp_path):
    nan = make_notebook(tmp_path / "12_nan.ipynb", SETUP, "env.record_metrics(accuracy=float('nan'))")
    none = make_notebook(tmp_path / "13_none.ipynb", "x = 1")
    good = make_notebook(tmp_path / "14_ok.ipynb", SETUP, "env.record_metrics(accuracy=0.9)")
    result = run("--profile", "smoke", "--out", tmp_path / "runs", nan, none, good)
    assert result.returncode == 1
    status = [r["status"] for r in summary(tmp_path)]
    assert status[0] == "failed: headline metric accuracy is nan"
    assert status[1].startswith("failed: no headline metric") and status[2] == "ok"


def test_in_place_replaces_only_a_notebook_that_ran_to_the_end(tmp_path):
    good = make_notebook(tmp_path / "15_good.ipynb", SETUP, "env.record_metrics(accuracy=0.9)")
    bad = make_notebook(tmp_path / "16_bad.ipynb", SETUP, "print('refreshed')", "raise RuntimeError('diverged')")
    committed = nbformat.read(bad, as_version=4)  # outputs of an earlier good run, which a failure must not lose
    committed.cells[1].outputs = [nbformat.v4.new_output("stream", text="committed output\n")]
    nbformat.write(committed, bad)
    before = bad.read_bytes()
    result = run("--profile", "smoke", "--in-place", "--out", tmp_path / "runs", good, bad)
    assert result.returncode == 1
    assert bad.read_bytes() == before  # byte for byte: no error banner, no lost outputs, no new metadata
    refreshed = nbformat.read(good, as_version=4)
    assert refreshed.metadata["course"]["profile"] == "smoke" and refreshed.cells[1].outputs
    assert "16_bad.ipynb left unchanged" in result.stdout


def test_unknown_kernel_or_profile_is_one_line_and_runs_nothing(tmp_path):
    nb = make_notebook(tmp_path / "17_x.ipynb", SETUP, "env.record_metrics(a=1.0)")
    before = nb.read_bytes()
    for args, env, words in [(["--kernel", "pyhton3"], {}, "no Jupyter kernel named 'pyhton3'"),
                             (["--profile", "bogus"], {}, "unknown profile 'bogus'"),
                             ([], {"COURSE_PROFILE": "bogus"}, "unknown profile 'bogus' (from $COURSE_PROFILE)")]:
        result = run(*args, "--in-place", "--out", tmp_path / "runs", nb, **env)
        assert result.returncode == 1 and words in result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert nb.read_bytes() == before


def test_relative_course_data_is_the_shells_folder(tmp_path):
    nb = make_notebook(tmp_path / "18_data.ipynb", SETUP,
                       "from utils import data\nprint(data.data_dir())\nenv.record_metrics(a=1.0)")
    result = run("--profile", "smoke", "--out", "runs", nb, cwd=tmp_path, COURSE_DATA="cache")
    assert result.returncode == 0, result.stdout + result.stderr
    executed = nbformat.read(tmp_path / "runs" / "smoke" / "labs_solutions" / nb.name, as_version=4)
    assert executed.cells[1].outputs[0]["text"].strip() == str(tmp_path / "cache")


def test_interrupt_leaves_the_source_and_saves_the_summary(tmp_path):
    done = make_notebook(tmp_path / "19_done.ipynb", SETUP, "env.record_metrics(a=1.0)")
    sleeping = tmp_path / "sleeping"  # the kernel runs in the notebook's folder
    slow = make_notebook(tmp_path / "20_slow.ipynb", SETUP, "import pathlib\nimport time\n"
                         "pathlib.Path('sleeping').touch()\ntime.sleep(120)", "env.record_metrics(a=1.0)")
    before = slow.read_bytes()
    proc = subprocess.Popen([sys.executable, str(ROOT / "tools" / "run_course.py"), "--profile", "smoke",
                             "--in-place", "--out", str(tmp_path / "runs"), str(done), str(slow)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            # as in a terminal: a shell's background job (e.g. CI started with &) ignores Ctrl-C
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.time() + 120  # wait until the slow cell runs (a loaded machine starts kernels slowly)
    while not sleeping.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
    assert sleeping.exists(), "the slow notebook never started its long cell"
    proc.send_signal(signal.SIGINT)  # Ctrl-C
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, out + err
    assert slow.read_bytes() == before
    rows = summary(tmp_path)
    assert [(r["notebook"], r["status"]) for r in rows] == [("19_done.ipynb", "ok"), ("20_slow.ipynb", "interrupted")]


def test_parameters_cell_of_the_documented_form_parses_cleanly(caplog):
    """papermill reads a parameters cell line by line: a line holding one `=` starts an assignment, and a line
    with two or more is skipped with 'Unable to parse line N'. So continuation lines carry no `=` (dict literals,
    not dict(n=...)) and no `=` inside a comment that follows code; whole-line comments may say anything."""
    cell = nbformat.v4.new_code_cell(
        'PROFILE = ""  # "smoke", "cpu" or "full"; "" picks full on a GPU, else cpu ($COURSE_PROFILE overrides)\n'
        "SIZES = {  # training digits and epochs per profile\n"
        '    # n_train: MNIST digits (None = all of them)\n'
        '    "smoke": {"n_train": 2_000, "epochs": 1},\n'
        '    "cpu": {"n_train": 20_000, "epochs": 3},\n'
        '    "full": {"n_train": None, "epochs": 10},\n'
        "}\n")
    with caplog.at_level(logging.WARNING, logger="papermill"):
        params = PythonTranslator.inspect(cell)
    assert not caplog.records
    assert [p.name for p in params] == ["PROFILE", "SIZES"]
    assert eval(params[1].default)["full"] == {"n_train": None, "epochs": 10}
    bad = nbformat.v4.new_code_cell('SIZES = {\n    "smoke": dict(n_train=2_000, epochs=1),\n}\n')
    with caplog.at_level(logging.WARNING, logger="papermill"):
        PythonTranslator.inspect(bad)
    assert "Unable to parse line 2" in caplog.text  # today's form: two `=` on one line


def test_jupyterlab_is_one_of_the_course_packages():
    """The README's setup command (pip install -e ., which reads requirements.txt) gives a working JupyterLab."""
    names = [line.split(">")[0].split("=")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    assert "jupyterlab" in names


def test_widgets_are_saved_as_what_they_showed_and_outputs_get_a_digest(tmp_path):
    nb = make_notebook(tmp_path / "20_widget.ipynb", SETUP,
                       "import ipywidgets\nimport matplotlib.pyplot as plt\n"
                       "def show(k=2):\n    plt.plot([0, k])\n    plt.show()\n"
                       "ipywidgets.interact(show, k=(1, 5))",
                       "env.record_metrics(a=1.0)")
    assert run("--profile", "smoke", "--in-place", "--out", tmp_path / "runs", nb).returncode == 0
    saved = nbformat.read(nb, as_version=4)
    outputs = saved.cells[1].outputs
    assert "widgets" not in saved.metadata and not any(WIDGET_VIEW in o.get("data", {}) for o in outputs)
    assert outputs[0].data["text/plain"] == "Run this cell to use its controls (k)."
    assert "image/png" in outputs[1].data  # the figure the slider's first position drew
    assert saved.metadata["course"]["outputs_sha256"] == outputs_digest(saved)


def test_committed_outputs_are_those_of_their_recorded_run():
    """A lecture run in JupyterLab and saved (autosave) has outputs its recorded run did not make: caught here."""
    for path in notebooks(SOLUTIONS):
        nb = nbformat.read(path, as_version=4)
        assert nb.metadata.get("course", {}).get("outputs_sha256") == outputs_digest(nb), (
            f"{path.relative_to(ROOT)}: its outputs are not those of its recorded run (saved from JupyterLab?); "
            f"restore it with git, or rerun: python tools/run_course.py --in-place {path.stem[:2]}")


def test_in_place_never_writes_a_student_notebook(tmp_path):
    """The student notebook of a real lecture, by path, and a copy of one elsewhere: refused before running."""
    student = ROOT / "notebooks" / "08_autoencoders.ipynb"
    copy = tmp_path / "08_autoencoders.ipynb"
    copy.write_bytes(student.read_bytes())
    for path in (student, copy):
        before = path.read_bytes()
        result = run("--profile", "smoke", "--in-place", "--out", tmp_path / "runs", path)
        assert result.returncode == 1 and "writes solution notebooks only" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr and path.read_bytes() == before
        assert not (tmp_path / "runs" / "smoke").exists() or not any((tmp_path / "runs" / "smoke").rglob("*.ipynb"))


def test_a_smoke_run_replaces_a_lesson_only_when_asked(tmp_path):
    nb = make_notebook(tmp_path / "21_lesson.ipynb", SETUP, "env.record_metrics(a=1.0)")
    lesson = nbformat.read(nb, as_version=4)
    lesson.metadata["course"] = {"profile": "cpu", "device": "cpu"}  # outputs of a cpu run, committed
    nbformat.write(lesson, nb)
    before = nb.read_bytes()
    result = run("--profile", "smoke", "--in-place", "--out", tmp_path / "runs", nb)
    assert result.returncode == 1 and "--replace-lesson" in result.stderr and nb.read_bytes() == before
    result = run("--profile", "smoke", "--in-place", "--replace-lesson", "--out", tmp_path / "runs", nb)
    assert result.returncode == 0, result.stdout + result.stderr
    assert nbformat.read(nb, as_version=4).metadata["course"]["profile"] == "smoke"
