"""The transformer, piece by piece: the reference lecture 06 builds and lecture 07 loads pretrained weights into.

Shapes: batch first, (B, L, d). Masks are boolean and say where attention MAY look (True = keep), as in
`F.scaled_dot_product_attention`; `nn.MultiheadAttention` uses the opposite convention (True = hide).
The defaults are those of Vaswani et al. (2017) and of `nn.TransformerEncoderLayer`: post-norm, ReLU,
LayerNorm eps 1e-5, sinusoid positions. A BERT encoder is the same code with `activation="gelu"`,
`eps=1e-12`, `positions="learned"`, `n_token_types=2`, `embed_norm=True` and `scale_embedding=False`.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

ACTIVATIONS = {"relu": F.relu, "gelu": F.gelu}


def scaled_dot_product_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                                 mask: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """softmax(q kᵀ / √d_k) v over the last two dims; `mask` (True = keep) broadcasts to (..., L_q, L_k).

    Returns the output (..., L_q, d_v) and the attention weights (..., L_q, L_k).
    """
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))  # exp(-inf) = 0: a hidden key gets no weight
    weights = scores.softmax(dim=-1)  # over the keys: each query's weights sum to 1
    return weights @ v, weights


def causal_mask(length: int, device: torch.device | str | None = None) -> torch.Tensor:
    """(length, length) boolean mask, True on and below the diagonal: position t sees positions 0..t."""
    return torch.ones(length, length, dtype=torch.bool, device=device).tril()


def padding_mask(tokens: torch.Tensor, pad: int = 0) -> torch.Tensor:
    """(B, 1, 1, L) boolean mask, True at real tokens: every query (and head) ignores the padding keys."""
    return (tokens != pad)[:, None, None, :]


class MultiHeadAttention(nn.Module):
    """n_heads attentions of size d_model / n_heads side by side, each on its own projections of q, k, v."""

    def __init__(self, d_model: int, n_heads: int, dropout: float = 0.0):
        super().__init__()
        assert d_model % n_heads == 0, "d_model must be a multiple of n_heads"
        self.n_heads, self.d_head = n_heads, d_model // n_heads
        self.q_proj, self.k_proj = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)
        self.v_proj, self.out_proj = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)
        self.dropout = nn.Dropout(dropout)
        self.weights = None  # the last attention weights (B, heads, L_q, L_k), kept for plots

    def split_heads(self, x: torch.Tensor) -> torch.Tensor:
        """(B, L, d_model) -> (B, heads, L, d_head): cut the features, then move heads before positions."""
        return x.view(x.shape[0], x.shape[1], self.n_heads, self.d_head).transpose(1, 2)

    def forward(self, query, key, value, mask=None) -> torch.Tensor:
        q, k, v = self.split_heads(self.q_proj(query)), self.split_heads(self.k_proj(key)), \
            self.split_heads(self.v_proj(value))
        out, self.weights = scaled_dot_product_attention(q, k, v, mask)
        out = out.transpose(1, 2).reshape(query.shape)  # heads back side by side: (B, L_q, d_model)
        return self.dropout(self.out_proj(out))


class FeedForward(nn.Module):
    """The same two-layer network applied at every position: d -> d_ff -> d."""

    def __init__(self, d_model: int, d_ff: int, dropout: float = 0.0, activation: str = "relu"):
        super().__init__()
        self.linear1, self.linear2 = nn.Linear(d_model, d_ff), nn.Linear(d_ff, d_model)
        self.activation, self.dropout = ACTIVATIONS[activation], nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class EncoderLayer(nn.Module):
    """Self-attention then feed-forward, each wrapped in a residual connection and a LayerNorm.

    Post-norm (Vaswani et al., BERT): x = norm(x + block(x)). Pre-norm (`norm_first=True`): x = x + block(norm(x)).
    """

    def __init__(self, d_model: int, n_heads: int, d_ff: int, dropout: float = 0.1, activation: str = "relu",
                 norm_first: bool = False, eps: float = 1e-5):
        super().__init__()
        self.self_attn = MultiHeadAttention(d_model, n_heads, dropout)
        self.ff = FeedForward(d_model, d_ff, dropout, activation)
        self.norm1, self.norm2 = nn.LayerNorm(d_model, eps=eps), nn.LayerNorm(d_model, eps=eps)
        self.norm_first = norm_first

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        attend = lambda h: self.self_attn(h, h, h, mask)
        if self.norm_first:
            x = x + attend(self.norm1(x))
            return x + self.ff(self.norm2(x))
        x = self.norm1(x + attend(x))
        return self.norm2(x + self.ff(x))


class DecoderLayer(nn.Module):
    """Causal self-attention, cross-attention on the encoder's output (`memory`), feed-forward; post-norm."""

    def __init__(self, d_model: int, n_heads: int, d_ff: int, dropout: float = 0.1, activation: str = "relu",
                 eps: float = 1e-5):
        super().__init__()
        self.self_attn = MultiHeadAttention(d_model, n_heads, dropout)
        self.cross_attn = MultiHeadAttention(d_model, n_heads, dropout)
        self.ff = FeedForward(d_model, d_ff, dropout, activation)
        self.norm1, self.norm2, self.norm3 = (nn.LayerNorm(d_model, eps=eps) for _ in range(3))

    def forward(self, x, memory, memory_mask=None, causal: bool = True) -> torch.Tensor:
        mask = causal_mask(x.shape[1], x.device) if causal else None  # causal=False only to show what goes wrong
        x = self.norm1(x + self.self_attn(x, x, x, mask))
        x = self.norm2(x + self.cross_attn(x, memory, memory, memory_mask))  # queries: targets; keys: source
        return self.norm3(x + self.ff(x))


