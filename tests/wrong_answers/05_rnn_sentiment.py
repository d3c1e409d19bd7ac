"""Plausible wrong answers to lecture 05's exercises (see tests/test_wrong_answers.py).

Not wrong, so not here: `optimizer.zero_grad(set_to_none=True)` or `model.zero_grad()`, `loss.item()` or
`float(loss)`, a vocabulary built with `dict.setdefault` or with `most_common()` re-sorted for ties.
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

WRONG = {
    "Exercise 1 (build_vocab)": [
        ("> instead of >=", """
def build_vocab(token_lists, min_freq):
    counts = Counter(t for tokens in token_lists for t in tokens)
    kept = sorted((w for w, n in counts.items() if n > min_freq), key=lambda w: (-counts[w], w))
    return {w: i for i, w in enumerate(["<pad>", "<unk>", *kept])}""", r"exactly min_freq.*>=, not >"),
        ("counts texts, not tokens", """
def build_vocab(token_lists, min_freq):
    counts = Counter(t for tokens in token_lists for t in set(tokens))
    kept = sorted((w for w, n in counts.items() if n >= min_freq), key=lambda w: (-counts[w], w))
    return {w: i for i, w in enumerate(["<pad>", "<unk>", *kept])}""", r"count tokens, not the number of texts"),
        ("forgets the special tokens", """
def build_vocab(token_lists, min_freq):
    counts = Counter(t for tokens in token_lists for t in tokens)
    kept = sorted((w for w, n in counts.items() if n >= min_freq), key=lambda w: (-counts[w], w))
    return {w: i for i, w in enumerate(kept)}""", r"<pad> has index None.*special tokens first"),
        ("special tokens last", """
def build_vocab(token_lists, min_freq):
    counts = Counter(t for tokens in token_lists for t in tokens)
    kept = sorted((w for w, n in counts.items() if n >= min_freq), key=lambda w: (-counts[w], w))
    return {w: i for i, w in enumerate([*kept, "<pad>", "<unk>"])}""", r"expected 0 and 1.*special tokens first"),
        ("ties in order of first appearance", """
def build_vocab(token_lists, min_freq):
    counts = Counter(t for tokens in token_lists for t in tokens)
    kept = [w for w, n in counts.most_common() if n >= min_freq]
    return {w: i for i, w in enumerate(["<pad>", "<unk>", *kept])}""", r"seen as often in alphabetical order"),
        ("sorted alphabetically only", """
def build_vocab(token_lists, min_freq):
    counts = Counter(t for tokens in token_lists for t in tokens)
    kept = sorted(w for w, n in counts.items() if n >= min_freq)
    return {w: i for i, w in enumerate(["<pad>", "<unk>", *kept])}""", r"most frequent first"),
        ("indices from torch.arange", """
def build_vocab(token_lists, min_freq):
    counts = Counter(t for tokens in token_lists for t in tokens)
    kept = sorted((w for w, n in counts.items() if n >= min_freq), key=lambda w: (-counts[w], w))
    words = ["<pad>", "<unk>", *kept]
    return dict(zip(words, torch.arange(len(words))))""", r"indices are of type Tensor: use Python ints"),
        ("counts in a Counter shared by every call", """
COUNTS = Counter()


def build_vocab(token_lists, min_freq):
    COUNTS.update(t for tokens in token_lists for t in tokens)
    kept = sorted((w for w, n in COUNTS.items() if n >= min_freq), key=lambda w: (-COUNTS[w], w))
    return {w: i for i, w in enumerate(["<pad>", "<unk>", *kept])}""", r"every call counts afresh"),
        ("drops the rare tokens from the texts", """
def build_vocab(token_lists, min_freq):
    counts = Counter(t for tokens in token_lists for t in tokens)
    for tokens in token_lists:
        tokens[:] = [t for t in tokens if counts[t] >= min_freq]  # the rare ones are <unk> anyway
    kept = sorted((w for w, n in counts.items() if n >= min_freq), key=lambda w: (-counts[w], w))
    return {w: i for i, w in enumerate(["<pad>", "<unk>", *kept])}""", r"changed the token lists it was given"),
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
    "Exercise 4 (train_step)": [
        ("never zeroes the gradients", """
def train_step(model, ids, lengths, labels, optimizer, max_norm):
    loss = F.cross_entropy(model(ids, lengths), labels)
    loss.backward()
    norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return loss.item(), norm.item()""", r"added its gradients to those already in p\.grad.*optimizer\.zero_grad\(\)"),
        ("clips after the step", """
def train_step(model, ids, lengths, labels, optimizer, max_norm):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(ids, lengths), labels)
    loss.backward()
    optimizer.step()
    norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    return loss.item(), norm.item()""", r"not clipped to max_norm.*before optimizer\.step\(\)"),
        ("returns the norm after clipping", """
def train_step(model, ids, lengths, labels, optimizer, max_norm):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(ids, lengths), labels)
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    norm = torch.cat([p.grad.flatten() for p in model.parameters()]).norm()
    optimizer.step()
    return loss.item(), norm.item()""", r"norm after clipping.*before clipping"),
        ("clips each entry", """
def train_step(model, ids, lengths, labels, optimizer, max_norm):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(ids, lengths), labels)
    loss.backward()
    norm = torch.cat([p.grad.flatten() for p in model.parameters()]).norm()
    nn.utils.clip_grad_value_(model.parameters(), max_norm)
    optimizer.step()
    return loss.item(), norm.item()""", r"clip_grad_value_ clips each entry"),
        ("forgets the step", """
def train_step(model, ids, lengths, labels, optimizer, max_norm):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(ids, lengths), labels)
    loss.backward()
    norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    return loss.item(), norm.item()""", r"did not change.*optimizer\.step\(\)"),
        ("returns the loss tensor", """
def train_step(model, ids, lengths, labels, optimizer, max_norm):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(ids, lengths), labels)
    loss.backward()
    norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return loss, norm.item()""", r"the loss returned is a Tensor: return a Python float"),
        ("returns the norm tensor", """
def train_step(model, ids, lengths, labels, optimizer, max_norm):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(ids, lengths), labels)
    loss.backward()
    norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return loss.item(), norm""", r"the gradient norm returned is a Tensor"),
        ("clears the gradients after the step", """
def train_step(model, ids, lengths, labels, optimizer, max_norm):
    loss = F.cross_entropy(model(ids, lengths), labels)
    loss.backward()
    norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    optimizer.zero_grad()  # ready for the next step
    return loss.item(), norm.item()""", r"step 1 added its gradients to those already in p\.grad"),
        ("clips to 1, not max_norm", """
def train_step(model, ids, lengths, labels, optimizer, max_norm):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(ids, lengths), labels)
    loss.backward()
    norm = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    return loss.item(), norm.item()""", r"not clipped to max_norm=0\.05"),
    ],
}
