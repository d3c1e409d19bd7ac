"""Time the course's best MNIST CNN (lecture 03, section 5) on one device.

    python benchmarks/mnist_cnn.py                               # auto device, full data, 15 epochs
    python benchmarks/mnist_cnn.py --device cpu --subset 10000 --epochs 2   # a few minutes on a laptop

Prints, for the recipe of labs_solutions/03_cnn_mnist.ipynb: the time to first reach 99.0 % test
accuracy (measured after each epoch), the final test accuracy, the total wall time including the
copy of the data to the device, the peak GPU memory and the device name. It asserts nothing about
speed. The model and training recipe are written out here on purpose, so that the notebook stays
self-contained: keep them in sync with section 5 of the notebook (best_cnn, random_affine, train_fast).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from utils import data, env, train  # noqa: E402

MEAN, STD = 0.1307, 0.3081  # MNIST training pixels (the notebook computes them: 0.1307, 0.3081)


class Standardize(nn.Module):
    def forward(self, x):
        return (x - MEAN) / STD


def conv_bn(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU())


def best_cnn() -> nn.Sequential:
    return nn.Sequential(
        Standardize(),
        conv_bn(1, 32), nn.MaxPool2d(2),
        conv_bn(32, 64), conv_bn(64, 64), nn.MaxPool2d(2),
        conv_bn(64, 128), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.3), nn.Linear(128 * 3 * 3, 10),
    )


def random_affine(images: torch.Tensor, degrees: float = 10, scale: float = 0.1, shift: float = 2) -> torch.Tensor:
    """Rotate, zoom and shift every image of the batch by its own random amount, on the batch's device."""
    n, dev = len(images), images.device
    angle = (torch.rand(n, device=dev) * 2 - 1) * math.radians(degrees)
    zoom = 1 + (torch.rand(n, device=dev) * 2 - 1) * scale
    offset = (torch.rand(n, 2, device=dev) * 2 - 1) * shift * 2 / images.shape[-1]
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    theta = torch.stack([torch.stack([cos, -sin, offset[:, 0]], 1), torch.stack([sin, cos, offset[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, align_corners=False)


def run(device: torch.device, n_train: int | None, n_test: int | None, epochs: int, batch_size: int, lr: float,
        goal: float) -> dict:
    """Train the best CNN once; return the figures (seconds are wall-clock, from before the copy to the device)."""
    train_x, train_y = data.subset(*data.load_mnist(train=True), n_train)
    test_x, test_y = data.subset(*data.load_mnist(train=False), n_test)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
        torch.backends.cudnn.benchmark = True
    torch.manual_seed(0)

    start = time.perf_counter()
    x, y = train_x.to(device), train_y.to(device)
    tx, ty = test_x.to(device), test_y.to(device)
    model = best_cnn().to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    steps = epochs * math.ceil(len(x) / batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=steps, pct_start=0.25)
    time_to_goal, acc = None, float("nan")
    for epoch in range(1, epochs + 1):
        model.train()
        for xb, yb in train.batches(x, y, batch_size=batch_size, shuffle=True):
            xb = random_affine(xb)  # in float32, outside autocast
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
                loss = F.cross_entropy(model(xb), yb, label_smoothing=0.1)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
        _, acc = train.evaluate(model, train.batches(tx, ty, batch_size=1000), device=device)  # reads back: syncs
        elapsed = time.perf_counter() - start
        if time_to_goal is None and acc >= goal:
            time_to_goal = elapsed
        print(f"  epoch {epoch:2d}  test acc {acc:.2%}  {elapsed:6.1f} s", flush=True)
    total = time.perf_counter() - start
    peak = f"{torch.cuda.max_memory_allocated(device) / 2**20:.0f} MiB" if device.type == "cuda" else "n/a"
    return dict(device=env.device_name(device), n_train=len(x), n_test=len(tx), epochs=epochs,
                time_to_goal=time_to_goal, final_acc=acc, total_seconds=total, peak_memory=peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"], help="default: auto (CUDA if any)")
    parser.add_argument("--epochs", type=int, default=15, help="training epochs (default: 15, the full profile)")
    parser.add_argument("--subset", type=int, default=None, help="train on this many digits (default: all 60,000)")
    parser.add_argument("--test-subset", type=int, default=None, help="test on this many digits (default: all 10,000)")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--lr", type=float, default=3e-3, help="peak learning rate of the one-cycle schedule")
    parser.add_argument("--goal", type=float, default=0.99, help="accuracy whose first time is reported")
    args = parser.parse_args()
    device = env.pick_device() if args.device == "auto" else torch.device(args.device)

    print(f"best MNIST CNN on {env.device_name(device)} (torch {torch.__version__})")
    r = run(device, args.subset, args.test_subset, args.epochs, args.batch_size, args.lr, args.goal)
    reached = f"{r['time_to_goal']:.1f} s" if r["time_to_goal"] is not None else f"not reached in {r['epochs']} epochs"
    print(f"\ndevice:                  {r['device']}")
    print(f"data:                    {r['n_train']:,} training / {r['n_test']:,} test digits, {r['epochs']} epochs")
    print(f"time to {args.goal:.1%} test acc: {reached}")
    print(f"final test accuracy:     {r['final_acc']:.2%}")
    print(f"total wall time:         {r['total_seconds']:.1f} s (copy to the device included)")
    print(f"peak GPU memory:         {r['peak_memory']}")


if __name__ == "__main__":
    main()
