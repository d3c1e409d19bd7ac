"""Text to tensors and the bi-LSTM sentiment classifier of lecture 05 (lecture 07 reuses the same recipe).

Every function is short and is shown in lecture 05: words -> indices (`tokenize`, `build_vocab`, `encode`),
indices -> padded batches (`collate`, `batches`), GloVe rows for the embedding (`glove_matrix`), the model
(`BiLSTMClassifier`), one training step with gradient clipping (`train_step`), one epoch of them (`train_epoch`)
and the whole recipe with early stopping on a validation split (`fit`, `train_bilstm`).
"""

from __future__ import annotations

import copy
import re
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

PAD, UNK = "<pad>", "<unk>"  # index 0 and 1 of every vocabulary
TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[!?]")  # words (with "don't", "film's") and ! and ?


def clean(text: str) -> str:
    """Lower case, and IMDB's HTML line breaks turned into spaces."""
    return text.replace("<br />", " ").lower()


def tokenize(text: str) -> list[str]:
    """The tokens of a text: lower-case words, and the punctuation that carries feeling (! and ?)."""
    return TOKEN.findall(clean(text))


def build_vocab(token_lists: Iterable[Sequence[str]], min_freq: int = 2, max_size: int | None = None,
                ties: str = "alphabetical") -> dict[str, int]:
    """Word -> index: <pad> = 0, <unk> = 1, then every token seen at least `min_freq` times, most frequent first
    (ties in alphabetical order, so the vocabulary does not depend on the order of the texts; `ties="first seen"`
    keeps them in the order they first appear instead), at most `max_size` entries in all when it is given."""
    if ties not in ("alphabetical", "first seen"):
        raise ValueError(f"ties is {ties!r}: 'alphabetical' or 'first seen'")
    counts = Counter(token for tokens in token_lists for token in tokens)
    kept = [w for w, n in counts.items() if n >= min_freq]  # a Counter keeps the order of first appearance
    kept.sort(key=(lambda w: (-counts[w], w)) if ties == "alphabetical" else (lambda w: -counts[w]))  # stable
    if max_size is not None:
        kept = kept[:max(0, max_size - 2)]
    return {word: index for index, word in enumerate([PAD, UNK, *kept])}


def encode(tokens: Sequence[str], vocab: dict[str, int], max_len: int | None = None) -> torch.Tensor:
    """The indices of the first `max_len` tokens (all when None), unknown words -> <unk>; at least one index."""
    unk = vocab[UNK]
    ids = [vocab.get(token, unk) for token in tokens[:max_len]] or [unk]  # an empty text still has one step
    return torch.tensor(ids, dtype=torch.long)


def collate(batch: Sequence[tuple[torch.Tensor, int]], pad_index: int = 0
            ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(ids, label) pairs -> ids padded to B x T_max with `pad_index`, the true lengths (B,), the labels (B,)."""
    sequences = [ids for ids, _ in batch]
    ids = pad_sequence(sequences, batch_first=True, padding_value=pad_index)
    lengths = torch.tensor([len(s) for s in sequences])
    labels = torch.tensor([label for _, label in batch])
    return ids, lengths, labels


def batches(encoded: Sequence[torch.Tensor], labels: Sequence[int], batch_size: int, shuffle: bool = False,
            generator: torch.Generator | None = None) -> Iterator[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    """Mini-batches (ids, lengths, labels) of encoded texts, in a random order when `shuffle`."""
    order = torch.randperm(len(encoded), generator=generator).tolist() if shuffle else range(len(encoded))
    order = list(order)
    for start in range(0, len(order), batch_size):
        yield collate([(encoded[i], labels[i]) for i in order[start:start + batch_size]])


def glove_matrix(vocab: dict[str, int], words: Sequence[str], vectors: torch.Tensor,
                 generator: torch.Generator | None = None) -> tuple[torch.Tensor, float]:
    """One embedding row per vocabulary entry: the GloVe vector when GloVe knows the word, else small random
    numbers (<pad> stays zero). Also returns the share of the vocabulary that GloVe covers."""
    row_of = {word: i for i, word in enumerate(words)}
    scale = vectors.std().item()
    matrix = 0.1 * scale * torch.randn(len(vocab), vectors.shape[1], generator=generator)
    matrix[vocab[PAD]] = 0
    found = [(index, row_of[word]) for word, index in vocab.items() if word in row_of]
    if found:
        rows, glove_rows = map(list, zip(*found))
        matrix[rows] = vectors[glove_rows]
    return matrix, len(found) / len(vocab)


class BiLSTMClassifier(nn.Module):
    """Embedding -> bidirectional LSTM over the true length of each text -> max over time -> linear."""

    def __init__(self, embeddings: torch.Tensor, hidden: int = 64, classes: int = 2, dropout: float = 0.3,
                 pad_index: int = 0):
        super().__init__()
        self.embedding = nn.Embedding.from_pretrained(embeddings.clone(), freeze=False, padding_idx=pad_index)
        self.lstm = nn.LSTM(embeddings.shape[1], hidden, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(2 * hidden, classes)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        x = self.dropout(self.embedding(ids))
        # packing skips the padding: each text is read over its own length, in both directions
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        states, _ = pad_packed_sequence(self.lstm(packed)[0], batch_first=True, padding_value=float("-inf"))
        pooled = states.max(dim=1).values  # -inf padding never wins the max
        return self.out(self.dropout(pooled))


def train_step(model: nn.Module, ids: torch.Tensor, lengths: torch.Tensor, labels: torch.Tensor,
               optimizer: torch.optim.Optimizer, max_norm: float) -> tuple[float, float]:
    """One gradient step with the gradient's norm clipped to `max_norm`; returns the loss and the norm before."""
    optimizer.zero_grad(set_to_none=True)
    loss = F.cross_entropy(model(ids, lengths), labels)
    loss.backward()
    norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm)  # rescales all gradients together
    optimizer.step()
    return loss.item(), norm.item()


