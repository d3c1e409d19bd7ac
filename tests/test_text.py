"""utils.text: tokeniser, vocabulary, batches, GloVe rows, the bi-LSTM and its training recipe, on small inputs."""

import copy

import torch
from torch.nn.utils.rnn import pack_sequence

from utils import text


def test_tokenize_cleans_html_and_keeps_feeling():
    assert text.tokenize("Great!<br /><br />I DIDN'T cry?") == ["great", "!", "i", "didn't", "cry", "?"]
    assert text.tokenize("") == []


def test_build_vocab_specials_min_freq_and_ties():
    docs = [["b", "a", "c"], ["a", "b", "d"], ["c", "e", "e"]]
    assert text.build_vocab(docs, min_freq=2) == {"<pad>": 0, "<unk>": 1, "a": 2, "b": 3, "c": 4, "e": 5}
    assert list(text.build_vocab(reversed(docs), min_freq=1)) == ["<pad>", "<unk>", "a", "b", "c", "e", "d"]
    assert text.build_vocab([], min_freq=1) == {"<pad>": 0, "<unk>": 1}


def test_encode_unknown_words_and_cut():
    vocab = {"<pad>": 0, "<unk>": 1, "good": 2}
    assert text.encode(["good", "bad", "good"], vocab).tolist() == [2, 1, 2]
    assert text.encode(["good", "bad", "good"], vocab, max_len=2).tolist() == [2, 1]
    assert text.encode([], vocab).tolist() == [1]  # an empty text still has one step


def test_collate_pads_keeps_lengths_and_order():
    ids, lengths, labels = text.collate([(torch.tensor([4, 5]), 1), (torch.tensor([6, 7, 8]), 0)], pad_index=9)
    assert ids.tolist() == [[4, 5, 9], [6, 7, 8]]
    assert lengths.tolist() == [2, 3] and labels.tolist() == [1, 0] and labels.dtype == torch.long


def test_batches_cover_every_text_once():
    encoded = [torch.tensor([i] * (i + 1)) for i in range(7)]
    seen = [row[0].item() for ids, lengths, _ in
            text.batches(encoded, list(range(7)), 3, shuffle=True, generator=torch.Generator().manual_seed(0))
            for row in ids]
    assert sorted(seen) == list(range(7))
    again = [ids[0, 0].item() for ids, *_ in
             text.batches(encoded, list(range(7)), 3, shuffle=True, generator=torch.Generator().manual_seed(0))]
    assert again == seen[::3]


def test_glove_matrix_copies_known_words():
    vocab = {"<pad>": 0, "<unk>": 1, "cat": 2, "zzz": 3}
    vectors = torch.arange(6.0).reshape(2, 3)
    matrix, coverage = text.glove_matrix(vocab, ["dog", "cat"], vectors, torch.Generator().manual_seed(0))
    assert matrix.shape == (4, 3) and coverage == 0.25
    assert matrix[2].tolist() == [3.0, 4.0, 5.0] and matrix[0].tolist() == [0.0, 0.0, 0.0]
    assert matrix[3].abs().max() < 1


def test_bilstm_ignores_padding():
    torch.manual_seed(0)
    model = text.BiLSTMClassifier(torch.randn(10, 4), hidden=3).eval()
    short = torch.tensor([3, 4])
    alone = model(short[None], torch.tensor([2]))
    ids, lengths, _ = text.collate([(short, 0), (torch.tensor([5, 6, 7, 8, 9]), 1)])
    assert torch.allclose(model(ids, lengths)[0], alone[0], atol=1e-6)
    states = model.lstm(pack_sequence([model.embedding(short)]))[0]
    assert states.data.shape == (2, 6)  # two steps, both directions


def test_train_step_returns_the_norm_before_clipping():
    torch.manual_seed(0)
    model = text.BiLSTMClassifier(torch.randn(10, 4), hidden=3, dropout=0.0)
    ids, lengths, labels = text.collate([(torch.tensor([2, 3, 4]), 0), (torch.tensor([5]), 1)])
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)
    loss, norm = text.train_step(model, ids, lengths, labels, optimizer, max_norm=1e-3)
    after = torch.cat([p.grad.flatten() for p in model.parameters()]).norm().item()
    assert norm > 1e-3 and abs(after - 1e-3) < 1e-6 and loss > 0


def test_train_bilstm_learns_a_toy_task_and_keeps_the_best_epoch():
    pairs = [("great fun " * (1 + i % 3), 1) for i in range(24)] + [("awful bore " * (1 + i % 3), 0) for i in range(24)]
    words, vectors = ["great", "awful"], torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    run = text.train_bilstm(pairs, pairs, words, vectors, epochs=6, max_len=10, min_freq=1, batch_size=8,
                            hidden=4, lr=0.02, verbose=False)
    assert run["acc_val"] == max(run["history"]["val_acc"]) == 1.0
    assert run["coverage"] == 2 / 6  # great and awful, of <pad>, <unk>, great, fun, awful, bore
    probs = text.predict_proba(run["model"], text.batches(
        [text.encode(text.tokenize(t), run["vocab"]) for t, _ in pairs], [y for _, y in pairs], 16))
    assert (probs.argmax(1) == torch.tensor([y for _, y in pairs])).float().mean() == 1.0


def test_build_vocab_first_seen_ties_and_max_size():
    docs = [["b", "a", "c"], ["a", "b", "d"], ["c", "e", "e"]]
    assert list(text.build_vocab(docs, min_freq=2, ties="first seen")) == ["<pad>", "<unk>", "b", "a", "c", "e"]
    assert list(text.build_vocab(docs, min_freq=1, max_size=4, ties="first seen")) == ["<pad>", "<unk>", "b", "a"]
    assert list(text.build_vocab(docs, min_freq=1, max_size=4)) == ["<pad>", "<unk>", "a", "b"]
    assert text.build_vocab(docs, min_freq=2, max_size=None) == text.build_vocab(docs, min_freq=2)


def test_train_epoch_is_train_step_over_the_batches():
    batches = [text.collate([(torch.tensor([2, 3, 4]), 0), (torch.tensor([5]), 1)]),
               text.collate([(torch.tensor([6, 7]), 1), (torch.tensor([8, 9, 2, 3]), 0)])]
    torch.manual_seed(0)
    model = text.BiLSTMClassifier(torch.randn(10, 4), hidden=3, dropout=0.0).eval()
    reference = copy.deepcopy(model)
    optimizer, optimizer_ref = (torch.optim.SGD(m.parameters(), lr=0.1) for m in (model, reference))
    loss, norms = text.train_epoch(model, batches, optimizer, max_norm=1e-2)
    steps = [text.train_step(reference, *batch, optimizer_ref, 1e-2) for batch in batches]
    assert model.training and type(loss) is float and len(norms) == 2
    assert abs(loss - sum(s[0] for s in steps) / 2) < 1e-6 and norms == [s[1] for s in steps]
    assert all(torch.equal(p, q) for p, q in zip(model.parameters(), reference.parameters()))
