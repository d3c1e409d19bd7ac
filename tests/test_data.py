"""The data layer on small files made here: verified cache hits, downloads, unpacking, refusals, messages."""

import gzip
import hashlib
import http.server
import io
import os
import shutil
import signal
import stat
import subprocess
import sys
import tarfile
import threading
import time
import zipfile

import pytest
import torch

from utils import data

REAL_COPY = shutil.copyfileobj


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty data cache of our own, pointed at by $COURSE_DATA."""
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def sha256(payload: bytes) -> str:
    return "sha256:" + hashlib.sha256(payload).hexdigest()


def one_sentence(err) -> str:
    message = str(err.value)
    assert "\n" not in message and err.value._render_traceback_() == [f"{type(err.value).__name__}: {message}"]
    return message


def leftovers(folder):
    """Temporary files or folders that an unpack or a download left behind."""
    return [p.name for p in folder.rglob("*") if ".partial-" in p.name or p.name.endswith(".part")]


@pytest.fixture
def settled(monkeypatch):
    """Files count as settled as soon as they are written, so that what verifies is remembered at once."""
    monkeypatch.setattr(data, "SETTLE_NS", 0)


def let_the_clock_tick(path):
    """Wait until the file system stamps a change later than `path`'s last one (its clock ticks in ms, or s)."""
    probe, deadline = path.with_name(".tick"), time.monotonic() + 5
    while True:
        probe.write_bytes(b"")
        if probe.stat().st_ctime_ns > path.stat().st_ctime_ns or time.monotonic() > deadline:
            break
        time.sleep(0.001)
    probe.unlink()


def change_in_place(path, offset=0):
    """Change one byte of `path`, keeping its size, then put its times back (what `touch -r` does)."""
    before, payload = path.stat(), bytearray(path.read_bytes())
    payload[offset] ^= 0x20
    path.write_bytes(payload)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)


# --- the cache and single files ---------------------------------------------------------------


def test_cache_dir_follows_environment(cache):
    assert data.data_dir() == cache


def test_course_data_that_is_a_file_is_one_sentence(tmp_path, monkeypatch):
    (tmp_path / "oops").write_text("")
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "oops"))
    with pytest.raises(data.DataError) as err:
        data.load_sst2("dev")
    assert "is a file, not a folder" in one_sentence(err)


def test_cached_file_that_verifies_is_used_without_download(cache):
    (cache / "x").mkdir(parents=True)
    (cache / "x" / "f.txt").write_bytes(b"real data")
    path = data.fetch("f", "x/f.txt", "http://127.0.0.1:9/never-contacted", sha256(b"real data"))
    assert path.read_bytes() == b"real data"


def test_corrupted_cached_file_is_refused(cache):
    (cache / "x").mkdir(parents=True)
    (cache / "x" / "f.txt").write_bytes(b"tampered")
    with pytest.raises(data.ChecksumMismatch) as err:
        data.fetch("f", "x/f.txt", "http://127.0.0.1:9/", sha256(b"real data"))
    assert one_sentence(err).endswith("is damaged or not the expected data (sha256 " +
                                      hashlib.sha256(b"tampered").hexdigest()[:12] + "…, expected " +
                                      hashlib.sha256(b"real data").hexdigest()[:12] + "…): delete it and run again.")


def test_cache_entry_that_is_a_folder_is_one_sentence(cache):
    (cache / "sst2" / "sentence_level" / "stsa.binary.dev").mkdir(parents=True)
    with pytest.raises(data.DataError) as err:
        data.load_sst2("dev")
    assert "is a folder where the file stsa.binary.dev should be" in one_sentence(err)


def test_verified_file_is_not_hashed_again_until_it_changes(cache, settled, monkeypatch):
    path = cache / "f.bin"
    cache.mkdir()
    path.write_bytes(b"payload")
    hashed = []
    real_hash = data.file_hash
    monkeypatch.setattr(data, "file_hash", lambda p, algo="sha256": hashed.append(p) or real_hash(p, algo))
    data.verify(path, sha256(b"payload"))
    data.verify(path, sha256(b"payload"))
    assert len(hashed) == 1  # the second load trusts the mark
    path.write_bytes(b"PAYLOAD")  # same size, new time: the mark no longer holds
    os.utime(path, ns=(0, time.time_ns() + 10**9))  # (the clock may not have ticked since the first write)
    with pytest.raises(data.ChecksumMismatch):
        data.verify(path, sha256(b"payload"))


