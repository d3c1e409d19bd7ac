"""Plotting helpers for what every lecture draws: curves, image grids, confusion and attention maps."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import torch


def learning_curves(history: dict[str, list[float]], keys: Sequence[str] = ("train_loss", "val_loss"),
                    x: str = "epoch", ax=None, title: str = ""):
    """Plot history[key] against history[x] for each key."""
    ax = ax or plt.subplots(figsize=(5, 3.2))[1]
    for key in keys:
        ax.plot(history[x], history[key], marker="o", ms=3, label=key)
    ax.set_xlabel(x)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    return ax


def image_grid(images: torch.Tensor, titles: Sequence[str] | None = None, ncols: int = 8,
               cmap: str = "gray", size: float = 1.3):
    """Show N×H×W or N×C×H×W images in a grid, with optional titles."""
    images = images.detach().cpu()
    if images.dim() == 4:
        images = images.permute(0, 2, 3, 1).squeeze(-1)  # channels last; drop a single channel
    n = len(images)
    nrows = (n + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(images[i], cmap=cmap)
            if titles is not None:
                ax.set_title(titles[i], fontsize=8)
    fig.tight_layout()
    return fig


def confusion_matrix(target: torch.Tensor, predicted: torch.Tensor, classes: Sequence[str], ax=None):
    """Count and draw the confusion matrix (rows: true class, columns: predicted class)."""
    k = len(classes)
    counts = torch.bincount(target.cpu() * k + predicted.cpu(), minlength=k * k).reshape(k, k)
    ax = ax or plt.subplots(figsize=(0.5 * k + 2, 0.5 * k + 1.5))[1]
    ax.imshow(counts, cmap="Blues")
    for i in range(k):
        for j in range(k):
            ax.text(j, i, int(counts[i, j]), ha="center", va="center", fontsize=7,
                    color="white" if counts[i, j] > counts.max() / 2 else "black")
    ax.set_xticks(range(k), classes)
    ax.set_yticks(range(k), classes)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    return counts


def attention_map(weights: torch.Tensor, queries: Sequence[str], keys: Sequence[str], ax=None, title: str = ""):
    """Heat map of a (queries × keys) attention matrix with token labels."""
    ax = ax or plt.subplots(figsize=(0.4 * len(keys) + 2, 0.4 * len(queries) + 1.5))[1]
    im = ax.imshow(weights.detach().cpu(), cmap="viridis", vmin=0)
    ax.set_xticks(range(len(keys)), keys, rotation=90)
    ax.set_yticks(range(len(queries)), queries)
    ax.set_title(title)
    plt.colorbar(im, ax=ax, fraction=0.046)
    return ax
