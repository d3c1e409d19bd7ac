"""Plausible wrong answers to lecture 05's exercises (see tests/test_wrong_answers.py).

Not wrong, so not here: `optimizer.zero_grad(set_to_none=True)` or `model.zero_grad()`, `loss.item()` or
`float(loss)`, a vocabulary built with `dict.setdefault` or with a stable sort on the counts alone, a loss
averaged with weights by batch size (the check's batches have one size).
Exercise 2 defines two functions and the trials run one after the other, so each trial defines both.

Each exercise has one template of the right answer (`answer_template.answer`); mistakes that rewrite the answer
are written out.
"""


from answer_template import answer

# Exercise 1
ALL_KEPT = '{w: i for i, w in enumerate(["<pad>", "<unk>", *kept])}'
vocab = answer("""
def build_vocab(token_lists, min_freq, max_size=None):
    counts = {counts}
    kept = {kept}
    return {vocab}""", counts="Counter(t for tokens in token_lists for t in tokens)",
               kept="[w for w, n in counts.most_common() if n >= min_freq]",
               vocab='{w: i for i, w in enumerate(["<pad>", "<unk>", *kept][:max_size])}')

# Exercise 2: both functions in one trial.
collate_and_pack = answer("""
def collate(batch, pad_index=0):
    {sequences}
    ids = {ids}
    return ids, {lengths}, {labels}


def pack(embedded, lengths):
    {pack}""", sequences="sequences = [ids for ids, _ in batch]",
                          ids="pad_sequence(sequences, batch_first=True, padding_value=pad_index)",
                          lengths="torch.tensor([len(s) for s in sequences])",
                          labels="torch.tensor([y for _, y in batch])",
                          pack="return pack_padded_sequence(embedded, lengths, batch_first=True, enforce_sorted=False)")

# Exercise 3
lstm = answer("""
def lstm_cell(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh):
    {gates}
    {cell}
    return {out}""", gates="i, f, g, o = (x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh).chunk(4, dim=1)",
              cell="c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)",
              out="torch.sigmoid(o) * torch.tanh(c), c")

# Exercise 4
gru = answer("""
def gru_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    {from_x}
    {from_h}
    {gates}
    {update}""", from_x="r_x, z_x, n_x = (x @ weight_ih.T + bias_ih).chunk(3, dim=1)",
             from_h="r_h, z_h, n_h = (h @ weight_hh.T + bias_hh).chunk(3, dim=1)",
             gates="r, z = torch.sigmoid(r_x + r_h), torch.sigmoid(z_x + z_h)",
             update="return (1 - z) * torch.tanh(n_x + r * n_h) + z * h")

# Exercise 5
CLIP = "nn.utils.clip_grad_norm_(model.parameters(), max_norm)"
NORM = "torch.cat([p.grad.flatten() for p in model.parameters()]).norm()"  # the norm, measured without clipping
train_epoch = answer("""
def train_epoch(model, batches, optimizer, max_norm):
    {train}
    {start}
    for ids, lengths, labels in batches:
        {zero}
        loss = F.cross_entropy(model(ids, lengths), labels)
        loss.backward()
        {clip}
        {step}
        {record}
    return {result}""", train="model.train()", start="losses, norms = [], []", zero="optimizer.zero_grad()",
                     clip=f"norms.append({CLIP}.item())", step="optimizer.step()", record="losses.append(loss.item())",
                     result="sum(losses) / len(losses), norms")

