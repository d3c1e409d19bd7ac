"""utils.transformer computes what PyTorch's own modules compute, given the same weights (float32, ≤ 1e-5)."""

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from utils import transformer as T

TOL = dict(atol=1e-5, rtol=0)


def rand(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("with_mask", [False, True])
def test_attention_equals_sdpa(with_mask):
    q, k, v = rand(2, 3, 5, 8, seed=1), rand(2, 3, 7, 8, seed=2), rand(2, 3, 7, 6, seed=3)
    mask = (rand(2, 1, 5, 7, seed=4) > 0) | torch.eye(5, 7, dtype=torch.bool) if with_mask else None
    out, weights = T.scaled_dot_product_attention(q, k, v, mask)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, attn_mask=mask), **TOL)
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 3, 5), **TOL)
    if with_mask:
        assert (weights[~mask.expand_as(weights)] == 0).all()


def test_causal_mask_and_padding_mask():
    assert T.causal_mask(3).tolist() == [[True, False, False], [True, True, False], [True, True, True]]
    assert T.padding_mask(torch.tensor([[5, 6, 0]])).shape == (1, 1, 1, 3)
    q, k, v = (rand(1, 1, 4, 2, seed=s) for s in range(3))
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=T.causal_mask(4))
    torch.testing.assert_close(T.scaled_dot_product_attention(q, k, v, T.causal_mask(4))[0], expected, **TOL)
    torch.testing.assert_close(expected, F.scaled_dot_product_attention(q, k, v, is_causal=True), **TOL)


def test_multi_head_attention_equals_torch():
    torch.manual_seed(0)
    theirs = nn.MultiheadAttention(16, 4, batch_first=True).eval()
    ours = T.MultiHeadAttention(16, 4).eval()
    T.copy_attention(ours, theirs)
    x, memory = rand(2, 5, 16, seed=1), rand(2, 7, 16, seed=2)
    keep = torch.tensor([[True] * 7, [True] * 4 + [False] * 3])
    expected, weights = theirs(x, memory, memory, key_padding_mask=~keep, average_attn_weights=False)
    torch.testing.assert_close(ours(x, memory, memory, keep[:, None, None, :]), expected, **TOL)
    torch.testing.assert_close(ours.weights, weights, **TOL)


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
def test_encoder_layer_equals_torch(norm_first, activation):
    torch.manual_seed(0)
    theirs = nn.TransformerEncoderLayer(16, 4, 32, dropout=0.0, activation=activation, batch_first=True,
                                        norm_first=norm_first, layer_norm_eps=1e-12).eval()
    ours = T.EncoderLayer(16, 4, 32, dropout=0.0, activation=activation, norm_first=norm_first, eps=1e-12).eval()
    T.copy_layer(ours, theirs)
    x = rand(2, 6, 16, seed=1)
    keep = torch.tensor([[True] * 6, [True] * 3 + [False] * 3])
    with torch.no_grad():
        expected = theirs(x, src_key_padding_mask=~keep)
        got = ours(x, keep[:, None, None, :])
    torch.testing.assert_close(got[keep], expected[keep], **TOL)  # the fast path may zero padded rows


def test_decoder_layer_equals_torch():
    torch.manual_seed(0)
    theirs = nn.TransformerDecoderLayer(16, 4, 32, dropout=0.0, batch_first=True).eval()
    ours = T.DecoderLayer(16, 4, 32, dropout=0.0).eval()
    T.copy_layer(ours, theirs)
    x, memory = rand(2, 5, 16, seed=1), rand(2, 7, 16, seed=2)
    keep = torch.tensor([[True] * 7, [True] * 4 + [False] * 3])
    with torch.no_grad():
        expected = theirs(x, memory, tgt_mask=nn.Transformer.generate_square_subsequent_mask(5),
                          memory_key_padding_mask=~keep)
        got = ours(x, memory, keep[:, None, None, :])
    torch.testing.assert_close(got, expected, **TOL)


def test_decoder_layer_does_not_see_the_future():
    layer = T.DecoderLayer(8, 2, 16, dropout=0.0).eval()
    x, memory = rand(1, 5, 8, seed=1), rand(1, 3, 8, seed=2)
    changed = x.clone()
    changed[:, 3:] += 1
    with torch.no_grad():
        torch.testing.assert_close(layer(x, memory)[:, :3], layer(changed, memory)[:, :3], **TOL)
        assert not torch.allclose(layer(x, memory, causal=False)[:, :3], layer(changed, memory, causal=False)[:, :3])


def test_sinusoid_table():
    table = T.sinusoid_table(50, 6)
    for pos in (0, 7, 49):
        for j in range(6):
            angle = pos / 10000 ** (2 * (j // 2) / 6)
            assert table[pos, j].item() == pytest.approx(math.sin(angle) if j % 2 == 0 else math.cos(angle), abs=1e-6)
    assert T.sinusoid_table(4, 5).shape == (4, 5)


def test_encoder_equals_torch_encoder_and_positions_are_frozen():
    torch.manual_seed(0)
    ours = T.Encoder(30, 16, 4, 32, n_layers=2, max_len=10, dropout=0.0).eval()
    assert not ours.embeddings.pos_enc.weight.requires_grad
    assert ours.layers[0].ff.linear1.weight is not ours.layers[1].ff.linear1.weight
    theirs = nn.TransformerEncoder(nn.TransformerEncoderLayer(16, 4, 32, dropout=0.0, batch_first=True), 2,
                                   enable_nested_tensor=False).eval()
    for mine, torch_layer in zip(ours.layers, theirs.layers):
        T.copy_layer(mine, torch_layer)
    tokens = torch.tensor([[3, 4, 5, 6], [7, 8, 0, 0]])
    with torch.no_grad():
        x = ours.embeddings.embed(tokens) * 4 + T.sinusoid_table(4, 16)
        expected = theirs(x, src_key_padding_mask=tokens == 0)
        got = ours(tokens, T.padding_mask(tokens))
    keep = tokens != 0
    torch.testing.assert_close(got[keep], expected[keep], **TOL)


def test_bert_options():
    model = T.Encoder(30, 16, 4, 32, n_layers=1, max_len=10, activation="gelu", eps=1e-12, positions="learned",
                      n_token_types=2, embed_norm=True, scale_embedding=False)
    assert model.embeddings.pos_enc.weight.requires_grad and model.embeddings.norm.eps == 1e-12
    assert model.layers[0].norm1.eps == 1e-12 and model.layers[0].ff.activation is F.gelu
    assert model(torch.tensor([[1, 2, 3]]), token_types=torch.tensor([[0, 0, 1]])).shape == (1, 3, 16)
