"""Plausible wrong answers to lecture 06's exercises (see tests/test_wrong_answers.py)."""

from answer_template import answer

SDPA = """
def scaled_dot_product_attention(q, k, v, mask=None):
    scores = {scores}
    if mask is not None:
        scores = {masking}
    weights = scores.softmax(dim={dim})
    return {result}"""
RIGHT = dict(scores="q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])",
             masking='scores.masked_fill(~mask, float("-inf"))', dim=-1, result="weights @ v, weights")


sdpa = answer(SDPA, **RIGHT)


MHA = """
class MultiHeadAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        self.n_heads, self.d_head = n_heads, d_model // n_heads
        self.q_proj, self.k_proj = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)
        self.v_proj, self.out_proj = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)

    def forward(self, query, key, value, mask=None):
        B, L_q, L_k = query.shape[0], query.shape[1], key.shape[1]
        q = {split_q}
        k = {split_k}
        v = {split_v}
        {attend}
        out = {merge}
        return {result}"""
MHA_RIGHT = dict(split_q="self.q_proj(query).view(B, L_q, self.n_heads, self.d_head).transpose(1, 2)",
                 split_k="self.k_proj(key).view(B, L_k, self.n_heads, self.d_head).transpose(1, 2)",
                 split_v="self.v_proj(value).view(B, L_k, self.n_heads, self.d_head).transpose(1, 2)",
                 attend="out, weights = transformer.scaled_dot_product_attention(q, k, v, mask)",
                 merge="out.transpose(1, 2).reshape(B, L_q, -1)", result="self.out_proj(out), weights")


mha = answer(MHA, **MHA_RIGHT)


FF = """
class PositionwiseFeedForward(nn.Module):
    def __init__(self, d_model, d_ff):
        super().__init__()
        self.conv1 = nn.Conv1d(d_model, d_ff, kernel_size=1)
        self.conv2 = nn.Conv1d(d_ff, d_model, kernel_size=1)

    def forward(self, x):
        {body}"""

ENC_LAYER = """
class EncoderLayer(nn.Module):
    def __init__(self, d_model, n_heads, d_ff):
        super().__init__()
        self.self_attn = transformer.MultiHeadAttention(d_model, n_heads)
        self.ff = transformer.FeedForward(d_model, d_ff)
        self.norm1, self.norm2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)

    def forward(self, x, mask=None):
        {body}"""

FREQ = "frequency = 10000.0 ** (-torch.arange(0, d_model, 2, dtype=torch.float64) / d_model)\n    "
PE = """
def sinusoid_table(n_positions, d_model):
    position = torch.arange(n_positions, dtype=torch.float64)[:, None]
    {body}"""
PE_RIGHT_BODY = FREQ + """
    table = torch.zeros(n_positions, d_model, dtype=torch.float64)
    table[:, 0::2] = torch.sin(position * frequency)
    table[:, 1::2] = torch.cos(position * frequency)
    return table.float()"""

ENCODER = """
class Encoder(nn.Module):
    def __init__(self, vocab_size, d_model, n_heads, d_ff, n_layers, max_len):
        super().__init__()
        self.d_model = d_model
        self.embed = {embedding}
        self.pos_enc = {pos_enc}
        self.layers = {layers}

    def forward(self, tokens, mask=None):
        positions = {positions}
        x = {embed}
        for layer in {loop}:
            x = layer(x, {mask})
        return x"""
ENCODER_RIGHT = dict(
    embedding="nn.Embedding(vocab_size, d_model, padding_idx=0)",
    pos_enc="nn.Embedding.from_pretrained(transformer.sinusoid_table(max_len, d_model), freeze=True)",
    layers="nn.ModuleList([transformer.EncoderLayer(d_model, n_heads, d_ff, dropout=0.0) for _ in range(n_layers)])",
    positions="torch.arange(tokens.shape[1], device=tokens.device)",
    embed="self.embed(tokens) * math.sqrt(self.d_model) + self.pos_enc(positions)", loop="self.layers", mask="mask")


encoder = answer(ENCODER, **ENCODER_RIGHT)


