"""Run the course headless with papermill and print a summary.

    python tools/run_course.py                         # every solution notebook, default profile
    python tools/run_course.py --profile smoke 00 01   # chosen notebooks (by number or name)
    python tools/run_course.py --students              # the student notebooks instead
    python tools/run_course.py --profile full --in-place   # refresh committed outputs

Executed copies go to runs/<profile>/<folder>/. With --in-place, a notebook that ran to the end
with every check passing and a finite headline metric then replaces its source; otherwise (error,
failed check, interrupt) the source is left byte for byte as it was. --in-place refuses student
notebooks (notebooks/, or any notebook with make_labs' stubs), and a smoke run does not replace the
outputs of a cpu or full run unless --replace-lesson says so. The summary (notebook,
profile, device, seconds, status, headline metrics) is printed and saved as summary.json and
summary.md next to the copies. Exit status 1 if any notebook failed, 130 if interrupted.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import papermill
from course import ROOT, SOLUTIONS, STUDENTS, notebooks, outputs_digest, read, static_widgets, write
from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from traitlets import CaselessStrEnum, default

sys.path.insert(0, str(ROOT))
from utils.data import DATA_ENV  # noqa: E402
from utils.env import ENV_KEY, HEADLINE_KEY, METRICS_KEY, PROFILE_ENV, ProfileError, pick_profile  # noqa: E402


class IPCKernelManager(AsyncKernelManager):
    """Talk to the kernel over local sockets: over TCP, ipykernel warns about plain-text traffic once per notebook.

    The socket files go to a private temporary folder, not to the working directory (the repository)."""

    transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc" if os.name == "posix" else "tcp")

    @default("ip")
    def _socket_prefix(self) -> str:
        if self.transport != "ipc":
            return "127.0.0.1"
        return str(Path(tempfile.mkdtemp(prefix="course-kernel-")) / "kernel")


def select(folder: Path, wanted: list[str]) -> list[Path]:
    """Notebooks of `folder` whose name starts with one of `wanted` (all when empty); paths to .ipynb files as given."""
    if not wanted:
        return notebooks(folder)
    chosen = []
    for w in wanted:
        matches = [Path(w)] if w.endswith(".ipynb") and Path(w).is_file() else \
            [p for p in notebooks(folder) if p.stem.startswith(w) or p.name == Path(w).name]
        if not matches:
            raise SystemExit(f"no notebook in {folder.relative_to(ROOT)} matches {w}")
        chosen += matches
    return chosen


def tagged_outputs(nb, key: str) -> list[dict]:
    """The metadata dicts stored under `key` by display outputs of the executed notebook."""
    return [out["metadata"][key] for cell in nb.cells if cell.cell_type == "code"
            for out in cell.get("outputs", []) if key in out.get("metadata", {})]


def tidy(nb, record: dict) -> None:
    """Drop papermill's timing metadata (noisy diffs), freeze widgets into what they showed, and record how
    the outputs were made, with their digest."""
    nb.metadata.pop("papermill", None)
    static_widgets(nb)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        tags = [t for t in cell.metadata.get("tags", []) if t != "injected-parameters"]
        if "tags" in cell.metadata:
            cell.metadata["tags"] = tags
    nb.metadata["course"] = dict(record, outputs_sha256=outputs_digest(nb))


def kernel_env(path: Path, profile: str) -> dict:
    """What the kernel's environment adds: the profile, strict checks for solutions, and an absolute
    $COURSE_DATA (the kernel runs in the notebook's folder, where a relative one would mean another place)."""
    env = {PROFILE_ENV: profile, "COURSE_STRICT_CHECKS": "0" if path.parent == STUDENTS else "1",
           "TQDM_DISABLE": os.environ.get("TQDM_DISABLE", "1")}
    if os.environ.get(DATA_ENV):
        env[DATA_ENV] = str(Path(os.environ[DATA_ENV]).resolve())
    return env


def error_status(err: BaseException) -> str:
    """One line: the notebook's exception type and message (papermill's own text is a banner and a traceback)."""
    if isinstance(err, KeyboardInterrupt):
        return "interrupted"
    if isinstance(err, papermill.PapermillExecutionError):
        kind, message = err.ename, err.evalue
    else:
        kind, message = type(err).__name__, str(err)
    message = " ".join(message.split())
    return f"failed: {kind}: {message[:300]}" if message else f"failed: {kind}"


def verdict(status: str, headline, metrics: dict) -> str:
    """A run that raised nothing still fails without a finite headline metric (a NaN is no result)."""
    if status != "ok":
        return status
    value = metrics.get(headline)
    if headline is None or value is None:
        return "failed: no headline metric recorded (env.record_metrics)"
    if not is_finite(value):
        return f"failed: headline metric {headline} is {value}"
    return status


def is_finite(value) -> bool:
    """False for NaN and infinities, also as the strings 'nan' or 'inf' the kernel turns them into in JSON."""
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return True  # a text headline (e.g. a word) is a result


def run_one(path: Path, out: Path, profile: str, kernel: str, timeout: int) -> dict:
    """Execute `path` into `out` (never into `path` itself) and return its summary row."""
    env = kernel_env(path, profile)
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # the kernel inherits this process's environment
    out.unlink(missing_ok=True)  # a copy left by an earlier run must not be read as this run's
    start, status = time.perf_counter(), "ok"
    try:
        papermill.execute_notebook(str(path), str(out), kernel_name=kernel, cwd=str(path.parent),
                                   progress_bar=False, execution_timeout=timeout,
                                   kernel_manager_class=IPCKernelManager)
    except (Exception, KeyboardInterrupt) as err:  # papermill saves the partly executed copy; say what broke
        status = error_status(err)
    finally:
        for k, v in saved.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    seconds = round(time.perf_counter() - start, 1)
    nb = read(out) if out.exists() else None  # None: papermill stopped before writing anything
    env_info = (tagged_outputs(nb, ENV_KEY) or [{}])[0] if nb else {}
    metrics = {k: v for m in tagged_outputs(nb, METRICS_KEY) for k, v in m.items()} if nb else {}
    headline = metrics.pop(HEADLINE_KEY, next(iter(metrics), None))
    row = dict(notebook=path.name, folder=path.parent.name, profile=profile, device=env_info.get("device", "?"),
               torch=env_info.get("torch", "?"), seconds=seconds, status=verdict(status, headline, metrics),
               headline=headline, metrics=metrics)
    if nb:
        tidy(nb, dict(profile=profile, device=row["device"], torch=row["torch"], python=platform.python_version(),
                      seconds=seconds, date=datetime.date.today().isoformat(), runner="tools/run_course.py"))
        write(nb, out)
    return row


def replace_source(executed: Path, source: Path) -> None:
    """Put a successful run over its source notebook in one step (a crash leaves old or new, never half)."""
    tmp = source.with_name(f".{source.name}.tmp")
    tmp.write_bytes(executed.read_bytes())
    os.replace(tmp, source)


STUB = "raise NotImplementedError"  # what make_labs puts where a student's answer goes
LESSONS = ("cpu", "full")  # committed outputs that teach; a smoke run's small numbers must not replace them


def refuse_in_place(paths: list[Path], profile: str, replace_lesson: bool) -> None:
    """Refuse, before anything runs, to write a run over a student notebook, or a smoke run over a lesson."""
    for path in paths:
        stubs = any(c.cell_type == "code" and STUB in c.source and "# YOUR CODE HERE" in c.source
                    for c in read(path).cells)
        if path.resolve().is_relative_to(STUDENTS.resolve()) or stubs:
            raise SystemExit(f"--in-place writes solution notebooks only: {path} is a student notebook "
                             "(tools/make_labs.py makes those from labs_solutions/).")
        committed = read(path).metadata.get("course", {}).get("profile")
        if profile == "smoke" and committed in LESSONS and not replace_lesson:
            raise SystemExit(f"{path.name} holds the outputs of a {committed} run: a smoke run does not replace "
                             "them unless you add --replace-lesson.")


def check_kernel(name: str) -> None:
    """Refuse an unknown kernel before anything runs, naming the installed ones."""
    try:
        KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        known = ", ".join(sorted(KernelSpecManager().find_kernel_specs())) or "none"
        raise SystemExit(f"no Jupyter kernel named {name!r}: installed kernels are {known}.") from None


def markdown_table(rows: list[dict]) -> str:
    lines = ["| notebook | profile | device | seconds | status | headline metrics |", "|---|---|---|---:|---|---|"]
    for r in rows:
        metrics = ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in r["metrics"].items())
        cells = (r["notebook"], r["profile"], r["device"], r["seconds"], r["status"], metrics)
        lines.append("| " + " | ".join(map(str, cells)) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="numbers or names, e.g. 00 01_perceptron (default: all)")
    parser.add_argument("--profile", default="", help="smoke, cpu or full (default: full on a GPU, else cpu)")
    parser.add_argument("--students", action="store_true", help="run notebooks/ instead of labs_solutions/")
    parser.add_argument("--in-place", action="store_true", help="write outputs back into the notebooks")
    parser.add_argument("--replace-lesson", action="store_true",
                        help="with --in-place and --profile smoke: replace committed cpu/full outputs too")
    parser.add_argument("--out", type=Path, default=ROOT / "runs", help="output folder (default: runs/)")
    parser.add_argument("--kernel", default="python3", help="Jupyter kernel name (default: python3)")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds allowed per cell")
    args = parser.parse_args()

    try:
        profile = pick_profile(args.profile)
    except ProfileError as err:
        raise SystemExit(str(err)) from None
    if args.in_place and args.students:
        raise SystemExit("--in-place refreshes labs_solutions/ only: notebooks/ is made by tools/make_labs.py.")
    check_kernel(args.kernel)
    folder = STUDENTS if args.students else SOLUTIONS
    out_dir = args.out.resolve() / profile / folder.name
    out_dir.mkdir(parents=True, exist_ok=True)
    chosen = select(folder, args.notebooks)
    if args.in_place:
        refuse_in_place(chosen, profile, args.replace_lesson)
    rows, interrupted = [], False
    for path in chosen:
        executed = out_dir / path.name
        if executed.resolve() == path.resolve():
            raise SystemExit(f"--out would run {path.name} over itself: choose another folder.")
        print(f"running {path} ({profile}) ...", flush=True)
        rows.append(run_one(path, executed, profile, args.kernel, args.timeout))
        print(f"  {rows[-1]['status']} in {rows[-1]['seconds']} s  {rows[-1]['metrics']}", flush=True)
        interrupted = rows[-1]["status"] == "interrupted"
        if interrupted:
            break  # Ctrl-C stops the course, after the summary of what ran
        if args.in_place:
            ok = rows[-1]["status"] == "ok"
            if ok:
                replace_source(executed, path)
            print(f"  {path.name} {'updated' if ok else 'left unchanged'}; this run is in {executed}", flush=True)
    save_summary(rows, out_dir)
    if interrupted:
        print("interrupted: no source notebook was changed by the unfinished run", file=sys.stderr)
        return 130
    return 0 if all(r["status"] == "ok" for r in rows) else 1


def save_summary(rows: list[dict], out_dir: Path) -> None:
    table = markdown_table(rows)
    print("\n" + table)
    (out_dir / "summary.json").write_text(json.dumps(rows, indent=2) + "\n")
    (out_dir / "summary.md").write_text(table + "\n")
    print(f"\nsummary saved to {out_dir / 'summary.md'}")


if __name__ == "__main__":
    sys.exit(main())
