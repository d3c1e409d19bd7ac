"""The data layer on small files made here: verified cache hits, downloads, refusals."""

import hashlib
import io
import tarfile
import zipfile

import pytest

from utils import data


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty data cache of our own, pointed at by $COURSE_DATA."""
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def sha256(payload: bytes) -> str:
    return "sha256:" + hashlib.sha256(payload).hexdigest()


def test_cache_dir_follows_environment(cache):
    assert data.data_dir() == cache


def test_cached_file_that_verifies_is_used_without_download(cache):
    (cache / "x").mkdir(parents=True)
    (cache / "x" / "f.txt").write_bytes(b"real data")
    path = data.fetch("f", "x/f.txt", "http://127.0.0.1:9/never-contacted", sha256(b"real data"))
    assert path.read_bytes() == b"real data"


def test_corrupted_cached_file_is_refused(cache):
    (cache / "x").mkdir(parents=True)
    (cache / "x" / "f.txt").write_bytes(b"tampered")
    with pytest.raises(data.ChecksumMismatch, match="delete it and run again"):
        data.fetch("f", "x/f.txt", "http://127.0.0.1:9/", sha256(b"real data"))


def test_download_keeps_a_verified_file(cache, tmp_path):
    source = tmp_path / "served.bin"
    source.write_bytes(b"payload")
    path = data.fetch("f", "d/served.bin", source.as_uri(), sha256(b"payload"))
    assert path.read_bytes() == b"payload"
    assert not path.with_name("served.bin.part").exists()


def test_download_with_wrong_checksum_is_discarded(cache, tmp_path):
    source = tmp_path / "served.bin"
    source.write_bytes(b"not what we expect")
    with pytest.raises(data.ChecksumMismatch):
        data.fetch("f", "d/served.bin", source.as_uri(), sha256(b"payload"))
    assert list((cache / "d").iterdir()) == []  # neither the file nor the partial download stays


def test_missing_file_offline_says_where_to_get_it(cache):
    url = "http://127.0.0.1:9/dataset.bin"  # nothing listens on the discard port: like being offline
    with pytest.raises(data.DataMissing) as err:
        data.fetch("the test set", "d/dataset.bin", url, sha256(b"x"))
    message = str(err.value)
    assert "the test set" in message and url in message and str(cache / "d" / "dataset.bin") in message
    assert "\n" not in message  # one sentence
    assert err.value._render_traceback_() == [f"DataMissing: {message}"]  # notebooks show no stack trace


def test_mnist_missing_offline_is_one_sentence(cache, monkeypatch):
    import torchvision.datasets.mnist as mnist

    monkeypatch.setattr(mnist.MNIST, "mirrors", ["http://127.0.0.1:9/"])
    with pytest.raises(data.DataMissing, match="put the four official"):
        data.load_mnist(train=False)


def test_corrupted_mnist_file_is_refused(cache):
    raw = cache / "MNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / "t10k-labels-idx1-ubyte.gz").write_bytes(b"not mnist")
    with pytest.raises(data.ChecksumMismatch, match="t10k-labels"):
        data.load_mnist(train=False)


def make_tar(path, members):
    with tarfile.open(path, "w:gz") as tf:
        for name, payload in members:
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tf.addfile(info, io.BytesIO(payload))


@pytest.mark.parametrize("evil", ["../escape.txt", "/tmp/absolute-escape.txt", "a/../../escape.txt"])
def test_tar_members_escaping_the_target_are_refused(tmp_path, evil):
    archive = tmp_path / "evil.tar.gz"
    make_tar(archive, [("ok.txt", b"fine"), (evil, b"bad")])
    with pytest.raises(data.DataError, match="outside"):
        data.safe_extract(archive, tmp_path / "out")
    assert not (tmp_path / "escape.txt").exists()
    assert not (tmp_path / "out" / "ok.txt").exists()  # nothing is unpacked from a bad archive


def test_tar_symlink_pointing_outside_is_refused(tmp_path):
    archive = tmp_path / "link.tar"
    with tarfile.open(archive, "w") as tf:
        info = tarfile.TarInfo("innocent")
        info.type, info.linkname = tarfile.SYMTYPE, "../../etc/passwd"
        tf.addfile(info)
    with pytest.raises(data.DataError, match="outside"):
        data.safe_extract(archive, tmp_path / "out")


def test_zip_member_escaping_the_target_is_refused(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../escape.txt", b"bad")
    with pytest.raises(data.DataError, match="outside"):
        data.safe_extract(archive, tmp_path / "out")
    assert not (tmp_path / "escape.txt").exists()


def test_good_archive_is_unpacked(tmp_path):
    archive = tmp_path / "good.tar.gz"
    make_tar(archive, [("set/train/a.txt", b"A"), ("set/val/b.txt", b"B")])
    data.safe_extract(archive, tmp_path / "out")
    assert (tmp_path / "out" / "set" / "val" / "b.txt").read_bytes() == b"B"


def test_tree_is_downloaded_unpacked_and_verified(cache, tmp_path):
    archive = tmp_path / "set.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("set/train/a.txt", b"A")
    reference = tmp_path / "reference" / "set" / "train"
    reference.mkdir(parents=True)
    (reference / "a.txt").write_bytes(b"A")
    digest = data.tree_digest(tmp_path / "reference" / "set")
    path = data.fetch_tree("a set", "set", digest, archive.as_uri(), sha256(archive.read_bytes()))
    assert (path / "train" / "a.txt").read_bytes() == b"A"
    (path / "train" / "a.txt").write_bytes(b"changed")
    with pytest.raises(data.ChecksumMismatch, match="delete the folder"):
        data.fetch_tree("a set", "set", digest, archive.as_uri(), None)
