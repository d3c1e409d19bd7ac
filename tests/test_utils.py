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


def test_batches_know_their_length_and_transform_the_inputs_in_order():
    x, y = torch.arange(10.0)[:, None], torch.arange(10)
    plain = train.batches(x, y, batch_size=4, shuffle=True, generator=torch.Generator().manual_seed(0))
    assert len(plain) == 3 == len(list(plain))  # a progress bar shows "1/3", not "1/?"
    doubled = train.batches(x, y, batch_size=4, shuffle=True, generator=torch.Generator().manual_seed(0),
                            transform=lambda xb: 2 * xb)
    for (px, py), (dx, dy) in zip(train.batches(x, y, batch_size=4, shuffle=True,
                                                generator=torch.Generator().manual_seed(0)), doubled):
        assert torch.equal(py, dy) and torch.equal(2 * px, dx)  # same order, only the inputs transformed


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


def test_fit_keep_best_ends_with_the_weights_of_the_best_validation_epoch():
    torch.manual_seed(0)
    x = torch.randn(512, 2)
    y = (x[:, 0] - x[:, 1] > 0).long()
    calls = iter([y, y, 1 - y, 1 - y])  # two epochs on the true labels, then two on flipped ones: validation drops
    model = torch.nn.Linear(2, 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    history = train.fit(model, lambda: train.batches(x, next(calls), batch_size=64),
                        lambda: train.batches(x, y, batch_size=512), opt, epochs=4, verbose=False, keep_best=True)
    best = max(range(4), key=lambda i: (history["val_acc"][i], -i))  # the first epoch of the highest accuracy
    assert history["best_epoch"] == best + 1 <= 2 and history["val_acc"][-1] < 0.5
    _, acc = train.evaluate(model, train.batches(x, y, batch_size=512))
    assert acc == history["val_acc"][best]  # the weights are those of that epoch, not of the last one
    assert "best_epoch" not in train.fit(model, lambda: train.batches(x, y, batch_size=64),
                                         lambda: train.batches(x, y, batch_size=512), opt, epochs=1, verbose=False)


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


SIZES = {"smoke": dict(n_train=100, lr=0.1), "cpu": dict(n_train=-5, lr=0.1), "full": dict(n_train=60_000)}
LIMITS = dict(n_train=(1, 60_000), lr=(0.0, 1.0))


def test_sizes_unpacks_in_the_order_of_the_limits():
    assert env.sizes(SIZES, "smoke", **LIMITS) == (100, 0.1)
    assert env.sizes(SIZES, "smoke", lr=(0.0, 1.0), n_train=(1, 60_000)) == (0.1, 100)


@pytest.mark.parametrize("row, message", [
    (dict(n_train=-5, lr=0.1), r"SIZES\['cpu'\]\['n_train'\] = -5 is not allowed: use an integer from 1 to 60,000"),
    (dict(n_train=0, lr=0.1), r"\['n_train'\] = 0 is not allowed"),
    (dict(n_train=70_000, lr=0.1), r"\['n_train'\] = 70000 is not allowed"),
    (dict(n_train=2.5, lr=0.1), r"\['n_train'\] = 2.5 is not allowed: use an integer"),
    (dict(n_train="100", lr=0.1), r"\['n_train'\] = '100' is not allowed"),
    (dict(n_train=True, lr=0.1), r"\['n_train'\] = True is not allowed"),
    (dict(n_train=None, lr=0.1), r"\['n_train'\] = None is not allowed"),
    (dict(n_train=100, lr=2.0), r"\['lr'\] = 2.0 is not allowed: use a number from 0.0 to 1.0"),
    (dict(n_train=100), r"SIZES\['cpu'\] has no 'lr'"),
    (dict(n_train=100, lr=0.1, n_tran=5), r"unknown key\(s\) n_tran"),
])
def test_sizes_refuses_bad_values_in_one_sentence(row, message):
    with pytest.raises(env.SizeError, match=message) as info:
        env.sizes({**SIZES, "cpu": row}, "cpu", **LIMITS)
    assert "\n" not in str(info.value) and info.value._render_traceback_() == [f"SizeError: {info.value}"]
    with pytest.raises(env.SizeError, match="no entry for 'gpu'"):
        env.sizes(SIZES, "gpu", **LIMITS)


@pytest.mark.parametrize("table", ["foo", None, 3, ["smoke", "cpu"], {**SIZES, "cpu": "foo"}, {"smoke": None}])
def test_sizes_that_is_not_a_dict_of_dicts_is_one_sentence(table):
    """papermill -p SIZES foo makes SIZES the string 'foo' (and -y can make it anything)."""
    message = r"^SIZES = .* is not a dict of dicts: give one dict of sizes per profile \(smoke, cpu, full\); " \
              r"papermill passes a dict with -y, not -p\.$"
    with pytest.raises(env.SizeError, match=message) as info:
        env.sizes(table, "smoke", **LIMITS)
    assert "\n" not in str(info.value) and info.value._render_traceback_() == [f"SizeError: {info.value}"]


def test_sizes_with_keys_that_are_not_strings_is_one_sentence():
    with pytest.raises(env.SizeError, match=r"SIZES\['smoke'\] has unknown key\(s\) 1: the keys are n_train, lr"):
        env.sizes({"smoke": {1: 2, "n_train": 100, "lr": 0.1}}, "smoke", **LIMITS)


@pytest.mark.parametrize("step, expected_steps", [("epoch", 3), ("batch", 3 * 4)])
def test_fit_steps_the_scheduler_per_epoch_or_per_batch(step, expected_steps):
    x, y = torch.randn(32, 2), torch.randint(0, 2, (32,))
    model = torch.nn.Linear(2, 2)
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: 0.5 ** k)
    g = torch.Generator().manual_seed(0)
    train.fit(model, lambda: train.batches(x, y, batch_size=8, shuffle=True, generator=g),
              lambda: train.batches(x, y, batch_size=32), opt, epochs=3, verbose=False,
              scheduler=sched, scheduler_step=step)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.5 ** expected_steps)
    with pytest.raises(ValueError, match="'epoch' or 'batch'"):
        train.fit(model, lambda: [], lambda: [], opt, epochs=1, scheduler=sched, scheduler_step="step")
