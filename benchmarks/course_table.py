"""One markdown table for the whole course, from the runner's summaries.

    python tools/run_course.py --profile smoke      # writes runs/smoke/labs_solutions/summary.json
    python tools/run_course.py --profile full       # on a GPU: runs/full/labs_solutions/summary.json
    python benchmarks/course_table.py               # one row per notebook, one column pair per profile

Reads runs/<profile>/<folder>/summary.json for every profile found (smoke, cpu, full) and prints,
per notebook and profile, the wall time of the run and its headline metric (all the metrics that
env.record_metrics recorded with --all-metrics). The headline is the row's "headline" (the metric the
notebook recorded first); summaries written before the runner saved it fall back to a pick by name:
the first metric about accuracy, else error, else loss, else the first.
A line per profile names the device(s) it ran on.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROFILES = ("smoke", "cpu", "full")  # the order of the columns; other folders under runs/ come after


def load_summaries(runs: Path, folder: str) -> dict[str, list[dict]]:
    """{profile: rows of its summary.json} for every runs/<profile>/<folder>/summary.json that exists."""
    found = {p.parent.parent.name: json.loads(p.read_text()) for p in sorted(runs.glob(f"*/{folder}/summary.json"))}
    order = {p: (PROFILES.index(p) if p in PROFILES else len(PROFILES), p) for p in found}
    return {p: found[p] for p in sorted(found, key=order.get)}


def fmt(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


HEADLINE_WORDS = ("acc", "error", "loss")  # what a headline metric is about, by preference


def headline(metrics: dict) -> list[tuple[str, object]]:
    """The one metric to show: the first (by name) about accuracy, else error, else loss, else the first."""
    for word in HEADLINE_WORDS:
        for key in sorted(metrics):
            if word in key:
                return [(key, metrics[key])]
    return list(metrics.items())[:1]


def cell(row: dict | None, all_metrics: bool) -> tuple[str, str]:
    """(seconds, metric) text for one notebook in one profile."""
    if row is None:
        return "", ""
    if row["status"] != "ok":
        return f"{row['seconds']} s", "**failed**"
    if all_metrics:
        shown = list(row["metrics"].items())
    elif row.get("headline") in row["metrics"]:  # the notebook's own choice (its first recorded metric)
        shown = [(row["headline"], row["metrics"][row["headline"]])]
    else:
        shown = headline(row["metrics"])
    return f"{row['seconds']} s", ", ".join(f"{k} = {fmt(v)}" for k, v in shown)


def table(summaries: dict[str, list[dict]], all_metrics: bool = False) -> str:
    profiles = list(summaries)
    by_name = {p: {r["notebook"]: r for r in rows} for p, rows in summaries.items()}
    names = sorted({name for rows in by_name.values() for name in rows})
    header = "| notebook | " + " | ".join(f"{p}: time | {p}: headline metric" for p in profiles) + " |"
    lines = [header, "|---|" + "---:|---|" * len(profiles)]
    for name in names:
        cells = [text for p in profiles for text in cell(by_name[p].get(name), all_metrics)]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    totals = [f"{sum(r['seconds'] for r in by_name[p].values()):.0f} s" for p in profiles]
    lines.append("| **total** | " + " | ".join(f"{t} | " for t in totals) + "|")
    lines.append("")
    for p in profiles:
        devices = sorted({r["device"] for r in by_name[p].values()})
        torch_versions = sorted({r["torch"] for r in by_name[p].values()})
        lines.append(f"- **{p}**: {', '.join(devices)} (torch {', '.join(torch_versions)})")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=Path, default=ROOT / "runs", help="the runner's output folder (default: runs/)")
    parser.add_argument("--students", action="store_true", help="the student notebooks' runs instead of the solutions'")
    parser.add_argument("--all-metrics", action="store_true", help="every recorded metric, not only the first")
    args = parser.parse_args()
    summaries = load_summaries(args.runs, "notebooks" if args.students else "labs_solutions")
    if not summaries:
        print(f"no summary.json under {args.runs}/<profile>/: run tools/run_course.py first")
        return 1
    print(table(summaries, args.all_metrics))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
