"""Unit tests for utils: profiles, seeding, the training loop, plots, checks."""

import matplotlib
import pytest
import torch

from utils import checks, env, plots, train

matplotlib.use("agg")


def test_profile_precedence(monkeypatch):
    monkeypatch.delenv(env.PROFILE_ENV, raising=False)
    assert env.pick_profile("") == ("full" if torch.cuda.is_available() else "cpu")
    monkeypatch.setenv(env.PROFILE_ENV, "smoke")
    assert env.pick_profile("") == "smoke"  # the environment beats the default
    assert env.pick_profile("cpu") == "cpu"  # papermill's -p beats the environment
    with pytest.raises(ValueError, match="unknown profile"):
        env.pick_profile("huge")


def test_seed_makes_runs_repeatable():
    env.seed_everything(3)
    a = torch.randn(4)
    env.seed_everything(3)
    assert torch.equal(a, torch.randn(4))


def test_batches_cover_every_example_once():
    x, y = torch.arange(10.0)[:, None], torch.arange(10)
    got = list(train.batches(x, y, batch_size=4, shuffle=True, generator=torch.Generator().manual_seed(0)))
    assert [len(b[1]) for b in got] == [4, 4, 2]
    assert sorted(torch.cat([b[1] for b in got]).tolist()) == list(range(10))
    assert all(torch.equal(bx[:, 0].long(), by) for bx, by in got)  # inputs stay paired with targets


def test_fit_learns_a_separable_problem():
    torch.manual_seed(0)
    x = torch.randn(512, 2)
    y = (x[:, 0] + x[:, 1] > 0).long()
    model = torch.nn.Linear(2, 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    history = train.fit(model, lambda: train.batches(x, y, batch_size=64, shuffle=True),
                        lambda: train.batches(x, y, batch_size=256), opt, epochs=5, verbose=False)
    assert history["epoch"] == [1, 2, 3, 4, 5]
    assert history["train_loss"][-1] < history["train_loss"][0]
    assert history["val_acc"][-1] > 0.95


def test_evaluate_without_classes_gives_nan_accuracy():
    x = torch.randn(8, 3)
    model = torch.nn.Linear(3, 3)
    loss, acc = train.evaluate(model, train.batches(x, x, batch_size=4), torch.nn.functional.mse_loss)
    assert loss > 0 and acc != acc  # NaN: reconstruction has no accuracy


def test_accuracy():
    assert train.accuracy(torch.tensor([[2.0, 1.0], [0.0, 3.0]]), torch.tensor([0, 0])) == 0.5


def test_plots_draw():
    ax = plots.learning_curves({"epoch": [1, 2], "train_loss": [1.0, 0.5], "val_loss": [1.1, 0.7]})
    assert len(ax.lines) == 2
    assert len(plots.image_grid(torch.rand(5, 1, 8, 8), ncols=3).axes) == 6
    counts = plots.confusion_matrix(torch.tensor([0, 1, 1]), torch.tensor([0, 1, 0]), ["a", "b"])
    assert counts.tolist() == [[1, 0], [1, 1]]
    plots.attention_map(torch.rand(2, 3), ["q1", "q2"], ["k1", "k2", "k3"])


def test_check_reports_right_wrong_and_not_done(capsys, monkeypatch):
    monkeypatch.setenv(checks.STRICT_ENV, "0")

    def stub():
        raise NotImplementedError

    def wrong():
        checks.assert_close(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.5]), "v")

    checks.check("ok", lambda: checks.assert_equal(2, 2))
    checks.check("stub", stub)
    checks.check("wrong", wrong)
    checks.check("crash", lambda: 1 / 0)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "✅ ok: correct."
    assert out[1].startswith("⏳ stub: not done yet")
    assert out[2] == "❌ wrong: v is off by up to 0.5 (tolerance atol=1e-06, rtol=1e-05)."
    assert out[3].startswith("❌ crash: your code raised ZeroDivisionError")


def test_strict_checks_raise(monkeypatch):
    monkeypatch.setenv(checks.STRICT_ENV, "1")
    with pytest.raises(checks.ExerciseFailed):
        checks.check("stub", lambda: (_ for _ in ()).throw(NotImplementedError))


def test_assert_helpers_report_shape_and_value():
    with pytest.raises(AssertionError, match="shape"):
        checks.assert_close(torch.zeros(2), torch.zeros(3))
    with pytest.raises(AssertionError, match="different values"):
        checks.assert_equal(torch.tensor([1, 2]), torch.tensor([1, 3]))
    with pytest.raises(AssertionError, match="expected 3"):
        checks.assert_equal(2, 3, "x")
