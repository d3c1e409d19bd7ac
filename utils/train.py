"""A plain training loop: batches on the device, a tqdm bar, and a history you can plot."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator

import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from .env import progress_enabled

Batch = tuple[torch.Tensor, ...]  # (*inputs, target): the model is called as model(*inputs)


class batches:  # lower case: it is used like a function, train.batches(x, y, batch_size=64)
    """Slice tensors that already sit on the device into mini-batches: no DataLoader, no per-sample work.

    Iterate over it for (x_batch, y_batch, ...) tuples; `len()` is the number of batches, so a progress bar
    knows its total. With `shuffle`, the order is drawn from `generator` each time iteration starts. A
    `transform` (e.g. a random augmentation) is applied to each batch's first tensor, in batch order.
    """

    def __init__(self, *tensors: torch.Tensor, batch_size: int, shuffle: bool = False,
                 generator: torch.Generator | None = None, transform: Callable | None = None):
        self.tensors, self.batch_size, self.shuffle = tensors, batch_size, shuffle
        self.generator, self.transform = generator, transform

    def __len__(self) -> int:
        return math.ceil(len(self.tensors[0]) / self.batch_size)

    def __iter__(self) -> Iterator[Batch]:
        n = len(self.tensors[0])
        order = torch.randperm(n, device=self.tensors[0].device, generator=self.generator) if self.shuffle else None
        for start in range(0, n, self.batch_size):
            idx = slice(start, start + self.batch_size) if order is None else order[start:start + self.batch_size]
            first, *rest = (t[idx] for t in self.tensors)
            yield (first if self.transform is None else self.transform(first), *rest)


def accuracy(logits: torch.Tensor, target: torch.Tensor) -> float:
    """Fraction of rows whose arg-max matches the target class."""
    return (logits.argmax(dim=-1) == target).float().mean().item()


def train_epoch(model: torch.nn.Module, data: Iterable[Batch], optimizer: torch.optim.Optimizer,
                loss_fn: Callable = F.cross_entropy, device: torch.device | str = "cpu",
                desc: str = "train", scheduler=None) -> float:
    """One pass over `data` with a gradient step per batch; returns the mean training loss.

    A `scheduler` given here steps after every batch (e.g. OneCycleLR, built for epochs × batches steps).
    """
    model.train()
    total, count = 0.0, 0
    bar = tqdm(data, desc=desc, leave=False, disable=not progress_enabled())
    for *inputs, target in bar:
        inputs, target = [x.to(device) for x in inputs], target.to(device)
        loss = loss_fn(model(*inputs), target)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        total, count = total + loss.item() * len(target), count + len(target)
        bar.set_postfix(loss=f"{loss.item():.4f}", refresh=False)
    return total / count


@torch.no_grad()
def evaluate(model: torch.nn.Module, data: Iterable[Batch], loss_fn: Callable = F.cross_entropy,
             device: torch.device | str = "cpu") -> tuple[float, float]:
    """Mean loss and accuracy of `model` over `data`, in eval mode and without gradients.

    Accuracy is NaN when the targets are not class indices (e.g. an autoencoder's images).
    """
    model.eval()
    loss_sum, correct, count, classes = 0.0, 0, 0, True
    for *inputs, target in data:
        inputs, target = [x.to(device) for x in inputs], target.to(device)
        out = model(*inputs)
        loss_sum += loss_fn(out, target, reduction="sum").item()
        classes = classes and not target.is_floating_point() and out.dim() == target.dim() + 1
        if classes:
            correct += (out.argmax(dim=-1) == target).sum().item()
        count += len(target)
    return loss_sum / count, correct / count if classes else float("nan")


def fit(model: torch.nn.Module, make_train: Callable[[], Iterable[Batch]], make_val: Callable[[], Iterable[Batch]],
        optimizer: torch.optim.Optimizer, epochs: int, loss_fn: Callable = F.cross_entropy,
        device: torch.device | str = "cpu", verbose: bool = True, scheduler=None,
        scheduler_step: str = "epoch", keep_best: bool = False) -> dict[str, list[float]]:
    """Train for `epochs`, evaluating after each; returns the history as lists keyed by metric.

    `make_train` / `make_val` return a fresh iterable of batches each epoch (a DataLoader, or a
    lambda around `batches(...)`; pass it a `generator` to make the shuffling repeatable:
    ``lambda: batches(x, y, batch_size=64, shuffle=True, generator=g)``). An optional learning-rate
    `scheduler` steps once per epoch (`scheduler_step="epoch"`, e.g. CosineAnnealingLR(T_max=epochs))
    or once per batch (`"batch"`, e.g. OneCycleLR). With `keep_best=True` the model ends with the weights of
    the epoch of highest validation accuracy (the first such epoch), and ``history["best_epoch"]`` names it.
    """
    if scheduler_step not in ("epoch", "batch"):
        raise ValueError(f"scheduler_step is 'epoch' or 'batch', not {scheduler_step!r}")
    per_batch = scheduler if scheduler_step == "batch" else None
    history: dict[str, list[float]] = {"epoch": [], "train_loss": [], "val_loss": [], "val_acc": [], "seconds": []}
    best_state, best_acc = None, -1.0
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        train_loss = train_epoch(model, make_train(), optimizer, loss_fn, device, desc=f"epoch {epoch}/{epochs}",
                                 scheduler=per_batch)
        if scheduler is not None and per_batch is None:
            scheduler.step()
        val_loss, val_acc = evaluate(model, make_val(), loss_fn, device)
        for key, value in zip(history, (epoch, train_loss, val_loss, val_acc, time.perf_counter() - start)):
            history[key].append(value)
        if verbose:
            print(f"epoch {epoch:3d}  train loss {train_loss:.4f}  val loss {val_loss:.4f}  val acc {val_acc:.2%}")
        if keep_best and val_acc > best_acc:  # a copy: state_dict() returns tensors that training keeps changing
            best_state, best_acc = {k: v.detach().clone() for k, v in model.state_dict().items()}, val_acc
            history["best_epoch"] = epoch
    if best_state is not None:
        model.load_state_dict(best_state)
    return history