def train_epoch(model: nn.Module, batches: Iterable[tuple[torch.Tensor, torch.Tensor, torch.Tensor]],
                optimizer: torch.optim.Optimizer, max_norm: float) -> tuple[float, list[float]]:
    """One pass over `batches` in training mode, one clipped step per batch (`train_step`); returns the mean of
    the batches' losses and the gradient norm of every step before clipping."""
    model.train()
    steps = [train_step(model, ids, lengths, labels, optimizer, max_norm) for ids, lengths, labels in batches]
    return sum(loss for loss, _ in steps) / len(steps), [norm for _, norm in steps]


@torch.no_grad()
def predict_proba(model: nn.Module, data: Iterable[tuple[torch.Tensor, torch.Tensor, torch.Tensor]],
                  device: torch.device | str = "cpu") -> torch.Tensor:
    """The predicted class probabilities (N x classes) for every text of `data`, in eval mode."""
    model.eval()
    return torch.cat([model(ids.to(device), lengths.to(device)).softmax(-1).cpu() for ids, lengths, _ in data])


def fit(model: nn.Module, make_train, make_val, epochs: int, lr: float = 2e-3, max_norm: float = 1.0,
        device: torch.device | str = "cpu", verbose: bool = True, epoch_loop=train_epoch) -> dict[str, list[float]]:
    """Adam with clipping for `epochs`; keeps the weights of the epoch with the best validation accuracy.

    `make_train` / `make_val` return fresh iterables of (ids, lengths, labels) batches each epoch; `epoch_loop`
    is the pass over the training batches (lecture 05 passes the student's once it is right). The history holds
    per epoch: train loss, validation accuracy, seconds so far; and per step: the gradient norm before clipping.
    """
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history: dict[str, list[float]] = {"epoch": [], "train_loss": [], "val_acc": [], "seconds": [], "grad_norm": []}
    best, best_acc, start = None, -1.0, time.perf_counter()
    for epoch in range(1, epochs + 1):
        on_device = ((ids.to(device), lengths.to(device), labels.to(device)) for ids, lengths, labels in make_train())
        train_loss, norms = epoch_loop(model, on_device, optimizer, max_norm)
        history["grad_norm"] += norms
        val = list(make_val())
        acc_val = (predict_proba(model, val, device).argmax(1) == torch.cat([y for *_, y in val])).float().mean()
        for key, value in zip(("epoch", "train_loss", "val_acc", "seconds"),
                              (epoch, train_loss, acc_val.item(), time.perf_counter() - start)):
            history[key].append(value)
        if acc_val.item() > best_acc:  # early stopping: remember the best epoch's weights
            best, best_acc = copy.deepcopy(model.state_dict()), acc_val.item()
        if verbose:
            print(f"epoch {epoch}  train loss {history['train_loss'][-1]:.4f}  val acc {acc_val:.2%}  "
                  f"({history['seconds'][-1]:.0f} s)")
    model.load_state_dict(best)
    return history


def train_bilstm(train_pairs: Sequence[tuple[str, int]], val_pairs: Sequence[tuple[str, int]],
                 words: Sequence[str], vectors: torch.Tensor, *, epochs: int, max_len: int, min_freq: int = 2,
                 batch_size: int = 64, hidden: int = 64, lr: float = 2e-3, max_norm: float = 1.0,
                 device: torch.device | str = "cpu", seed: int = 0, verbose: bool = True) -> dict:
    """The whole recipe of lecture 05 on (text, label) pairs: vocabulary from the training texts, GloVe rows,
    bi-LSTM, Adam with clipping, early stopping on `val_pairs`. Returns model, vocab, history, acc_val, seconds."""
    start = time.perf_counter()
    generator = torch.Generator().manual_seed(seed)
    train_tokens = [tokenize(text) for text, _ in train_pairs]
    vocab = build_vocab(train_tokens, min_freq)
    x_train = [encode(tokens, vocab, max_len) for tokens in train_tokens]
    x_val = [encode(tokenize(text), vocab, max_len) for text, _ in val_pairs]
    y_train, y_val = [label for _, label in train_pairs], [label for _, label in val_pairs]
    embeddings, coverage = glove_matrix(vocab, words, vectors, generator)
    torch.manual_seed(seed)  # the same initial weights for the same seed
    model = BiLSTMClassifier(embeddings, hidden=hidden).to(device)
    history = fit(model, lambda: batches(x_train, y_train, batch_size, shuffle=True, generator=generator),
                  lambda: batches(x_val, y_val, 256), epochs, lr, max_norm, device, verbose)
    return {"model": model, "vocab": vocab, "history": history, "coverage": coverage,
            "acc_val": max(history["val_acc"]), "seconds": time.perf_counter() - start}
