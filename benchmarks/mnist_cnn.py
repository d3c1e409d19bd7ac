"""Time lecture 03's better MNIST CNN (section 6) on one device, with the notebook's own code.

    python benchmarks/mnist_cnn.py                               # auto device, 55,000 digits, 15 epochs
    python benchmarks/mnist_cnn.py --device cpu --epochs 5       # the lecture's cpu recipe: minutes on a laptop
    python benchmarks/mnist_cnn.py --device cpu --subset 10000 --epochs 2   # a quicker look

The model and the training recipe are not copied here: the script reads
labs_solutions/03_cnn_mnist.ipynb and executes its imports cell and its cells tagged `export`
(Standardize, fit_for, conv_block, best_cnn, random_affine, make_optimizer, fit_recipe), so the benchmark
always times what the lecture teaches (tests/test_benchmarks.py checks that they agree).

It trains on the notebook's training split (the 60,000 training digits less the notebook's 5,000
validation digits, or a random subset of them) and prints: the training time to first reach the goal
test accuracy (measured after each epoch, the copy of the data to the device counted, the evaluations
not), the final test accuracy, the training time, the total wall time (copy and evaluations included),
the peak GPU memory and the device name. On CUDA it runs the network under bfloat16 autocast
(`--no-bf16` to turn it off); the notebook does not. It asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch
import torch.nn as nn

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "labs_solutions" / "03_cnn_mnist.ipynb"
EXPORTED = ("Standardize", "fit_for", "conv_block", "best_cnn", "random_affine", "make_optimizer", "fit_recipe",
            "BATCH_SIZE")
N_VAL = 5_000  # the notebook carves its validation split with the same permutation (seed 0)

sys.path.insert(0, str(ROOT))
from utils import data, env, lectures  # noqa: E402


def load_recipe(path: Path = NOTEBOOK) -> dict:
    """Execute the notebook's imports cell and its `export` cells; return the names they define."""
    try:
        return lectures.load_exports(path, EXPORTED)
    except lectures.ExportMissing as err:
        raise SystemExit(str(err)) from None


class Autocast(nn.Module):
    """Run the wrapped model under bfloat16 autocast and hand float32 logits to the loss."""

    def __init__(self, model: nn.Module, device_type: str):
        super().__init__()
        self.model, self.device_type = model, device_type

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        with torch.autocast(self.device_type, dtype=torch.bfloat16):
            return self.model(x).float()


def training_split(n_train: int | None) -> tuple[torch.Tensor, torch.Tensor]:
    """The notebook's training split: the 60,000 training digits less its 5,000 validation digits."""
    images, labels = data.load_mnist(train=True)
    order = torch.randperm(len(images), generator=torch.Generator().manual_seed(0))
    train_index = order[N_VAL:][:n_train]  # the notebook takes the first N_TRAIN digits of its split, as here
    return images[train_index], labels[train_index]


def run(recipe: dict, device: torch.device, n_train: int | None, n_test: int | None, epochs: int, goal: float,
        bf16: bool) -> dict:
    """Train the notebook's best CNN once; return the figures (wall-clock seconds, copy to the device included)."""
    train_images, train_labels = training_split(n_train)
    test_images, test_labels = data.subset(*data.load_mnist(train=False), n_test)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
        torch.backends.cudnn.benchmark = True
    torch.manual_seed(0)

    start = time.perf_counter()
    x_train, y_train = train_images.to(device), train_labels.to(device)
    x_test, y_test = test_images.to(device), test_labels.to(device)
    mean, std = x_train.mean().item(), x_train.std().item()
    model = recipe["best_cnn"](mean, std).to(device)
    if bf16:
        model = Autocast(model, device.type)
    generator = torch.Generator(device=device).manual_seed(0)
    ready = time.perf_counter() - start
    history = recipe["fit_recipe"](model, x_train, y_train, x_test, y_test, epochs, generator, verbose=False)
    total = time.perf_counter() - start
    elapsed = [ready + s for s in history["seconds"]]  # fit_recipe's clock counts training only
    for epoch, acc, seconds in zip(history["epoch"], history["val_acc"], elapsed):
        print(f"  epoch {epoch:4.1f}  test acc {acc:.2%}  {seconds:6.1f} s", flush=True)
    time_to_goal = next((s for acc, s in zip(history["val_acc"], elapsed) if acc >= goal), None)
    peak = f"{torch.cuda.max_memory_allocated(device) / 2**20:.0f} MiB" if device.type == "cuda" else "n/a"
    return dict(device=env.device_name(device), n_train=len(x_train), n_test=len(x_test), epochs=epochs,
                time_to_goal=time_to_goal, final_acc=history["val_acc"][-1], train_seconds=elapsed[-1],
                total_seconds=total, peak_memory=peak, bf16=bf16)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"], help="default: auto (CUDA if any)")
    parser.add_argument("--epochs", type=int, default=15, help="training epochs (default: 15)")
    parser.add_argument("--subset", type=int, default=None, help="train on this many digits (default: all 55,000)")
    parser.add_argument("--test-subset", type=int, default=None, help="test on this many digits (default: all 10,000)")
    parser.add_argument("--goal", type=float, default=0.99, help="accuracy whose first time is reported")
    parser.add_argument("--no-bf16", action="store_true", help="on CUDA, train in float32 instead of bf16 autocast")
    parser.add_argument("--notebook", type=Path, default=NOTEBOOK, help="where the model and recipe are read from")
    args = parser.parse_args(argv)
    device = env.pick_device() if args.device == "auto" else torch.device(args.device)
    bf16 = device.type == "cuda" and not args.no_bf16

    recipe = load_recipe(args.notebook)
    print(f"best MNIST CNN of {args.notebook.name} on {env.device_name(device)} (torch {torch.__version__})")
    r = run(recipe, device, args.subset, args.test_subset, args.epochs, args.goal, bf16)
    reached = f"{r['time_to_goal']:.1f} s" if r["time_to_goal"] is not None else f"not reached in {r['epochs']} epochs"
    print(f"\ndevice:                  {r['device']}{' (bf16 autocast)' if r['bf16'] else ''}")
    print(f"data:                    {r['n_train']:,} training / {r['n_test']:,} test digits, {r['epochs']} epochs, "
          f"batches of {recipe['BATCH_SIZE']}")
    print(f"time to {args.goal:.1%} test acc: {reached}")
    print(f"final test accuracy:     {r['final_acc']:.2%}")
    print(f"training time:           {r['train_seconds']:.1f} s (copy to the device included, evaluations not)")
    print(f"total wall time:         {r['total_seconds']:.1f} s (copy to the device and evaluations included)")
    print(f"peak GPU memory:         {r['peak_memory']}")


if __name__ == "__main__":
    main()
