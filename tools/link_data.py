"""Fill the data cache with links to real copies already on disk (for offline machines and CI).

    python tools/link_data.py ../shared/datasets          # into data/ (or $COURSE_DATA)

SOURCE is laid out like data/ except that MNIST's four .gz files sit in mnist/ (they go to
MNIST/raw/, where torchvision looks). Files are linked, not copied; folders are made for real,
so loaders can still unpack archives next to the links and remember what verified (in the
cache, never in SOURCE, which may be read-only). The loaders verify every checksum.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from utils.data import DataError, data_dir  # noqa: E402

RENAMES = {"mnist": "MNIST/raw"}


def link_tree(source: Path, target: Path) -> int:
    """Link every file below `source` into the same place below `target`; returns how many were new."""
    count = 0
    for path in sorted(source.rglob("*")):
        if not path.is_file() or path.parent == source:  # top-level files are notes, not data
            continue
        rel = path.relative_to(source)
        top = RENAMES.get(rel.parts[0], rel.parts[0])
        dest = target / top / Path(*rel.parts[1:])
        if dest.exists() or dest.is_symlink():
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.symlink_to(path.resolve())
        count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path)
    args = parser.parse_args()
    if not args.source.is_dir():
        raise SystemExit(f"{args.source} is not a folder")
    try:
        target = data_dir()
    except DataError as err:  # e.g. $COURSE_DATA names a file: one sentence, no traceback
        raise SystemExit(str(err)) from None
    n = link_tree(args.source, target)
    print(f"linked {n} new files from {args.source} into {target}")


if __name__ == "__main__":
    main()
