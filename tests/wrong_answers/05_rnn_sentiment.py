"""Plausible wrong answers to lecture 05's exercises (see tests/test_wrong_answers.py).

Not wrong, so not here: `optimizer.zero_grad(set_to_none=True)` or `model.zero_grad()`, `loss.item()` or
`float(loss)`, a vocabulary built with `dict.setdefault` or with a stable sort on the counts alone, a loss
averaged with weights by batch size (the check's batches have one size).
Exercise 2 defines two functions and the trials run one after the other, so each trial defines both.
"""

COLLATE = """
def collate(batch, pad_index=0):
    sequences = [ids for ids, _ in batch]
    ids = pad_sequence(sequences, batch_first=True, padding_value=pad_index)
    return ids, torch.tensor([len(s) for s in sequences]), torch.tensor([y for _, y in batch])
"""
PACK = """
def pack(embedded, lengths):
    return pack_padded_sequence(embedded, lengths, batch_first=True, enforce_sorted=False)
"""

GRU_OK = """
def gru_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    r_x, z_x, n_x = (x @ weight_ih.T + bias_ih).chunk(3, dim=1)
    r_h, z_h, n_h = (h @ weight_hh.T + bias_hh).chunk(3, dim=1)
    r, z = torch.sigmoid(r_x + r_h), torch.sigmoid(z_x + z_h)
"""

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
        ("> instead of >=", """
def build_vocab(token_lists, min_freq, max_size=None):
    counts = Counter(t for tokens in token_lists for t in tokens)
    kept = [w for w, n in counts.most_common() if n > min_freq]
    return {w: i for i, w in enumerate(["<pad>", "<unk>", *kept][:max_size])}""", r"exactly min_freq.*>=, not >"),
        ("counts texts, not tokens", """
def build_vocab(token_lists, min_freq, max_size=None):
    counts = Counter(t for tokens in token_lists for t in set(tokens))
    kept = [w for w, n in counts.most_common() if n >= min_freq]
    return {w: i for i, w in enumerate(["<pad>", "<unk>", *kept][:max_size])}""",
         r"count tokens, not the number of texts"),
        ("forgets the special tokens", """
def build_vocab(token_lists, min_freq, max_size=None):
    counts = Counter(t for tokens in token_lists for t in tokens)
    kept = [w for w, n in counts.most_common() if n >= min_freq]
    return {w: i for i, w in enumerate(kept[:max_size])}""", r"<pad> has index None.*special tokens first"),
        ("special tokens last", """
def build_vocab(token_lists, min_freq, max_size=None):
    counts = Counter(t for tokens in token_lists for t in tokens)
    kept = [w for w, n in counts.most_common() if n >= min_freq]
    return {w: i for i, w in enumerate([*kept, "<pad>", "<unk>"][:max_size])}""",
         r"expected 0 and 1.*special tokens first"),
        ("calls the course's text.build_vocab with its default rule", """
def build_vocab(token_lists, min_freq, max_size=None):
    vocab = text.build_vocab(token_lists, min_freq)
    return dict(list(vocab.items())[:max_size])""", r"calls the course's text\.build_vocab.*count the tokens yourself"),
        ("ties in alphabetical order", """
def build_vocab(token_lists, min_freq, max_size=None):
    counts = Counter(t for tokens in token_lists for t in tokens)
    kept = sorted((w for w, n in counts.items() if n >= min_freq), key=lambda w: (-counts[w], w))
    return {w: i for i, w in enumerate(["<pad>", "<unk>", *kept][:max_size])}""", r"alphabetical order.*first appear"),
        ("sorted alphabetically only", """
def build_vocab(token_lists, min_freq, max_size=None):
    counts = Counter(t for tokens in token_lists for t in tokens)
    kept = sorted(w for w, n in counts.items() if n >= min_freq)
    return {w: i for i, w in enumerate(["<pad>", "<unk>", *kept][:max_size])}""", r"most frequent first"),
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
        ("drops the rare tokens from the texts", """
def build_vocab(token_lists, min_freq, max_size=None):
    counts = Counter(t for tokens in token_lists for t in tokens)
    for tokens in token_lists:
        tokens[:] = [t for t in tokens if counts[t] >= min_freq]  # the rare ones are <unk> anyway
    kept = [w for w, n in counts.most_common() if n >= min_freq]
    return {w: i for i, w in enumerate(["<pad>", "<unk>", *kept][:max_size])}""",
         r"changed the token lists it was given"),
        ("max_size words besides the special tokens", """
def build_vocab(token_lists, min_freq, max_size=None):
    counts = Counter(t for tokens in token_lists for t in tokens)
    kept = [w for w, n in counts.most_common() if n >= min_freq][:max_size]
    return {w: i for i, w in enumerate(["<pad>", "<unk>", *kept])}""", r"max_size counts every entry, <pad> and <unk>"),
        ("ignores max_size", """
def build_vocab(token_lists, min_freq, max_size=None):
    counts = Counter(t for tokens in token_lists for t in tokens)
    kept = [w for w, n in counts.most_common() if n >= min_freq]
    return {w: i for i, w in enumerate(["<pad>", "<unk>", *kept])}""", r"still has all 7 entries"),
        ("caps the words in order of first appearance", """
def build_vocab(token_lists, min_freq, max_size=None):
    counts = Counter(t for tokens in token_lists for t in tokens)
    kept = [w for w in counts if counts[w] >= min_freq]
    if max_size is not None:
        kept = kept[:max_size - 2]  # the cap first, then most frequent first
    kept.sort(key=lambda w: -counts[w])
    return {w: i for i, w in enumerate(["<pad>", "<unk>", *kept])}""", r"min_freq = 3, max_size = 12"),
    ],
    "Exercise 2 (collate_and_pack)": [
        ("time-first padding", """
def collate(batch, pad_index=0):
    sequences = [ids for ids, _ in batch]
    ids = pad_sequence(sequences, padding_value=pad_index)
    return ids, torch.tensor([len(s) for s in sequences]), torch.tensor([y for _, y in batch])""" + PACK,
         r"shape \(5, 3\), time first.*batch_first=True"),
        ("pads with 0, not pad_index", """
def collate(batch, pad_index=0):
    sequences = [ids for ids, _ in batch]
    ids = pad_sequence(sequences, batch_first=True)
    return ids, torch.tensor([len(s) for s in sequences]), torch.tensor([y for _, y in batch])""" + PACK,
         r"padding is 0, expected pad_index = 3"),
        ("lengths after padding", """
def collate(batch, pad_index=0):
    sequences = [ids for ids, _ in batch]
    ids = pad_sequence(sequences, batch_first=True, padding_value=pad_index)
    return ids, torch.tensor([len(row) for row in ids]), torch.tensor([y for _, y in batch])""" + PACK,
         r"lengths are all 5.*true length"),
        ("float labels", """
def collate(batch, pad_index=0):
    sequences = [ids for ids, _ in batch]
    ids = pad_sequence(sequences, batch_first=True, padding_value=pad_index)
    return ids, torch.tensor([len(s) for s in sequences]), torch.tensor([float(y) for _, y in batch])""" + PACK,
         r"dtype torch\.float32, expected torch\.int64"),
        ("sorts the batch by length", """
def collate(batch, pad_index=0):
    batch = sorted(batch, key=lambda pair: -len(pair[0]))
    sequences = [ids for ids, _ in batch]
    ids = pad_sequence(sequences, batch_first=True, padding_value=pad_index)
    return ids, torch.tensor([len(s) for s in sequences]), torch.tensor([y for _, y in batch])""" + PACK,
         r"the first token of each text"),
        ("packs without enforce_sorted=False", COLLATE + """
def pack(embedded, lengths):
    return pack_padded_sequence(embedded, lengths, batch_first=True)""", r"pass enforce_sorted=False"),
        ("lengths as a Python list", """
def collate(batch, pad_index=0):
    sequences = [ids for ids, _ in batch]
    ids = pad_sequence(sequences, batch_first=True, padding_value=pad_index)
    return ids, [len(s) for s in sequences], torch.tensor([y for _, y in batch])""" + PACK,
         r"lengths is a list, expected a tensor"),
        ("sorts the batch in place", """
def collate(batch, pad_index=0):
    batch.sort(key=lambda pair: len(pair[0]), reverse=True)  # longest first, for packing
    sequences = [ids for ids, _ in batch]
    ids = pad_sequence(sequences, batch_first=True, padding_value=pad_index)
    return ids, torch.tensor([len(s) for s in sequences]), torch.tensor([y for _, y in batch])""" + PACK,
         r"collate changed the batch it was given"),
        ("detaches the embedded batch", COLLATE + """
def pack(embedded, lengths):
    return pack_padded_sequence(embedded.detach(), lengths, batch_first=True, enforce_sorted=False)""",
         r"no gradient reaches the embedding"),
        ("sorts the batch itself before packing", COLLATE + """
def pack(embedded, lengths):
    order = lengths.argsort(descending=True)  # pack_padded_sequence wants the longest text first
    return pack_padded_sequence(embedded[order], lengths[order], batch_first=True)""",
         r"sorted by length, so the LSTM's results come back in that order"),
    ],
    "Exercise 3 (lstm_cell)": [
        ("gates read i, f, o, g", """
def lstm_cell(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh):
    i, f, o, g = (x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh).chunk(4, dim=1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c""", r"order i, f, o, g.*i, f, g, o"),
        ("forgets bias_hh", """
def lstm_cell(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh):
    i, f, g, o = (x @ weight_ih.T + bias_ih + h @ weight_hh.T).chunk(4, dim=1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c""", r"bias_hh is missing"),
        ("sigmoid candidate", """
def lstm_cell(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh):
    i, f, g, o = torch.sigmoid(x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh).chunk(4, dim=1)
    c = f * c + i * g
    return o * torch.tanh(c), c""", r"candidate g uses a sigmoid"),
        ("h = o * c", """
def lstm_cell(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh):
    i, f, g, o = (x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh).chunk(4, dim=1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * c, c""", r"o \* tanh\(c\)"),
        ("untransposed weights", """
def lstm_cell(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh):
    i, f, g, o = (x @ weight_ih + bias_ih + h @ weight_hh + bias_hh).chunk(4, dim=1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c""", r"weight_ih is 4H x D.*weight_ih\.T"),
        ("forgets the input gate", """
def lstm_cell(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh):
    i, f, g, o = (x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh).chunk(4, dim=1)
    c = torch.sigmoid(f) * c + torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c""", r"c_new, against nn\.LSTMCell.*f \* c_prev \+ i \* g"),
        ("gates summed in a float32 buffer", """
def lstm_cell(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh):
    gates = torch.zeros(x.shape[0], weight_ih.shape[0])
    gates += x @ weight_ih.T + bias_ih
    gates += h @ weight_hh.T + bias_hh
    i, f, g, o = gates.chunk(4, dim=1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c""", r"float32 rounding"),
        ("updates c in place", """
def lstm_cell(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh):
    i, f, g, o = (x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh).chunk(4, dim=1)
    c.mul_(torch.sigmoid(f)).add_(torch.sigmoid(i) * torch.tanh(g))
    return torch.sigmoid(o) * torch.tanh(c), c""", r"changed its input c in place"),
        ("adds bias_ih twice", """
def lstm_cell(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh):
    i, f, g, o = (x @ weight_ih.T + h @ weight_hh.T + 2 * bias_ih).chunk(4, dim=1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c""", r"bias_ih is added twice"),
        ("returns c in float32", """
def lstm_cell(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh):
    i, f, g, o = (x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh).chunk(4, dim=1)
    c = (torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)).float()
    return torch.sigmoid(o) * torch.tanh(c), c""", r"expected torch\.float64, the inputs'"),
        ("returns (c, h)", """
def lstm_cell(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh):
    i, f, g, o = (x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh).chunk(4, dim=1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return c, torch.sigmoid(o) * torch.tanh(c)""", r"the pair is \(c_new, h_new\)"),
    ],
    "Exercise 4 (gru_cell)": [
        ("blocks read z, r, n", """
def gru_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    z_x, r_x, n_x = (x @ weight_ih.T + bias_ih).chunk(3, dim=1)
    z_h, r_h, n_h = (h @ weight_hh.T + bias_hh).chunk(3, dim=1)
    r, z = torch.sigmoid(r_x + r_h), torch.sigmoid(z_x + z_h)
    return (1 - z) * torch.tanh(n_x + r * n_h) + z * h""", r"order z, r, n.*r, z, n"),
        ("reset gate outside the bias b_hn", GRU_OK + """
    W_hn, b_hn = weight_hh[2 * h.shape[1]:], bias_hh[2 * h.shape[1]:]
    n = torch.tanh(n_x + r * (h @ W_hn.T) + b_hn)
    return (1 - z) * n + z * h""", r"multiplies W_hn h but not b_hn"),
        ("update reversed", GRU_OK + """
    n = torch.tanh(n_x + r * n_h)
    return z * n + (1 - z) * h  # the form on the slide""", r"update is reversed.*\(1 - z\) \* n \+ z \* h"),
        ("sigmoid and tanh swapped", """
def gru_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    r_x, z_x, n_x = (x @ weight_ih.T + bias_ih).chunk(3, dim=1)
    r_h, z_h, n_h = (h @ weight_hh.T + bias_hh).chunk(3, dim=1)
    r, z = torch.tanh(r_x + r_h), torch.tanh(z_x + z_h)
    return (1 - z) * torch.sigmoid(n_x + r * n_h) + z * h""", r"sigmoid and tanh are swapped"),
        ("b_hn dropped", GRU_OK + """
    H = h.shape[1]
    n = torch.tanh(n_x + r * (h @ weight_hh[2 * H:].T))
    return (1 - z) * n + z * h""", r"b_hn is missing"),
        ("reset before the matrix", GRU_OK + """
    H = h.shape[1]
    n = torch.tanh(n_x + (r * h) @ weight_hh[2 * H:].T + bias_hh[2 * H:])  # Cho et al.'s form
    return (1 - z) * n + z * h""", r"multiplies h before the matrix"),
        ("reset on the input's part", GRU_OK + """
    n = torch.tanh(r * n_x + n_h)
    return (1 - z) * n + z * h""", r"multiplies the input's part"),
        ("untransposed weights", """
def gru_cell(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    r_x, z_x, n_x = (x @ weight_ih + bias_ih).chunk(3, dim=1)
    r_h, z_h, n_h = (h @ weight_hh + bias_hh).chunk(3, dim=1)
    r, z = torch.sigmoid(r_x + r_h), torch.sigmoid(z_x + z_h)
    return (1 - z) * torch.tanh(n_x + r * n_h) + z * h""", r"weight_ih is 3H x D.*weight_ih\.T"),
        ("updates h in place", GRU_OK + """
    n = torch.tanh(n_x + r * n_h)
    h.mul_(z).add_((1 - z) * n)
    return h""", r"changed its input h in place"),
        ("float32 buffer", GRU_OK + """
    out = torch.zeros(h.shape)
    out += (1 - z) * torch.tanh(n_x + r * n_h) + z * h
    return out""", r"float32 rounding|expected torch\.float64"),
    ],
    "Exercise 5 (train_epoch)": [
        ("no clipping", """
def train_epoch(model, batches, optimizer, max_norm):
    model.train()
    losses, norms = [], []
    for ids, lengths, labels in batches:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(ids, lengths), labels)
        loss.backward()
        norms.append(torch.cat([p.grad.flatten() for p in model.parameters()]).norm().item())
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses), norms""", r"not clipped to max_norm"),
        ("clips after the step", """
def train_epoch(model, batches, optimizer, max_norm):
    model.train()
    losses, norms = [], []
    for ids, lengths, labels in batches:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(ids, lengths), labels)
        loss.backward()
        optimizer.step()
        norms.append(nn.utils.clip_grad_norm_(model.parameters(), max_norm).item())
        losses.append(loss.item())
    return sum(losses) / len(losses), norms""", r"not clipped to max_norm.*before optimizer\.step\(\)"),
        ("never zeroes the gradients", """
def train_epoch(model, batches, optimizer, max_norm):
    model.train()
    losses, norms = [], []
    for ids, lengths, labels in batches:
        loss = F.cross_entropy(model(ids, lengths), labels)
        loss.backward()
        norms.append(nn.utils.clip_grad_norm_(model.parameters(), max_norm).item())
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses), norms""", r"piled up.*zero_grad\(\)"),
        ("zeroes once before the loop", """
def train_epoch(model, batches, optimizer, max_norm):
    model.train()
    optimizer.zero_grad()
    losses, norms = [], []
    for ids, lengths, labels in batches:
        loss = F.cross_entropy(model(ids, lengths), labels)
        loss.backward()
        norms.append(nn.utils.clip_grad_norm_(model.parameters(), max_norm).item())
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses), norms""", r"cleared once, before the loop"),
        ("zeroes after the step", """
def train_epoch(model, batches, optimizer, max_norm):
    model.train()
    losses, norms = [], []
    for ids, lengths, labels in batches:
        loss = F.cross_entropy(model(ids, lengths), labels)
        loss.backward()
        norms.append(nn.utils.clip_grad_norm_(model.parameters(), max_norm).item())
        optimizer.step()
        optimizer.zero_grad()  # ready for the next batch
        losses.append(loss.item())
    return sum(losses) / len(losses), norms""", r"left by an earlier step.*not after the step"),
        ("forgets model.train()", """
def train_epoch(model, batches, optimizer, max_norm):
    losses, norms = [], []
    for ids, lengths, labels in batches:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(ids, lengths), labels)
        loss.backward()
        norms.append(nn.utils.clip_grad_norm_(model.parameters(), max_norm).item())
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses), norms""", r"eval mode.*model\.train\(\)"),
        ("returns the mean loss as a tensor", """
def train_epoch(model, batches, optimizer, max_norm):
    model.train()
    losses, norms = [], []
    for ids, lengths, labels in batches:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(ids, lengths), labels)
        loss.backward()
        norms.append(nn.utils.clip_grad_norm_(model.parameters(), max_norm).item())
        optimizer.step()
        losses.append(loss)
    return sum(losses) / len(losses), norms""", r"loss returned is a Tensor.*keeps its graph"),
        ("norms as tensors", """
def train_epoch(model, batches, optimizer, max_norm):
    model.train()
    losses, norms = [], []
    for ids, lengths, labels in batches:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(ids, lengths), labels)
        loss.backward()
        norms.append(nn.utils.clip_grad_norm_(model.parameters(), max_norm))
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses), norms""", r"norms are of type Tensor"),
        ("loss summed, not averaged", """
def train_epoch(model, batches, optimizer, max_norm):
    model.train()
    total, norms = 0.0, []
    for ids, lengths, labels in batches:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(ids, lengths), labels)
        loss.backward()
        norms.append(nn.utils.clip_grad_norm_(model.parameters(), max_norm).item())
        optimizer.step()
        total += loss.item()
    return total, norms""", r"sum of the batches' losses: return their mean"),
        ("returns the last batch's loss", """
def train_epoch(model, batches, optimizer, max_norm):
    model.train()
    norms = []
    for ids, lengths, labels in batches:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(ids, lengths), labels)
        loss.backward()
        norms.append(nn.utils.clip_grad_norm_(model.parameters(), max_norm).item())
        optimizer.step()
    return loss.item(), norms""", r"the last batch's: return the mean"),
        ("returns the norms after clipping", """
def train_epoch(model, batches, optimizer, max_norm):
    model.train()
    losses, norms = [], []
    for ids, lengths, labels in batches:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(ids, lengths), labels)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        norms.append(torch.cat([p.grad.flatten() for p in model.parameters()]).norm().item())
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses), norms""", r"norms after clipping.*before clipping"),
        ("clips each entry", """
def train_epoch(model, batches, optimizer, max_norm):
    model.train()
    losses, norms = [], []
    for ids, lengths, labels in batches:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(ids, lengths), labels)
        loss.backward()
        norms.append(torch.cat([p.grad.flatten() for p in model.parameters()]).norm().item())
        nn.utils.clip_grad_value_(model.parameters(), max_norm)
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses), norms""", r"clip_grad_value_ clips each entry"),
        ("counts the batches with len()", """
def train_epoch(model, batches, optimizer, max_norm):
    model.train()
    total, norms = 0.0, []
    for ids, lengths, labels in batches:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(ids, lengths), labels)
        loss.backward()
        norms.append(nn.utils.clip_grad_norm_(model.parameters(), max_norm).item())
        optimizer.step()
        total += loss.item()
    return total / len(batches), norms""", r"TypeError|len\(\)"),
    ],
}
