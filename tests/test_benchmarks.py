"""The benchmark times lecture 03's own model and recipe: one source, read from the notebook."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest
from course import ROOT, read

BENCHMARK = ROOT / "benchmarks" / "mnist_cnn.py"
NOTEBOOK = ROOT / "labs_solutions" / "03_cnn_mnist.ipynb"


def benchmark_module():
    spec = importlib.util.spec_from_file_location("mnist_cnn_benchmark", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def committed_metrics(nb) -> dict:
    return next(out["metadata"]["course_metrics"] for cell in nb.cells if cell.cell_type == "code"
                for out in cell.get("outputs", []) if "course_metrics" in out.get("metadata", {}))


def test_exported_cells_define_what_the_benchmark_calls():
    recipe = benchmark_module().load_recipe()
    for name in ("best_cnn", "fit_recipe", "random_affine", "make_optimizer"):
        assert recipe[name].__code__.co_filename.startswith(NOTEBOOK.name), f"{name} does not come from the notebook"


def test_benchmark_keeps_no_copy_of_the_model():
    source = BENCHMARK.read_text()
    for copy in ("nn.Conv2d(", "nn.BatchNorm2d(", "def best_cnn", "def random_affine", "OneCycleLR", "AdamW"):
        assert copy not in source, f"benchmarks/mnist_cnn.py writes {copy!r} itself: read it from the notebook"


def test_benchmark_model_is_the_notebooks():
    """Same parameter count as the network the committed run trained, and the same layers as printed there."""
    recipe = benchmark_module().load_recipe()
    model = recipe["best_cnn"](0.0, 1.0)
    assert sum(p.numel() for p in model.parameters()) == committed_metrics(read(NOTEBOOK))["best_params"]
    assert model[0].__class__ is recipe["Standardize"], "the model standardises its raw pixels first"


def test_benchmark_runs_on_a_tiny_subset():
    pytest.importorskip("torchvision")
    sys.path.insert(0, str(ROOT))
    from utils import data

    try:
        data.load_mnist(train=False)
    except data.DataMissing as err:
        pytest.skip(str(err))
    result = subprocess.run([sys.executable, str(BENCHMARK), "--device", "cpu", "--subset", "512", "--test-subset",
                             "500", "--epochs", "1"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "512 training / 500 test digits, 1 epochs" in result.stdout
    assert "final test accuracy:" in result.stdout
