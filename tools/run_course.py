"""Run the course headless with papermill and print a summary.

    python tools/run_course.py                         # every solution notebook, default profile
    python tools/run_course.py --profile smoke 00 01   # chosen notebooks (by number or name)
    python tools/run_course.py --students              # the student notebooks instead
    python tools/run_course.py --profile full --in-place   # refresh committed outputs

Executed copies go to runs/<profile>/<folder>/ (or back over the sources with --in-place).
The summary (notebook, profile, device, seconds, status, headline metrics) is printed and saved
as summary.json and summary.md next to them. Exit status 1 if any notebook failed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path

import papermill
from course import ROOT, SOLUTIONS, STUDENTS, notebooks, read, write

sys.path.insert(0, str(ROOT))
from utils.env import ENV_KEY, HEADLINE_KEY, METRICS_KEY, PROFILE_ENV, pick_profile  # noqa: E402


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
    """Drop papermill's timing metadata (noisy diffs) and record how the outputs were made."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        tags = [t for t in cell.metadata.get("tags", []) if t != "injected-parameters"]
        if "tags" in cell.metadata:
            cell.metadata["tags"] = tags
    nb.metadata["course"] = record


def run_one(path: Path, out: Path, profile: str, kernel: str, timeout: int) -> dict:
    env = {PROFILE_ENV: profile, "COURSE_STRICT_CHECKS": "0" if path.parent == STUDENTS else "1",
           "TQDM_DISABLE": os.environ.get("TQDM_DISABLE", "1")}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # the kernel inherits this process's environment
    start, status = time.perf_counter(), "ok"
    try:
        papermill.execute_notebook(str(path), str(out), kernel_name=kernel, cwd=str(path.parent),
                                   progress_bar=False, execution_timeout=timeout)
    except Exception as err:  # papermill saves the partly executed notebook; say what broke
        status = f"failed: {type(err).__name__}: {str(err).strip().splitlines()[-1][:200]}"
    finally:
        for k, v in saved.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    seconds = round(time.perf_counter() - start, 1)
    nb = read(out)
    env_info = (tagged_outputs(nb, ENV_KEY) or [{}])[0]
    metrics = {k: v for m in tagged_outputs(nb, METRICS_KEY) for k, v in m.items()}
    headline = metrics.pop(HEADLINE_KEY, next(iter(metrics), None))
    row = dict(notebook=path.name, folder=path.parent.name, profile=profile, device=env_info.get("device", "?"),
               torch=env_info.get("torch", "?"), seconds=seconds, status=status, headline=headline, metrics=metrics)
    tidy(nb, dict(profile=profile, device=row["device"], torch=row["torch"], python=platform.python_version(),
                  seconds=seconds, date=datetime.date.today().isoformat(), runner="tools/run_course.py"))
    write(nb, out)
    return row


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
    parser.add_argument("--out", type=Path, default=ROOT / "runs", help="output folder (default: runs/)")
    parser.add_argument("--kernel", default="python3", help="Jupyter kernel name (default: python3)")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds allowed per cell")
    args = parser.parse_args()

    profile = pick_profile(args.profile)
    folder = STUDENTS if args.students else SOLUTIONS
    out_dir = args.out.resolve() / profile / folder.name
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for path in select(folder, args.notebooks):
        target = path if args.in_place else out_dir / path.name
        print(f"running {path} ({profile}) ...", flush=True)
        rows.append(run_one(path, target, profile, args.kernel, args.timeout))
        print(f"  {rows[-1]['status']} in {rows[-1]['seconds']} s  {rows[-1]['metrics']}", flush=True)
    table = markdown_table(rows)
    print("\n" + table)
    (out_dir / "summary.json").write_text(json.dumps(rows, indent=2) + "\n")
    (out_dir / "summary.md").write_text(table + "\n")
    print(f"\nsummary saved to {out_dir / 'summary.md'}")
    return 0 if all(r["status"] == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