def test_verified_file_changed_in_place_with_its_time_put_back_is_refused(cache, settled):
    (cache / "x").mkdir(parents=True)
    path = cache / "x" / "f.txt"
    path.write_bytes(b"1 a charming movie")
    load = lambda: data.fetch("f", "x/f.txt", "http://127.0.0.1:9/", sha256(b"1 a charming movie"))
    load()
    assert str(path) in (cache / data.MARKS).read_text()  # remembered: the next load trusts the mark...
    let_the_clock_tick(path)
    change_in_place(path)  # "1" -> "!", as if a label was flipped
    with pytest.raises(data.ChecksumMismatch) as err:  # ...unless the file changed, whatever its times say
        load()
    assert one_sentence(err).startswith(f"{path} is damaged or not the expected data (sha256 ")


def test_file_changed_right_after_it_verified_is_refused(cache):
    """A change within the same tick of the file system's clock keeps even the change time: not remembered yet."""
    cache.mkdir()
    path = cache / "f.bin"
    path.write_bytes(b"payload")
    data.verify(path, sha256(b"payload"))
    change_in_place(path)
    with pytest.raises(data.ChecksumMismatch):
        data.verify(path, sha256(b"payload"))


# --- downloads ------------------------------------------------------------------------------


def test_download_keeps_a_verified_file(cache, tmp_path):
    source = tmp_path / "served.bin"
    source.write_bytes(b"payload")
    path = data.fetch("f", "d/served.bin", source.as_uri(), sha256(b"payload"))
    assert path.read_bytes() == b"payload"
    assert not path.with_name("served.bin.part").exists()


def test_download_with_wrong_checksum_is_discarded(cache, tmp_path):
    source = tmp_path / "served.bin"
    source.write_bytes(b"not what we expect")
    with pytest.raises(data.ChecksumMismatch) as err:
        data.fetch("f", "d/served.bin", source.as_uri(), sha256(b"payload"))
    message = one_sentence(err)
    assert source.as_uri() in message and "was not kept" in message and ".part" not in message
    assert list((cache / "d").iterdir()) == []  # neither the file nor the partial download stays