DECODER = """
class DecoderLayer(nn.Module):
    def __init__(self, d_model, n_heads, d_ff):
        super().__init__()
        self.self_attn = transformer.MultiHeadAttention(d_model, n_heads)
        self.cross_attn = transformer.MultiHeadAttention(d_model, n_heads)
        self.ff = transformer.FeedForward(d_model, d_ff)
        self.norm1, self.norm2, self.norm3 = nn.LayerNorm(d_model), nn.LayerNorm(d_model), nn.LayerNorm(d_model)

    def forward(self, x, memory, memory_mask=None):
        causal = {causal}
        x = {first}
        x = {norm2}(x + {cross})
        return {norm3}(x + self.ff(x))"""
DECODER_RIGHT = dict(causal="transformer.causal_mask(x.shape[1], x.device)",
                     first="self.norm1(x + self.self_attn(x, x, x, causal))",
                     cross="self.cross_attn(x, memory, memory, memory_mask)", norm2="self.norm2", norm3="self.norm3")


decoder = answer(DECODER, **DECODER_RIGHT)


WRONG = {
    "Exercise 1 (scaled_dot_product_attention)": [
        ("forgets the 1/√d scale", sdpa(scores="q @ k.transpose(-2, -1)"), r"without the 1/√d_k scale"),
        ("divides by d, not √d", sdpa(scores="q @ k.transpose(-2, -1) / q.shape[-1]"),
         r"divided by d_k instead of √d_k"),
        ("masks with 0 instead of -inf", sdpa(masking="scores.masked_fill(~mask, 0.0)"),
         r"masked key still gets weight.*-inf"),
        ("softmax over the queries", sdpa(dim=-2), r"over the queries.*dim=-1"),
        ("masks the weights after the softmax", """
def scaled_dot_product_attention(q, k, v, mask=None):
    weights = (q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])).softmax(dim=-1)
    if mask is not None:
        weights = weights * mask
    return weights @ v, weights""", r"do not sum to 1 over the keys: mask the scores, then take the softmax"),
        ("transposes the wrong dims of k", sdpa(scores="q @ k.transpose(-3, -1) / math.sqrt(q.shape[-1])"),
         r"raised RuntimeError"),
        # the scale taken from the values: d_v differs from d_k in the check
        ("scales by √d_v", sdpa(scores="q @ k.transpose(-2, -1) / math.sqrt(v.shape[-1])"), r"divided by √d_v"),
        ("returns the output only", sdpa(result="weights @ v"), r"return the two tensors \(output, weights\)"),
        ("returns (weights, output)", sdpa(result="weights, weights @ v"),
         r"output and the weights are swapped: return \(output, weights\)"),
        ("divides q in place", """
def scaled_dot_product_attention(q, k, v, mask=None):
    q /= math.sqrt(q.shape[-1])
    scores = q @ k.transpose(-2, -1)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = scores.softmax(dim=-1)
    return weights @ v, weights""", r"changed its argument q in place"),
        ("transposes dims 2 and 3 (4-D only)", sdpa(scores="q @ k.transpose(2, 3) / math.sqrt(q.shape[-1])"),
         r"fails on 3-D inputs.*k\.transpose\(-2, -1\)"),
        ("mask inverted", sdpa(masking='scores.masked_fill(mask, float("-inf"))'), r"mask (is )?inverted"),
    ],
    "Exercise 2 (MultiHeadAttention)": [
        ("heads split in the wrong order",
         mha(split_q="self.q_proj(query).view(B, self.n_heads, L_q, self.d_head)",
             split_k="self.k_proj(key).view(B, self.n_heads, L_k, self.d_head)",
             split_v="self.v_proj(value).view(B, self.n_heads, L_k, self.d_head)"),
         r"split each projection into heads.*view\(B, L, heads, d_head\)\.transpose\(1, 2\)"),
        ("scales by √d_model", mha(attend="out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, "
                                          "scale=1 / math.sqrt(q.shape[-1] * self.n_heads)); "
                                          "weights = ((q @ k.transpose(-2, -1)).masked_fill(~mask, float('-inf')) "
                                          "/ math.sqrt(q.shape[-1] * self.n_heads)).softmax(-1)"),
         r"scaled by √d_model.*√d_head"),
        ("forgets out_proj", mha(result="out, weights"), r"without out_proj"),
        ("k projection on the query", mha(split_k="self.k_proj(query).view(B, L_q, self.n_heads, self.d_head)"
                                                  ".transpose(1, 2)"),
         r"keys and values come from key and value"),
        # key and value are different tensors in the check: projecting the wrong one shows
        ("keys projected from value", mha(split_k="self.k_proj(value).view(B, L_k, self.n_heads, self.d_head)"
                                                  ".transpose(1, 2)"), r"keys are projected from value"),
        ("values projected from key", mha(split_v="self.v_proj(key).view(B, L_k, self.n_heads, self.d_head)"
                                                  ".transpose(1, 2)"), r"values are projected from key"),
        ("features cut as (d_head, heads)",
         mha(split_q="self.q_proj(query).view(B, L_q, self.d_head, self.n_heads).permute(0, 3, 1, 2)",
             split_k="self.k_proj(key).view(B, L_k, self.d_head, self.n_heads).permute(0, 3, 1, 2)",
             split_v="self.v_proj(value).view(B, L_k, self.d_head, self.n_heads).permute(0, 3, 1, 2)"),
         r"split each projection into heads with \.view\(B, L, heads, d_head\)"),
        ("heads put back without the transpose", mha(merge="out.reshape(B, L_q, -1)"),
         r"heads are put back without moving them after the positions"),
        ("returns the output only", mha(result="self.out_proj(out)"), r"return the two tensors \(output, weights\)"),
        ("ignores the mask", mha(attend="out, weights = transformer.scaled_dot_product_attention(q, k, v)"),
         r"padding keys get weight: pass the mask"),
        ("mask required", mha(attend="out, weights = transformer.scaled_dot_product_attention(q, k, v, "
                                     "mask.expand(B, self.n_heads, L_q, L_k))"),
         r"with mask=None .* raised AttributeError"),
    ],
    "Exercise 3 (PositionwiseFeedForward)": [
        ("forgets to transpose", FF.format(body="return self.conv2(F.relu(self.conv1(x)))"),
         r"Conv1d reads the features in dimension 1"),
        ("no ReLU", FF.format(body="return self.conv2(self.conv1(x.transpose(1, 2))).transpose(1, 2)"),
         r"the block is linear: apply a ReLU"),
        ("ReLU after the second layer too",
         FF.format(body="return F.relu(self.conv2(F.relu(self.conv1(x.transpose(1, 2))))).transpose(1, 2)"),
         r"no negative value: no ReLU after the second layer"),
        ("does not transpose back", FF.format(body="return self.conv2(F.relu(self.conv1(x.transpose(1, 2))))"),
         r"shape \(3, 16, 7\), expected \(B, L, d\).*transpose back"),
        ("transposes x in place", FF.format(body="""x.transpose_(1, 2)
        return self.conv2(F.relu(self.conv1(x))).transpose(1, 2)"""), r"changed its input x in place"),
        ("view instead of transpose", FF.format(body="""B, L, d = x.shape
        return self.conv2(F.relu(self.conv1(x.view(B, d, L)))).view(B, L, d)"""),
         r"view or reshape .* reorders the numbers.*transpose"),
        ("reshaped back instead of transposed",
         FF.format(body="return self.conv2(F.relu(self.conv1(x.transpose(1, 2)))).reshape(x.shape)"),
         r"mixed up on the way back.*transpose back"),
        ("GELU instead of ReLU",
         FF.format(body="return self.conv2(F.gelu(self.conv1(x.transpose(1, 2)))).transpose(1, 2)"),
         r"activation is not a ReLU"),
    ],
    "Exercise 4 (EncoderLayer)": [
        ("pre-norm", ENC_LAYER.format(body="""h = self.norm1(x)
        x = x + self.self_attn(h, h, h, mask)
        return x + self.ff(self.norm2(x))"""), r"pre-norm.*post-norm"),
        ("no residual around attention", ENC_LAYER.format(body="""x = self.norm1(self.self_attn(x, x, x, mask))
        return self.norm2(x + self.ff(x))"""), r"no residual connection around self-attention"),
        ("residual around the wrong block", ENC_LAYER.format(body="""h = self.norm1(x + self.self_attn(x, x, x, mask))
        return self.norm2(x + self.ff(h))"""), r"second residual adds the layer's input"),
        ("no residual around feed-forward", ENC_LAYER.format(body="""x = self.norm1(x + self.self_attn(x, x, x, mask))
        return self.norm2(self.ff(x))"""), r"no residual connection around the feed-forward"),
        ("ignores the mask", ENC_LAYER.format(body="""x = self.norm1(x + self.self_attn(x, x, x))
        return self.norm2(x + self.ff(x))"""), r"padding is not hidden"),
        # identical fresh LayerNorms hid these: the check randomises every weight first
        ("LayerNorms swapped", ENC_LAYER.format(body="""x = self.norm2(x + self.self_attn(x, x, x, mask))
        return self.norm1(x + self.ff(x))"""), r"two LayerNorms are swapped"),
        ("norm1 used twice", ENC_LAYER.format(body="""x = self.norm1(x + self.self_attn(x, x, x, mask))
        return self.norm1(x + self.ff(x))"""), r"norm1 is used twice"),
        ("feed-forward on the layer's input", ENC_LAYER.format(body="""h = self.norm1(x + self.self_attn(x, x, x, mask))
        return self.norm2(h + self.ff(x))"""), r"feed-forward block reads the layer's input x"),
        ("residual added in place", ENC_LAYER.format(body="""x += self.self_attn(x, x, x, mask)
        x = self.norm1(x)
        return self.norm2(x + self.ff(x))"""), r"changed its input x in place"),
    ],
    "Exercise 5 (sinusoid_table)": [
        ("sin and cos swapped", PE.format(body=FREQ + """
    table = torch.zeros(n_positions, d_model, dtype=torch.float64)
    table[:, 0::2] = torch.cos(position * frequency)
    table[:, 1::2] = torch.sin(position * frequency)
    return table.float()"""), r"sin and cos are swapped"),
        ("sines first, then cosines", PE.format(body=FREQ + """
    return torch.cat([torch.sin(position * frequency), torch.cos(position * frequency)], dim=1).float()"""),
         r"interleave sin and cos"),
        ("exponent j/d with the column j", PE.format(body="""j = torch.arange(d_model, dtype=torch.float64)
    angle = position / 10000.0 ** (j / d_model)
    table = torch.where(j % 2 == 0, torch.sin(angle), torch.cos(angle))
    return table.float()"""), r"column 1 at position 1 .* share the\s+frequency"),
        ("exponent i/d without the 2", PE.format(body="""frequency = 10000.0 ** -(torch.arange(d_model // 2) / d_model)
    table = torch.zeros(n_positions, d_model, dtype=torch.float64)
    table[:, 0::2] = torch.sin(position * frequency)
    table[:, 1::2] = torch.cos(position * frequency)
    return table.float()"""), r"column 2 at position 1 is .*expected sin\(1 / 10000\^\(2/16\)\)"),
        ("float64 table", PE.format(body=FREQ + """
    table = torch.zeros(n_positions, d_model, dtype=torch.float64)
    table[:, 0::2] = torch.sin(position * frequency)
    table[:, 1::2] = torch.cos(position * frequency)
    return table"""), r"dtype is torch\.float64, expected torch\.float32"),
        ("a NumPy table", """
def sinusoid_table(n_positions, d_model):
    import numpy as np
    position = np.arange(n_positions)[:, None]
    frequency = 10000.0 ** (-np.arange(0, d_model, 2) / d_model)
    table = np.zeros((n_positions, d_model), dtype=np.float32)
    table[:, 0::2] = np.sin(position * frequency)
    table[:, 1::2] = np.cos(position * frequency)
    return table""", r"returned ndarray: return a torch\.Tensor"),
        ("positions from 1", PE.format(body=PE_RIGHT_BODY).replace(
            "torch.arange(n_positions, dtype=torch.float64)", "torch.arange(1, n_positions + 1, dtype=torch.float64)"),
         r"column 0 at position 0 is 0\.84147.*positions run from 0"),
        ("(d_model, n_positions) table", PE.format(body=PE_RIGHT_BODY).replace("return table.float()",
                                                                              "return table.T.float()"),
         r"has shape \(16, 60\), expected \(n_positions, d_model\) = \(60, 16\)"),
    ],
    "Exercise 6 (Encoder)": [
        ("one layer repeated", encoder(layers="nn.ModuleList([transformer.EncoderLayer(d_model, n_heads, d_ff, "
                                              "dropout=0.0)] * n_layers)"), r"one object repeated"),
        ("trainable positions", encoder(pos_enc="nn.Embedding.from_pretrained(transformer.sinusoid_table(max_len, "
                                                "d_model), freeze=False)"), r"trainable: use freeze=True"),
        ("plain Python list", encoder(layers="[transformer.EncoderLayer(d_model, n_heads, d_ff, dropout=0.0) "
                                             "for _ in range(n_layers)]"), r"not an nn\.ModuleList"),
        ("forgets √d", encoder(embed="self.embed(tokens) + self.pos_enc(positions)"), r"not multiplied by √d_model"),
        ("forgets the positions", encoder(embed="self.embed(tokens) * math.sqrt(self.d_model)"),
         r"positions are not added"),
        ("forgets the mask", encoder(mask="None"), r"padding is not hidden"),
        # attributes and devices the text names
        ("no padding_idx", encoder(embedding="nn.Embedding(vocab_size, d_model)"), r"padding_idx=None.*padding_idx=0"),
        ("layers with the default dropout", encoder(layers="nn.ModuleList([transformer.EncoderLayer(d_model, n_heads, "
                                                           "d_ff) for _ in range(n_layers)])"),
         r"dropout \[0\.1\]: build them with dropout=0\.0"),
        ("positions made on the CPU", encoder(positions="torch.arange(tokens.shape[1])"),
         r"positions are made on the CPU.*device=tokens\.device"),
        ("positions looked up with the token ids",
         encoder(embed="self.embed(tokens) * math.sqrt(self.d_model) + self.pos_enc(tokens)"),
         r"looked up with the token ids"),
        ("√d on the sum", encoder(embed="(self.embed(tokens) + self.pos_enc(positions)) * math.sqrt(self.d_model)"),
         r"√d_model multiplies the positions too"),
        ("layers in reverse order", encoder(loop="reversed(self.layers)"), r"layers run in reverse order"),
    ],
    "Exercise 7 (DecoderLayer)": [
        ("no causal mask", decoder(causal="None"), r"sees the future; apply the causal mask"),
        ("causal mask upside down", decoder(causal="transformer.causal_mask(x.shape[1], x.device).T"),
         r"tril, not triu"),
        ("cross-attention on x", decoder(cross="self.cross_attn(x, x, x)"), r"does not depend on memory"),
        ("queries from memory", decoder(cross="self.cross_attn(memory, x, x, memory_mask)"),
         r"in cross-attention the queries come from x"),
        ("forgets the memory mask", decoder(cross="self.cross_attn(x, memory, memory)"),
         r"source's padding is not hidden"),
        # identical fresh LayerNorms and one attention for two roles: the check randomises every weight first
        ("norm2 and norm3 swapped", decoder(norm2="self.norm3", norm3="self.norm2"),
         r"LayerNorms are not in their places \(yours: norm1, norm3, norm2\)"),
        ("norm1 everywhere", decoder(norm2="self.norm1", norm3="self.norm1"),
         r"LayerNorms are not in their places \(yours: norm1, norm1, norm1\)"),
        ("self_attn for the cross-attention", decoder(cross="self.self_attn(x, memory, memory, memory_mask)"),
         r"cross-attention uses self_attn's weights"),
        ("causal mask made on the CPU", decoder(causal="transformer.causal_mask(x.shape[1])"),
         r"causal mask on x's device"),
        ("causal mask on cross-attention too", decoder(cross="self.cross_attn(x, memory, memory, causal)"),
         r"causal mask is for self-attention only"),
        ("residual added in place", decoder(first="self.norm1(x.add_(self.self_attn(x, x, x, causal)))"),
         r"changed its argument x in place"),
    ],
}
