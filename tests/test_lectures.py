"""utils.lectures: a lecture's exported cells run on their own and give their names to another notebook."""

import nbformat
import pytest

from utils import lectures


def write_lecture(path, cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nbformat.write(nb, path)
    return path


def lecture_cells():
    return [
        nbformat.v4.new_markdown_cell("# 99 · A lecture"),
        nbformat.v4.new_code_cell("import math\n\nfrom utils import env"),
        nbformat.v4.new_code_cell("def half(x):\n    return x / 2", metadata={"tags": ["export"]}),
        nbformat.v4.new_code_cell("raise RuntimeError('not exported: never run')"),
        nbformat.v4.new_code_cell("ROOT_TWO = math.sqrt(half(4))", metadata={"tags": ["export", "x"]}),
    ]


def test_exported_cells_run_after_the_imports(tmp_path):
    path = write_lecture(tmp_path / "99_x.ipynb", lecture_cells())
    namespace = lectures.load_exports(path, names=("half", "ROOT_TWO"))
    assert namespace["half"](3) == 1.5
    assert namespace["ROOT_TWO"] == pytest.approx(2**0.5)
    assert "env" in namespace  # the imports cell ran first


def test_the_colab_cell_is_not_taken_for_the_imports(tmp_path):
    colab = nbformat.v4.new_code_cell("import sys\n\nif 'google.colab' in sys.modules:\n"
                                      "    sys.path.insert(0, '/content/course')  # then: from utils import ...",
                                      metadata={"tags": ["colab-setup"]})
    path = write_lecture(tmp_path / "99_x.ipynb", [colab, *lecture_cells()])
    assert "env" in lectures.load_exports(path, names=("ROOT_TWO",))


def test_a_missing_name_is_refused_in_one_sentence(tmp_path):
    path = write_lecture(tmp_path / "99_x.ipynb", lecture_cells())
    with pytest.raises(lectures.ExportMissing, match=r"99_x.ipynb: .*export no longer define best_cnn, fit\.$"):
        lectures.load_exports(path, names=("half", "best_cnn", "fit"))


def test_lecture_03_exports_its_recipe():
    names = ("Standardize", "conv_block", "best_cnn", "random_affine", "make_optimizer", "fit_recipe", "BATCH_SIZE")
    namespace = lectures.load_exports("03_cnn_mnist", names=names)
    model = namespace["best_cnn"](0.13, 0.31)
    assert model[-1].out_features == 10