@pytest.fixture
def cut_off_server():
    """An HTTP server that promises 1,000 bytes and closes the connection after 100."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"x" * 100)
            self.wfile.flush()
            self.close_connection = True

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/set.zip"
    server.shutdown()


def test_download_that_stops_early_is_not_kept(cache, cut_off_server):
    with pytest.raises(data.DataMissing) as err:  # no checksum (like the ants/bees zip): the length decides
        data.fetch("a set", "d/set.zip", cut_off_server, None)
    assert "stopped after 100 of 1,000 bytes" in one_sentence(err)
    assert list((cache / "d").iterdir()) == []


def test_interrupted_download_leaves_no_partial_file(cache, tmp_path, monkeypatch):
    source = tmp_path / "served.bin"
    source.write_bytes(b"payload" * 1000)

    def copy_then_ctrl_c(src, dst, *args):
        dst.write(src.read(10))
        raise KeyboardInterrupt

    monkeypatch.setattr(shutil, "copyfileobj", copy_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        data.fetch("f", "d/served.bin", source.as_uri(), None)
    assert list((cache / "d").iterdir()) == []


def test_missing_file_offline_says_where_to_get_it(cache):
    url = "http://127.0.0.1:9/dataset.bin"  # nothing listens on the discard port: like being offline
    with pytest.raises(data.DataMissing) as err:
        data.fetch("the test set", "d/dataset.bin", url, sha256(b"x"))
    message = one_sentence(err)
    assert "the test set" in message and url in message and str(cache / "d" / "dataset.bin") in message


# --- archives -------------------------------------------------------------------------------


def make_tar(path, members):
    with tarfile.open(path, "w:gz") as tf:
        for name, payload in members:
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tf.addfile(info, io.BytesIO(payload))
    return path


def make_zip(path, members):
    with zipfile.ZipFile(path, "w") as zf:
        for name, payload in members:
            zf.writestr(zipfile.ZipInfo(name), payload, compress_type=zipfile.ZIP_DEFLATED)  # ZipInfo: "" is allowed
    return path


@pytest.mark.parametrize("evil", ["../escape.txt", "/tmp/absolute-escape.txt", "a/../../escape.txt"])
def test_tar_members_escaping_the_target_are_refused(tmp_path, evil):
    archive = make_tar(tmp_path / "evil.tar.gz", [("ok.txt", b"fine"), (evil, b"bad")])
    with pytest.raises(data.DataError, match="outside"):
        data.safe_extract(archive, tmp_path / "out")
    assert not (tmp_path / "escape.txt").exists()
    assert not (tmp_path / "out" / "ok.txt").exists()  # nothing is unpacked from a bad archive


def test_tar_links_are_refused(tmp_path):
    archive = tmp_path / "link.tar"
    with tarfile.open(archive, "w") as tf:
        info = tarfile.TarInfo("innocent")
        info.type, info.linkname = tarfile.SYMTYPE, "../../etc/passwd"
        tf.addfile(info)
    with pytest.raises(data.DataError, match="is a link"):
        data.safe_extract(archive, tmp_path / "out")


def test_zip_member_escaping_the_target_is_refused(tmp_path):
    archive = make_zip(tmp_path / "evil.zip", [("../escape.txt", b"bad")])
    with pytest.raises(data.DataError, match="outside"):
        data.safe_extract(archive, tmp_path / "out")
    assert not (tmp_path / "escape.txt").exists()


def test_zip_symlink_entry_is_refused(tmp_path):
    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        info = zipfile.ZipInfo("set/train/a.txt")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")  # unzip tools would make a link to /etc/passwd
    with pytest.raises(data.DataError, match="is a link"):
        data.safe_extract(archive, tmp_path / "out")
    assert not (tmp_path / "out" / "set").exists()


@pytest.mark.parametrize("name", [".", "", "./", "set/."])
def test_zip_entry_without_a_name_is_refused(tmp_path, name):
    archive = make_zip(tmp_path / "dot.zip", [("set/a.txt", b"A"), (name, b"?")])
    with pytest.raises(data.DataError, match="names no file"):
        data.safe_extract(archive, tmp_path / "out")


def test_archive_bomb_is_refused_before_unpacking(tmp_path, monkeypatch):
    archive = make_zip(tmp_path / "bomb.zip", [("set/zeros.bin", b"\0" * 100_000)])  # compresses to ~100 bytes
    monkeypatch.setattr(data, "MAX_UNPACKED_BYTES", 50_000)
    with pytest.raises(data.DataError, match="more than any course dataset"):
        data.safe_extract(archive, tmp_path / "out")
    assert not (tmp_path / "out" / "set").exists()
    many = make_tar(tmp_path / "many.tar.gz", [(f"set/{i}.txt", b"") for i in range(20)])
    monkeypatch.setattr(data, "MAX_MEMBERS", 10)
    with pytest.raises(data.DataError, match="20 entries"):
        data.safe_extract(many, tmp_path / "out")


def test_caps_are_above_the_largest_real_dataset():
    assert 100_100 < data.MAX_MEMBERS <= 150_000  # the official IMDB archive: about 100,030 entries
    assert 300 * 2**20 < data.MAX_UNPACKED_BYTES <= 2**30  # the 50-d GloVe file is 171 MB, IMDB about 0.25 GB


def test_cut_off_archive_is_damaged_in_one_sentence(tmp_path):
    archive = make_zip(tmp_path / "set.zip", [("set/a.txt", os.urandom(5000))])
    archive.write_bytes(archive.read_bytes()[:3000])  # a download that stopped early
    with pytest.raises(data.ChecksumMismatch) as err:
        data.safe_extract(archive, tmp_path / "out")
    assert one_sentence(err).startswith(f"{archive} is damaged") and "delete it and run again" in str(err.value)


def test_good_archive_is_unpacked(tmp_path):
    archive = make_tar(tmp_path / "good.tar.gz", [("set/train/a.txt", b"A"), ("set/val/b.txt", b"B")])
    data.safe_extract(archive, tmp_path / "out")
    assert (tmp_path / "out" / "set" / "val" / "b.txt").read_bytes() == b"B"


# --- unpacked trees -------------------------------------------------------------------------


def reference_digest(tmp_path, files, patterns=data.ALL_FILES):
    ref = tmp_path / "reference"
    for name, payload in files:
        (ref / name).parent.mkdir(parents=True, exist_ok=True)
        (ref / name).write_bytes(payload)
    return data.tree_digest(ref, patterns)


def test_tree_is_downloaded_unpacked_and_verified(cache, tmp_path):
    archive = make_zip(tmp_path / "set.zip", [("set/train/a.txt", b"A")])
    digest = reference_digest(tmp_path, [("train/a.txt", b"A")])
    path = data.fetch_tree("a set", "set", digest, archive.as_uri(), sha256(archive.read_bytes()))
    assert (path / "train" / "a.txt").read_bytes() == b"A" and leftovers(cache) == []
    (path / "train" / "a.txt").write_bytes(b"changed")
    with pytest.raises(data.ChecksumMismatch) as err:
        data.fetch_tree("a set", "set", digest, archive.as_uri(), None)
    assert one_sentence(err).startswith(f"{path} is damaged or not the expected data (not the known contents of a set")
    (path / "train" / "a.txt").write_bytes(b"A")
    (path / "train" / "planted.txt").write_bytes(b"P")  # an added file is refused too
    with pytest.raises(data.ChecksumMismatch):
        data.fetch_tree("a set", "set", digest, archive.as_uri(), None)


def test_unchecked_zip_unpacks_only_its_own_folder(cache, tmp_path):
    """A crafted ants/bees zip cannot plant files that other loaders read (MNIST's processed/*.pt, IMDB reviews)."""
    archive = make_zip(tmp_path / "set.zip", [("set/train/a.txt", b"A"), ("MNIST/processed/test.pt", b"evil"),
                                               ("imdb/aclImdb/test/pos/0_10.txt", b"evil")])
    digest = reference_digest(tmp_path, [("train/a.txt", b"A")])
    data.fetch_tree("a set", "set", digest, archive.as_uri(), None)
    assert sorted(p.name for p in cache.iterdir() if p.name != data.MARKS) == ["set", "set.zip"]


def test_unchecked_zip_with_wrong_contents_is_refused_by_name(cache, tmp_path):
    archive = make_zip(tmp_path / "set.zip", [("set/train/a.txt", b"not A")])
    digest = reference_digest(tmp_path, [("train/a.txt", b"A")])
    with pytest.raises(data.ChecksumMismatch) as err:
        data.fetch_tree("a set", "set", digest, archive.as_uri(), None)
    assert one_sentence(err).startswith(f"{cache / 'set.zip'} is damaged or not the expected data (it does not unpack")
    assert not (cache / "set").exists() and leftovers(cache) == []


def test_interrupted_unpack_leaves_nothing_that_looks_like_data(cache, tmp_path, monkeypatch):
    archive = make_zip(tmp_path / "set.zip", [(f"set/train/{i}.txt", b"A") for i in range(5)])
    digest = reference_digest(tmp_path, [(f"train/{i}.txt", b"A") for i in range(5)])
    real_extract = zipfile.ZipFile.extractall

    def extract_then_ctrl_c(self, path=None, members=None, pwd=None):
        real_extract(self, path, members[:2], pwd)
        raise KeyboardInterrupt

    monkeypatch.setattr(zipfile.ZipFile, "extractall", extract_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        data.fetch_tree("a set", "set", digest, archive.as_uri(), None)
    assert not (cache / "set").exists() and leftovers(cache) == []
    monkeypatch.setattr(zipfile.ZipFile, "extractall", real_extract)
    assert len(list((data.fetch_tree("a set", "set", digest, archive.as_uri(), None) / "train").iterdir())) == 5


def test_verified_tree_is_not_hashed_again_until_a_file_changes(cache, tmp_path, settled, monkeypatch):
    archive = make_zip(tmp_path / "set.zip", [("set/a.txt", b"A"), ("set/b.txt", b"B")])
    digest = reference_digest(tmp_path, [("a.txt", b"A"), ("b.txt", b"B")])
    data.fetch_tree("a set", "set", digest, archive.as_uri(), None)
    hashed = []
    real_hash = data.file_hash
    monkeypatch.setattr(data, "file_hash", lambda p, algo="sha256": hashed.append(p) or real_hash(p, algo))
    data.fetch_tree("a set", "set", digest, archive.as_uri(), None)
    assert hashed == []  # verified while unpacking, remembered since
    os.utime(cache / "set" / "b.txt", ns=(0, time.time_ns() + 10**9))  # a new time: verify again
    data.fetch_tree("a set", "set", digest, archive.as_uri(), None)
    assert len(hashed) == 2


def test_verified_tree_with_a_file_changed_in_place_is_refused(cache, tmp_path, settled):
    archive = make_zip(tmp_path / "set.zip", [("set/train/a.txt", b"A review"), ("set/train/b.txt", b"B")])
    digest = reference_digest(tmp_path, [("train/a.txt", b"A review"), ("train/b.txt", b"B")])
    path = data.fetch_tree("a set", "set", digest, archive.as_uri(), None)
    assert str(path) in (cache / data.MARKS).read_text()
    let_the_clock_tick(path / "train" / "a.txt")
    change_in_place(path / "train" / "a.txt", offset=2)
    with pytest.raises(data.ChecksumMismatch) as err:
        data.fetch_tree("a set", "set", digest, archive.as_uri(), None)
    assert one_sentence(err).startswith(f"{path} is damaged or not the expected data (not the known contents of a set")


def test_empty_folder_in_a_verified_tree_is_a_change(cache, tmp_path, settled):
    """An empty folder is one more class to ImageFolder: a tree with one added is refused, wherever it is."""
    archive = make_zip(tmp_path / "set.zip", [("set/train/ants/a.jpg", b"A"), ("set/train/bees/b.jpg", b"B")])
    digest = reference_digest(tmp_path, [("train/ants/a.jpg", b"A"), ("train/bees/b.jpg", b"B")])
    path = data.fetch_tree("a set", "set", digest, archive.as_uri(), None)
    (path / "train" / "wasps").mkdir()
    with pytest.raises(data.ChecksumMismatch) as err:
        data.fetch_tree("a set", "set", digest, archive.as_uri(), None)
    assert one_sentence(err).startswith(f"{path} is damaged or not the expected data (not the known contents of a set")
    (path / "train" / "wasps").rmdir()
    assert data.fetch_tree("a set", "set", digest, archive.as_uri(), None) == path


def test_zip_that_adds_an_empty_class_folder_is_refused_by_name(cache, tmp_path):
    archive = make_zip(tmp_path / "set.zip", [("set/train/ants/a.jpg", b"A"), ("set/train/bees/b.jpg", b"B"),
                                               ("set/train/wasps/", b"")])
    digest = reference_digest(tmp_path, [("train/ants/a.jpg", b"A"), ("train/bees/b.jpg", b"B")])
    with pytest.raises(data.ChecksumMismatch) as err:
        data.fetch_tree("a set", "set", digest, archive.as_uri(), None)
    assert one_sentence(err).startswith(f"{cache / 'set.zip'} is damaged or not the expected data (it does not unpack")
    assert not (cache / "set").exists() and leftovers(cache) == []


def test_zip_whose_folder_is_a_file_is_refused_by_name(cache, tmp_path):
    archive = make_zip(tmp_path / "set.zip", [("set", b"a file where the folder should be")])
    digest = reference_digest(tmp_path, [("train/a.txt", b"A")])
    with pytest.raises(data.ChecksumMismatch) as err:
        data.fetch_tree("a set", "set", digest, archive.as_uri(), None)
    message = one_sentence(err)
    assert message.startswith(f"{cache / 'set.zip'} is damaged or not the expected data (it does not unpack")
    assert ".partial-" not in message and not (cache / "set").exists() and leftovers(cache) == []


KILLED_UNPACK = """
import os, signal, sys, zipfile
from utils import data

real_extract = zipfile.ZipFile.extractall

def extract_then_die(self, path=None, members=None, pwd=None):
    real_extract(self, path, members[:2], pwd)
    os.kill(os.getpid(), signal.SIGKILL)  # no finally, no cleanup: like a killed kernel or an out-of-memory kill

zipfile.ZipFile.extractall = extract_then_die
data.fetch_tree("a set", "set", sys.argv[1], sys.argv[2], None)
"""


def test_partial_folders_of_killed_unpacks_are_removed(cache, tmp_path):
    archive = make_zip(tmp_path / "set.zip", [(f"set/train/{i}.txt", b"A") for i in range(5)])
    digest = reference_digest(tmp_path, [(f"train/{i}.txt", b"A") for i in range(5)])
    killed = subprocess.run([sys.executable, "-c", KILLED_UNPACK, digest, archive.as_uri()], cwd=data.REPO_ROOT,
                            env={**os.environ, data.DATA_ENV: str(cache)}, capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert len(leftovers(cache)) == 1 and not (cache / "set").exists()  # what the kill left behind
    data.fetch_tree("a set", "set", digest, archive.as_uri(), None)  # unpacks again, and clears the dead one's
    assert leftovers(cache) == []
    dead_pid = 2**22 + 1  # above Linux's largest pid: no such process
    for name in (f".set.partial-{dead_pid}-a1b2", ".set.partial-x9y8z7", f".set.partial-{os.getpid()}-c3d4"):
        (cache / name / "set").mkdir(parents=True)  # a killed one's, an older version's, a running one's
    data.fetch_tree("a set", "set", digest, archive.as_uri(), None)  # in place already: clears the dead ones'
    assert leftovers(cache) == [f".set.partial-{os.getpid()}-c3d4"]  # a running unpack is left alone


# --- loaders --------------------------------------------------------------------------------


def idx_file(tensor: torch.Tensor) -> bytes:
    """The IDX format of MNIST: magic (0, 0, uint8 type, ndim), big-endian sizes, then the bytes."""
    header = bytes([0, 0, 8, tensor.dim()]) + b"".join(n.to_bytes(4, "big") for n in tensor.shape)
    return header + tensor.to(torch.uint8).numpy().tobytes()


@pytest.fixture
def small_mnist(cache, monkeypatch):
    """A 3-digit MNIST test set in the official layout, with its checksums standing in for the real ones."""
    from torchvision.datasets import MNIST

    images, labels = torch.randint(0, 256, (3, 28, 28)), torch.tensor([7, 2, 1])
    raw = cache / "MNIST" / "raw"
    raw.mkdir(parents=True)
    resources, shas = list(MNIST.resources), dict(data.MNIST_IDX_SHA256)
    for i, (name, payload) in enumerate([("t10k-images-idx3-ubyte", idx_file(images)),
                                         ("t10k-labels-idx1-ubyte", idx_file(labels))]):
        gz = gzip.compress(payload)
        (raw / f"{name}.gz").write_bytes(gz)
        resources[2 + i] = (f"{name}.gz", hashlib.md5(gz).hexdigest())
        shas[name] = hashlib.sha256(payload).hexdigest()
    monkeypatch.setattr(MNIST, "resources", resources)
    monkeypatch.setattr(data, "MNIST_IDX_SHA256", shas)
    return raw, images, labels


def test_mnist_reads_only_verified_files(small_mnist):
    raw, images, labels = small_mnist
    processed = raw.parent / "processed"
    processed.mkdir()
    torch.save((torch.zeros(1, 28, 28, dtype=torch.uint8), torch.tensor([0])), processed / "test.pt")  # planted
    x, y = data.load_mnist(train=False)
    assert torch.equal(y, labels) and torch.equal((x * 255).round().byte().squeeze(1), images.byte())
    assert leftovers(raw) == []


def test_mnist_damaged_unpacked_file_says_damaged(small_mnist):
    raw, _, _ = small_mnist
    (raw / "t10k-images-idx3-ubyte").write_bytes(b"half an unpack")
    with pytest.raises(data.ChecksumMismatch) as err:
        data.load_mnist(train=False)
    message = one_sentence(err)
    assert "t10k-images-idx3-ubyte is damaged" in message and data.MNIST_URL in message


def test_mnist_interrupted_unpack_is_not_kept(small_mnist, monkeypatch):
    raw, _, labels = small_mnist

    def copy_then_ctrl_c(src, dst, *args):
        dst.write(src.read(10))
        raise KeyboardInterrupt

    monkeypatch.setattr(shutil, "copyfileobj", copy_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        data.load_mnist(train=False)
    assert not (raw / "t10k-images-idx3-ubyte").exists() and leftovers(raw) == []
    monkeypatch.setattr(shutil, "copyfileobj", REAL_COPY)
    assert torch.equal(data.load_mnist(train=False)[1], labels)  # the next run unpacks it whole


def test_mnist_missing_offline_names_the_official_files(cache, monkeypatch):
    import torchvision.datasets.mnist as mnist

    monkeypatch.setattr(mnist.MNIST, "mirrors", ["http://127.0.0.1:9/"])
    with pytest.raises(data.DataMissing) as err:
        data.load_mnist(train=False)
    message = one_sentence(err)
    assert data.MNIST_URL in message and all(f"{n}.gz" in message for n in data.MNIST_IDX_SHA256)
    assert leftovers(cache) == []


def test_corrupted_mnist_file_is_refused(cache):
    raw = cache / "MNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / "t10k-images-idx3-ubyte.gz").write_bytes(b"not mnist")
    with pytest.raises(data.ChecksumMismatch, match="t10k-images.*damaged.*yann.lecun.com"):
        data.load_mnist(train=False)


@pytest.fixture
def small_imdb(cache, tmp_path, monkeypatch):
    """A 4-review IMDB in the official layout, its digest standing in for the real one."""
    reviews = [(f"aclImdb/{split}/{side}/{i}_{1 if side == 'neg' else 9}.txt", f"{split} {side} {i}".encode())
               for split in ("train", "test") for side in ("neg", "pos") for i in range(2)]
    archive = make_tar(cache.parent / "labeled.tar.gz", [*reviews, ("aclImdb/README", b"readme")])
    (cache / "imdb").mkdir(parents=True)
    shutil.move(archive, cache / data.IMDB_LABELED[0])
    checksum = sha256((cache / data.IMDB_LABELED[0]).read_bytes())
    monkeypatch.setattr(data, "IMDB_LABELED", (data.IMDB_LABELED[0], checksum))
    monkeypatch.setattr(data, "IMDB_DIGEST",
                        reference_digest(tmp_path, [(n.removeprefix("aclImdb/"), p) for n, p in reviews],
                                         data.IMDB_REVIEWS))
    return cache / "imdb" / "aclImdb"


def test_imdb_is_unpacked_verified_and_read(small_imdb):
    assert data.load_imdb("test") == [("test neg 0", 0), ("test neg 1", 0), ("test pos 0", 1), ("test pos 1", 1)]
    assert leftovers(small_imdb.parent) == []


def test_imdb_half_unpacked_is_refused(small_imdb):
    data.load_imdb("train")
    (small_imdb / "train" / "pos" / "1_9.txt").unlink()  # what Ctrl-C during the old unpack left
    with pytest.raises(data.ChecksumMismatch) as err:
        data.load_imdb("train")
    assert one_sentence(err).startswith(f"{small_imdb} is damaged")


def test_glove_missing_offline_names_the_files(cache, monkeypatch):
    monkeypatch.setattr(data, "GLOVE_URL", "http://127.0.0.1:9/glove.6B.zip")
    with pytest.raises(data.DataMissing) as err:
        data.load_glove()
    message = one_sentence(err)
    assert "glove.6B.50d.txt" in message and "glove.6B.50d.top50k.txt" in message and "glove.6B.zip" in message


def test_glove_from_the_official_zip_unpacks_only_the_50d_file(cache, tmp_path, monkeypatch):
    text = b"the 0.1 0.2\nof 0.3 0.4\n"
    archive = make_zip(tmp_path / "glove.6B.zip", [("glove.6B.50d.txt", text), ("glove.6B.300d.txt", b"big")])
    monkeypatch.setattr(data, "GLOVE_URL", archive.as_uri())
    monkeypatch.setattr(data, "GLOVE_MD5", "md5:" + hashlib.md5(archive.read_bytes()).hexdigest())
    monkeypatch.setattr(data, "GLOVE_50D", (data.GLOVE_50D[0], sha256(text)))
    words, vectors = data.load_glove(max_words=2)
    assert words == ["the", "of"] and vectors.shape == (2, 2)
    assert sorted(p.name for p in (cache / "glove").iterdir()) == ["glove.6B.50d.txt", "glove.6B.zip"]


def test_sst2_glue_downloads_verifies_and_parses(cache, tmp_path, monkeypatch):
    text = b"sentence\tlabel\nit 's a charming journey . \t1\nunflinchingly bleak\t0\n"
    (tmp_path / "served").mkdir()
    (tmp_path / "served" / "dev.tsv").write_bytes(text)
    monkeypatch.setattr(data, "SST2_GLUE_BASE", (tmp_path / "served").as_uri() + "/")
    monkeypatch.setattr(data, "SST2_GLUE", {"dev": ("dev.tsv", sha256(text).split(":")[1])})
    assert data.load_sst2_glue("dev") == [("it 's a charming journey .", 1), ("unflinchingly bleak", 0)]
    assert (cache / "sst2" / "glue" / "dev.tsv").read_bytes() == text


def test_sst2_glue_has_no_labelled_test_split(cache):
    with pytest.raises(data.DataError) as err:
        data.load_sst2_glue("test")
    assert "'train' and 'dev'" in one_sentence(err)


MINILM_LAYOUT = ("1_Pooling/config.json", "README.md", "config.json", "config_sentence_transformers.json",
                 "data_config.json", "model.safetensors", "modules.json", "sentence_bert_config.json",
                 "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt")


@pytest.fixture
def small_minilm(cache, monkeypatch):
    """A model folder laid out like the real one, with its digest standing in for the real one; nothing loads it."""
    import transformers

    folder = cache / data.MINILM_DIR
    for name in MINILM_LAYOUT:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(f'{{"file": "{name}", "num_hidden_layers": 6}}'.encode())
    monkeypatch.setattr(data, "MINILM_DIGEST", data.tree_digest(folder))
    used = []
    for auto in (transformers.AutoTokenizer, transformers.AutoModel):
        monkeypatch.setattr(auto, "from_pretrained", lambda source, *args, **kwargs: used.append(source) or source)
    return folder, used


def test_minilm_folder_that_verifies_is_loaded_from_the_cache(small_minilm):
    folder, used = small_minilm
    assert data.load_minilm() == (str(folder), str(folder)) and used == [str(folder)] * 2


@pytest.mark.parametrize("change", [
    lambda f: (f / "added_tokens.json").write_text('{"unwatchable": 30522}'),  # a token id the model has no row for
    lambda f: (f / "vocab.txt").unlink(),
    lambda f: (f / "config.json").write_text('{"num_hidden_layers": 2}'),  # a 2-layer model
    lambda f: (f / "tokenizer.json").write_bytes((f / "tokenizer.json").read_bytes()[:10]),  # cut off
    lambda f: (f / "2_Normalize").mkdir(),
], ids=["added file", "missing file", "changed file", "cut-off file", "added folder"])
def test_minilm_folder_with_any_change_is_refused_and_never_used(small_minilm, change):
    folder, used = small_minilm
    change(folder)
    with pytest.raises(data.ChecksumMismatch) as err:
        data.load_minilm()
    message = one_sentence(err)
    assert message.startswith(f"{folder} is damaged or not the expected data (not the known contents of all-MiniLM")
    assert message.endswith("the model folder of sentence-transformers/all-MiniLM-L6-v2 with exactly the files "
                            "listed in data/README.md.")
    assert used == []


@pytest.mark.parametrize("load", [data.load_minilm, data.load_efficientnet_lite0])
def test_hub_models_missing_offline_fail_fast(cache, monkeypatch, load):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # like a machine without network
    start = time.perf_counter()
    with pytest.raises(data.DataMissing) as err:
        load()
    assert time.perf_counter() - start < 10
    assert "cannot be reached" in one_sentence(err)


def test_link_data_with_course_data_a_file_is_one_line(tmp_path):
    import subprocess
    import sys

    (tmp_path / "src" / "sst2").mkdir(parents=True)
    (tmp_path / "oops").write_text("")
    result = subprocess.run([sys.executable, str(data.REPO_ROOT / "tools" / "link_data.py"), str(tmp_path / "src")],
                            capture_output=True, text=True, env={**os.environ, data.DATA_ENV: str(tmp_path / "oops")})
    assert result.returncode == 1 and result.stderr.strip().endswith("is a file, not a folder: point it at a folder "
                                                                     "for the dataset cache.")
    assert len(result.stderr.strip().splitlines()) == 1