def sinusoid_table(n_positions: int, d_model: int) -> torch.Tensor:
    """(n_positions, d_model): PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(pos / 10000^(2i/d))."""
    position = torch.arange(n_positions, dtype=torch.float64)[:, None]
    frequency = 10000.0 ** (-torch.arange(0, d_model, 2, dtype=torch.float64) / d_model)
    table = torch.zeros(n_positions, d_model, dtype=torch.float64)
    table[:, 0::2] = torch.sin(position * frequency)
    table[:, 1::2] = torch.cos(position * frequency[: d_model // 2])
    return table.float()


class Embeddings(nn.Module):
    """Token embedding (times √d unless told not to) + position embedding (+ token type), then dropout."""

    def __init__(self, vocab_size: int, d_model: int, max_len: int, dropout: float = 0.1,
                 positions: str = "sinusoid", n_token_types: int = 0, embed_norm: bool = False,
                 scale_embedding: bool = True, eps: float = 1e-5, padding_idx: int | None = 0):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, d_model, padding_idx=padding_idx)
        if positions == "sinusoid":  # a fixed table, stored as a frozen embedding (Cerisara's exercise)
            self.pos_enc = nn.Embedding.from_pretrained(sinusoid_table(max_len, d_model), freeze=True)
        elif positions == "learned":
            self.pos_enc = nn.Embedding(max_len, d_model)
        else:
            raise ValueError(f"positions is 'sinusoid' or 'learned', not {positions!r}")
        self.token_type = nn.Embedding(n_token_types, d_model) if n_token_types else None
        self.norm = nn.LayerNorm(d_model, eps=eps) if embed_norm else nn.Identity()
        self.scale = math.sqrt(d_model) if scale_embedding else 1.0
        self.dropout = nn.Dropout(dropout)

    def forward(self, tokens: torch.Tensor, token_types: torch.Tensor | None = None) -> torch.Tensor:
        positions = torch.arange(tokens.shape[1], device=tokens.device)
        x = self.embed(tokens) * self.scale + self.pos_enc(positions)
        if self.token_type is not None:
            x = x + self.token_type(torch.zeros_like(tokens) if token_types is None else token_types)
        return self.dropout(self.norm(x))


class Encoder(nn.Module):
    """Embeddings, then n_layers encoder layers (each with its own weights, in an nn.ModuleList)."""

    def __init__(self, vocab_size: int, d_model: int, n_heads: int, d_ff: int, n_layers: int, max_len: int,
                 dropout: float = 0.1, activation: str = "relu", norm_first: bool = False, eps: float = 1e-5,
                 **embedding_options):
        super().__init__()
        self.embeddings = Embeddings(vocab_size, d_model, max_len, dropout, eps=eps, **embedding_options)
        self.layers = nn.ModuleList([EncoderLayer(d_model, n_heads, d_ff, dropout, activation, norm_first, eps)
                                     for _ in range(n_layers)])
        self.final_norm = nn.LayerNorm(d_model, eps=eps) if norm_first else nn.Identity()  # pre-norm ends unnormed

    def forward(self, tokens: torch.Tensor, mask: torch.Tensor | None = None,
                token_types: torch.Tensor | None = None) -> torch.Tensor:
        x = self.embeddings(tokens, token_types)
        for layer in self.layers:
            x = layer(x, mask)
        return self.final_norm(x)


class Decoder(nn.Module):
    """Embeddings, n_layers decoder layers, and a linear layer giving the next-token logits."""

    def __init__(self, vocab_size: int, d_model: int, n_heads: int, d_ff: int, n_layers: int, max_len: int,
                 dropout: float = 0.1, activation: str = "relu", eps: float = 1e-5):
        super().__init__()
        self.embeddings = Embeddings(vocab_size, d_model, max_len, dropout, eps=eps)
        self.layers = nn.ModuleList([DecoderLayer(d_model, n_heads, d_ff, dropout, activation, eps)
                                     for _ in range(n_layers)])
        self.to_logits = nn.Linear(d_model, vocab_size)

    def forward(self, tokens, memory, memory_mask=None, causal: bool = True) -> torch.Tensor:
        x = self.embeddings(tokens)
        for layer in self.layers:
            x = layer(x, memory, memory_mask, causal)
        return self.to_logits(x)


# --- weights copied from PyTorch's own modules, so that both compute the same function (checks and tests) ---

@torch.no_grad()
def copy_attention(ours: MultiHeadAttention, theirs: nn.MultiheadAttention) -> None:
    """nn.MultiheadAttention packs the q, k, v projections in one (3d × d) matrix: split it into ours."""
    for proj, weight, bias in zip((ours.q_proj, ours.k_proj, ours.v_proj), theirs.in_proj_weight.chunk(3),
                                  theirs.in_proj_bias.chunk(3)):
        proj.weight.copy_(weight)
        proj.bias.copy_(bias)
    ours.out_proj.load_state_dict(theirs.out_proj.state_dict())


@torch.no_grad()
def copy_layer(ours: EncoderLayer | DecoderLayer,
               theirs: nn.TransformerEncoderLayer | nn.TransformerDecoderLayer) -> None:
    """Copy an nn.TransformerEncoderLayer (or DecoderLayer) into ours: attentions, feed-forward, norms."""
    copy_attention(ours.self_attn, theirs.self_attn)
    if hasattr(ours, "cross_attn"):  # a decoder layer (also one written in the notebook)
        copy_attention(ours.cross_attn, theirs.multihead_attn)
        ours.norm3.load_state_dict(theirs.norm3.state_dict())
    ours.ff.linear1.load_state_dict(theirs.linear1.state_dict())
    ours.ff.linear2.load_state_dict(theirs.linear2.state_dict())
    ours.norm1.load_state_dict(theirs.norm1.state_dict())
    ours.norm2.load_state_dict(theirs.norm2.state_dict())