WRONG = {
    "Exercise 1 (build_vocab)": [
        ("calls the course's function with the rule it needs", """
def build_vocab(token_lists, min_freq, max_size=None):
    return text.build_vocab(token_lists, min_freq, max_size, ties="first seen")""",
         r"calls the course's text\.build_vocab.*count the tokens yourself"),
        ("imports the course's function under another name", """
from utils.text import build_vocab as course_build_vocab


def build_vocab(token_lists, min_freq, max_size=None):
    return course_build_vocab(token_lists, min_freq, max_size, ties="first seen")""",
         r"calls the course's text\.build_vocab.*count the tokens yourself"),
        ("reaches the course's function through a helper", """
def _vocabulary(*args, **kwargs):
    from utils import text as course_text
    return course_text.build_vocab(*args, **kwargs, ties="first seen")


def build_vocab(token_lists, min_freq, max_size=None):
    return _vocabulary(token_lists, min_freq, max_size)""",
         r"reaches the course's text\.build_vocab.*count the tokens yourself"),
        ("> instead of >=", vocab(kept="[w for w, n in counts.most_common() if n > min_freq]"),
         r"exactly min_freq.*>=, not >"),
        ("counts texts, not tokens", vocab(counts="Counter(t for tokens in token_lists for t in set(tokens))"),
         r"count tokens, not the number of texts"),
        ("forgets the special tokens", vocab(vocab="{w: i for i, w in enumerate(kept[:max_size])}"),
         r"<pad> has index None.*special tokens first"),
        ("special tokens last", vocab(vocab='{w: i for i, w in enumerate([*kept, "<pad>", "<unk>"][:max_size])}'),
         r"expected 0 and 1.*special tokens first"),
        ("calls the course's text.build_vocab with its default rule", """
def build_vocab(token_lists, min_freq, max_size=None):
    vocab = text.build_vocab(token_lists, min_freq)
    return dict(list(vocab.items())[:max_size])""", r"calls the course's text\.build_vocab.*count the tokens yourself"),
        ("ties in alphabetical order", vocab(
            kept="sorted((w for w, n in counts.items() if n >= min_freq), key=lambda w: (-counts[w], w))"),
         r"alphabetical order.*first appear"),
        ("sorted alphabetically only", vocab(kept="sorted(w for w, n in counts.items() if n >= min_freq)"),
         r"most frequent first"),
        ("indices from torch.arange", """
def build_vocab(token_lists, min_freq, max_size=None):
    counts = Counter(t for tokens in token_lists for t in tokens)
    words = ["<pad>", "<unk>", *[w for w, n in counts.most_common() if n >= min_freq]][:max_size]
    return dict(zip(words, torch.arange(len(words))))""", r"indices are of type Tensor: use Python ints"),
        ("counts in a Counter shared by every call", """
COUNTS = Counter()


def build_vocab(token_lists, min_freq, max_size=None):
    COUNTS.update(t for tokens in token_lists for t in tokens)
    kept = [w for w, n in COUNTS.most_common() if n >= min_freq]
    return {w: i for i, w in enumerate(["<pad>", "<unk>", *kept][:max_size])}""", r"every call counts afresh"),
        ("drops the rare tokens from the texts", vocab(counts="""Counter(t for tokens in token_lists for t in tokens)
    for tokens in token_lists:
        tokens[:] = [t for t in tokens if counts[t] >= min_freq]  # the rare ones are <unk> anyway"""),
         r"changed the token lists it was given"),
        ("max_size words besides the special tokens", vocab(
            kept="[w for w, n in counts.most_common() if n >= min_freq][:max_size]", vocab=ALL_KEPT),
         r"max_size counts every entry, <pad> and <unk>"),
        ("ignores max_size", vocab(vocab=ALL_KEPT), r"still has all 7 entries"),
        ("caps the words in order of first appearance", vocab(kept="""[w for w in counts if counts[w] >= min_freq]
    if max_size is not None:
        kept = kept[:max_size - 2]  # the cap first, then most frequent first
    kept.sort(key=lambda w: -counts[w])""", vocab=ALL_KEPT), r"min_freq = 3, max_size = 12"),
    ],
    "Exercise 2 (collate_and_pack)": [
        ("time-first padding", collate_and_pack(ids="pad_sequence(sequences, padding_value=pad_index)"),
         r"shape \(5, 3\), time first.*batch_first=True"),
        ("pads with 0, not pad_index", collate_and_pack(ids="pad_sequence(sequences, batch_first=True)"),
         r"padding is 0, expected pad_index = 3"),
        ("lengths after padding", collate_and_pack(lengths="torch.tensor([len(row) for row in ids])"),
         r"lengths are all 5.*true length"),
        ("float labels", collate_and_pack(labels="torch.tensor([float(y) for _, y in batch])"),
         r"dtype torch\.float32, expected torch\.int64"),
        ("sorts the batch by length", collate_and_pack(
            sequences="""batch = sorted(batch, key=lambda pair: -len(pair[0]))
    sequences = [ids for ids, _ in batch]"""), r"the first token of each text"),
        ("packs without enforce_sorted=False",
         collate_and_pack(pack="return pack_padded_sequence(embedded, lengths, batch_first=True)"),
         r"pass enforce_sorted=False"),
        ("lengths as a Python list", collate_and_pack(lengths="[len(s) for s in sequences]"),
         r"lengths is a list, expected a tensor"),
        ("sorts the batch in place", collate_and_pack(
            sequences="""batch.sort(key=lambda pair: len(pair[0]), reverse=True)  # longest first, for packing
    sequences = [ids for ids, _ in batch]"""), r"collate changed the batch it was given"),
        ("detaches the embedded batch", collate_and_pack(
            pack="return pack_padded_sequence(embedded.detach(), lengths, batch_first=True, enforce_sorted=False)"),
         r"no gradient reaches the embedding"),
        ("sorts the batch itself before packing", collate_and_pack(
            pack="""order = lengths.argsort(descending=True)  # pack_padded_sequence wants the longest text first
    return pack_padded_sequence(embedded[order], lengths[order], batch_first=True)"""),
         r"sorted by length, so the LSTM's results come back in that order"),
    ],
    "Exercise 3 (lstm_cell)": [
        ("gates read i, f, o, g", lstm(
            gates="i, f, o, g = (x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh).chunk(4, dim=1)"),
         r"order i, f, o, g.*i, f, g, o"),
        ("forgets bias_hh", lstm(gates="i, f, g, o = (x @ weight_ih.T + bias_ih + h @ weight_hh.T).chunk(4, dim=1)"),
         r"bias_hh is missing"),
        ("sigmoid candidate", lstm(
            gates="i, f, g, o = torch.sigmoid(x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh).chunk(4, dim=1)",
            cell="c = f * c + i * g", out="o * torch.tanh(c), c"), r"candidate g uses a sigmoid"),
        ("h = o * c", lstm(out="torch.sigmoid(o) * c, c"), r"o \* tanh\(c\)"),
        ("untransposed weights", lstm(
            gates="i, f, g, o = (x @ weight_ih + bias_ih + h @ weight_hh + bias_hh).chunk(4, dim=1)"),
         r"weight_ih is 4H x D.*weight_ih\.T"),
        ("forgets the input gate", lstm(cell="c = torch.sigmoid(f) * c + torch.tanh(g)"),
         r"c_new, against nn\.LSTMCell.*f \* c_prev \+ i \* g"),
        ("gates summed in a float32 buffer", lstm(gates="""gates = torch.zeros(x.shape[0], weight_ih.shape[0])
    gates += x @ weight_ih.T + bias_ih
    gates += h @ weight_hh.T + bias_hh
    i, f, g, o = gates.chunk(4, dim=1)"""), r"float32 rounding"),
        ("updates c in place", lstm(cell="c.mul_(torch.sigmoid(f)).add_(torch.sigmoid(i) * torch.tanh(g))"),
         r"changed its input c in place"),
        ("adds bias_ih twice", lstm(
            gates="i, f, g, o = (x @ weight_ih.T + h @ weight_hh.T + 2 * bias_ih).chunk(4, dim=1)"),
         r"bias_ih is added twice"),
        ("returns c in float32", lstm(cell="c = (torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)).float()"),
         r"expected torch\.float64, the inputs'"),
        ("returns (c, h)", lstm(out="c, torch.sigmoid(o) * torch.tanh(c)"), r"the pair is \(c_new, h_new\)"),
    ],
    "Exercise 4 (gru_cell)": [
        ("blocks read z, r, n", gru(from_x="z_x, r_x, n_x = (x @ weight_ih.T + bias_ih).chunk(3, dim=1)",
                                    from_h="z_h, r_h, n_h = (h @ weight_hh.T + bias_hh).chunk(3, dim=1)"),
         r"order z, r, n.*r, z, n"),
        ("reset gate outside the bias b_hn", gru(
            update="""W_hn, b_hn = weight_hh[2 * h.shape[1]:], bias_hh[2 * h.shape[1]:]
    n = torch.tanh(n_x + r * (h @ W_hn.T) + b_hn)
    return (1 - z) * n + z * h"""), r"multiplies W_hn h but not b_hn"),
        ("update reversed", gru(update="""n = torch.tanh(n_x + r * n_h)
    return z * n + (1 - z) * h  # the form on the slide"""), r"update is reversed.*\(1 - z\) \* n \+ z \* h"),
        ("sigmoid and tanh swapped", gru(gates="r, z = torch.tanh(r_x + r_h), torch.tanh(z_x + z_h)",
                                         update="return (1 - z) * torch.sigmoid(n_x + r * n_h) + z * h"),
         r"sigmoid and tanh are swapped"),
        ("b_hn dropped", gru(update="""H = h.shape[1]
    n = torch.tanh(n_x + r * (h @ weight_hh[2 * H:].T))
    return (1 - z) * n + z * h"""), r"b_hn is missing"),
        ("reset before the matrix", gru(update="""H = h.shape[1]
    n = torch.tanh(n_x + (r * h) @ weight_hh[2 * H:].T + bias_hh[2 * H:])  # Cho et al.'s form
    return (1 - z) * n + z * h"""), r"multiplies h before the matrix"),
        ("reset on the input's part", gru(update="""n = torch.tanh(r * n_x + n_h)
    return (1 - z) * n + z * h"""), r"multiplies the input's part"),
        ("untransposed weights", gru(from_x="r_x, z_x, n_x = (x @ weight_ih + bias_ih).chunk(3, dim=1)",
                                     from_h="r_h, z_h, n_h = (h @ weight_hh + bias_hh).chunk(3, dim=1)"),
         r"weight_ih is 3H x D.*weight_ih\.T"),
        ("updates h in place", gru(update="""n = torch.tanh(n_x + r * n_h)
    h.mul_(z).add_((1 - z) * n)
    return h"""), r"changed its input h in place"),
        ("float32 buffer", gru(update="""out = torch.zeros(h.shape)
    out += (1 - z) * torch.tanh(n_x + r * n_h) + z * h
    return out"""), r"float32 rounding|expected torch\.float64"),
    ],
    "Exercise 5 (train_epoch)": [
        ("no clipping", train_epoch(clip=f"norms.append({NORM}.item())"), r"not clipped to max_norm"),
        ("clips after the step", train_epoch(clip="optimizer.step()", step=f"norms.append({CLIP}.item())"),
         r"not clipped to max_norm.*before optimizer\.step\(\)"),
        ("never zeroes the gradients", train_epoch(zero=""), r"piled up.*zero_grad\(\)"),
        ("zeroes once before the loop", train_epoch(start="optimizer.zero_grad()\n    losses, norms = [], []", zero=""),
         r"cleared once, before the loop"),
        ("zeroes after the step", train_epoch(
            zero="", step="optimizer.step()\n        optimizer.zero_grad()  # ready for the next batch"),
         r"left by an earlier step.*not after the step"),
        ("forgets model.train()", train_epoch(train=""), r"eval mode.*model\.train\(\)"),
        ("returns the mean loss as a tensor", train_epoch(record="losses.append(loss)"),
         r"loss returned is a Tensor.*keeps its graph"),
        ("norms as tensors", train_epoch(clip=f"norms.append({CLIP})"), r"norms are of type Tensor"),
        ("loss summed, not averaged", train_epoch(start="total, norms = 0.0, []", record="total += loss.item()",
                                                  result="total, norms"),
         r"sum of the batches' losses: return their mean"),
        ("returns the last batch's loss", train_epoch(start="norms = []", record="", result="loss.item(), norms"),
         r"the last batch's: return the mean"),
        ("returns the norms after clipping", train_epoch(clip=f"{CLIP}\n        norms.append({NORM}.item())"),
         r"norms after clipping.*before clipping"),
        ("clips each entry", train_epoch(
            clip=f"norms.append({NORM}.item())\n        nn.utils.clip_grad_value_(model.parameters(), max_norm)"),
         r"clip_grad_value_ clips each entry"),
        ("counts the batches with len()", train_epoch(start="total, norms = 0.0, []", record="total += loss.item()",
                                                      result="total / len(batches), norms"),
         r"TypeError|len\(\)"),
    ],
}
