"""Every loader on the real copies in the cache (CI links them from shared/datasets).

Without a copy the test is skipped, unless $COURSE_REQUIRE_DATA=1 (CI sets it) makes it fail.
"""

import os
import shutil
import time

import pytest
import torch

from utils import data


def require(relpath: str) -> None:
    require_in(data.data_dir(), relpath)


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    """A cache of our own to change, filled from the real one: `link` for links to its files, `copy` for copies."""
    real = data.data_dir()
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "cache"))

    def fill(relpath, copy=False):
        require_in(real, relpath)
        put = shutil.copy if copy else lambda src, dst: os.symlink(os.path.realpath(src), dst)
        source, dest = real / relpath, tmp_path / "cache" / relpath
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(source, dest, copy_function=put) if source.is_dir() else put(source, dest)
        return dest

    return fill


def require_in(cache, relpath: str) -> None:
    if not (cache / relpath).exists():
        message = f"no real copy at {cache / relpath}"
        if os.environ.get("COURSE_REQUIRE_DATA") == "1":
            pytest.fail(message)
        pytest.skip(message)


def test_mnist_shapes_and_label_histogram():
    require("MNIST/raw/t10k-images-idx3-ubyte.gz")
    x, y = data.load_mnist(train=False)
    assert x.shape == (10000, 1, 28, 28) and x.dtype == torch.float32
    assert 0 <= x.min() and x.max() == 1
    assert torch.bincount(y).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_subset_is_reproducible():
    x, y = torch.arange(100), torch.arange(100) % 10
    a, b = data.subset(x, y, 10, seed=1), data.subset(x, y, 10, seed=1)
    assert torch.equal(a[0], b[0]) and len(a[0]) == 10
    assert data.subset(x, y, None)[0] is x


def test_hymenoptera_counts():
    require("hymenoptera_data/train")
    train, val = data.load_hymenoptera("train"), data.load_hymenoptera("val")
    assert train.classes == ["ants", "bees"] and (len(train), len(val)) == (244, 153)


def test_text_corpora_sizes():
    require("sst2/sentence_level/stsa.binary.train")
    require("rt-polarity/rt-polarity.pos")
    assert [len(data.load_sst2(s)) for s in ("train", "dev", "test")] == [6920, 872, 1821]
    mr = data.load_rt_polarity()
    assert len(mr) == 10662 and sum(label for _, label in mr) == 5331


def test_sst2_glue_sizes_and_labels():
    require("sst2/glue/train.tsv")
    train, dev = data.load_sst2_glue("train"), data.load_sst2_glue("dev")
    assert (len(train), len(dev)) == (67_349, 872)
    assert (sum(label for _, label in train), sum(label for _, label in dev)) == (37_569, 444)


def test_imdb_test_split():
    require("imdb/aclImdb_v1_labeled.tar.gz")
    reviews = data.load_imdb("test")
    assert len(reviews) == 25000 and sum(label for _, label in reviews) == 12500


def test_glove_analogy():
    require("glove/glove.6B.50d.top50k.txt")
    words, vectors = data.load_glove(max_words=50_000)
    index = {w: i for i, w in enumerate(words)}
    query = vectors[index["king"]] - vectors[index["man"]] + vectors[index["woman"]]
    sims = torch.nn.functional.cosine_similarity(vectors, query[None], dim=1)
    sims[[index["king"], index["man"], index["woman"]]] = -1
    assert words[sims.argmax()] == "queen"


def test_efficientnet_lite0_loads_offline():
    require(data.EFFNET_FILE)
    model = data.load_efficientnet_lite0()
    assert sum(p.numel() for p in model.parameters()) == 4_652_008


def test_minilm_loads_offline():
    require(data.MINILM_DIR + "/model.safetensors")
    tokenizer, model = data.load_minilm()
    batch = tokenizer(["this movie was absolutely wonderful!"], return_tensors="pt")
    assert tokenizer.convert_ids_to_tokens(batch["input_ids"][0])[0] == "[CLS]"
    with torch.no_grad():
        assert model(**batch).last_hidden_state.shape == (1, 8, 384)


# --- the real copies, changed: refused, never used ------------------------------------------


def test_minilm_with_an_added_tokens_file_is_refused(own_cache):
    folder = own_cache(data.MINILM_DIR)
    (folder / "added_tokens.json").write_text('{"unwatchable": 30522}')  # id 30522: past the 30,522 embeddings
    with pytest.raises(data.ChecksumMismatch, match="all-MiniLM-L6-v2 is damaged or not the expected data"):
        data.load_minilm()


def test_hymenoptera_with_an_empty_class_folder_is_refused(own_cache):
    folder = own_cache("hymenoptera_data")
    (folder / "train" / "wasps").mkdir()  # a third class to ImageFolder
    with pytest.raises(data.ChecksumMismatch, match="hymenoptera_data is damaged or not the expected data"):
        data.load_hymenoptera("train")


def test_sst2_with_a_label_flipped_in_place_is_refused(own_cache, monkeypatch):
    path = own_cache("sst2/sentence_level/stsa.binary.dev", copy=True)
    monkeypatch.setattr(data, "SETTLE_NS", 0)  # remember it at once, as a later load would
    assert len(data.load_sst2("dev")) == 872 and str(path) in (path.parents[2] / data.MARKS).read_text()
    before, text = path.stat(), bytearray(path.read_bytes())
    while time.time_ns() <= before.st_ctime_ns + 10**8:  # past the tick of the file system's clock
        time.sleep(0.01)
    text[0] ^= 1  # "1 ..." <-> "0 ...": the first sentence's label flipped, same size
    path.write_bytes(text)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # touch -r: the old times put back
    with pytest.raises(data.ChecksumMismatch, match="stsa.binary.dev is damaged or not the expected data"):
        data.load_sst2("dev")
