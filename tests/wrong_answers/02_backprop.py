"""Plausible wrong answers to lecture 02's exercises (see tests/test_wrong_answers.py)."""


def stopper(better="score < self.best_score", keep="copy.deepcopy(model.state_dict())",
            stop="self.epoch - self.best_epoch >= self.patience", restore="model.load_state_dict(self.best_state)"):
    """A whole EarlyStopping class with one part changed (each wrong answer replaces the notebook's class)."""
    return f"""
class EarlyStopping:
    def __init__(self, patience):
        self.patience = patience
        self.best_score, self.best_epoch, self.best_state = math.inf, 0, None
        self.epoch = 0

    def step(self, score, model):
        self.epoch += 1
        if {better}:
            self.best_score, self.best_epoch = score, self.epoch
            self.best_state = {keep}
        return {stop}

    def restore(self, model):
        {restore}"""


WRONG = {
    "Exercise 1 (two_layer_backward)": [
        ("forgets sigma' at the output", """
def two_layer_backward(x, y, w1, b1, w2, b2):
    x1 = torch.sigmoid(x @ w1.T + b1)
    x2 = torch.sigmoid(x1 @ w2.T + b2)
    ds2 = 2 * (x2 - y) / len(x)
    ds1 = (ds2 @ w2) * x1 * (1 - x1)
    return ds1.T @ x, ds1.sum(0), ds2.T @ x1, ds2.sum(0)""", r"dw2 \(compared with autograd\) is off"),
        ("sums the loss instead of averaging", """
def two_layer_backward(x, y, w1, b1, w2, b2):
    x1 = torch.sigmoid(x @ w1.T + b1)
    x2 = torch.sigmoid(x1 @ w2.T + b2)
    ds2 = 2 * (x2 - y) * x2 * (1 - x2)
    ds1 = (ds2 @ w2) * x1 * (1 - x1)
    return ds1.T @ x, ds1.sum(0), ds2.T @ x1, ds2.sum(0)""", r"dw2 is B = 5 times too large.*mean over the batch"),
        ("transposed weight gradients", """
def two_layer_backward(x, y, w1, b1, w2, b2):
    x1 = torch.sigmoid(x @ w1.T + b1)
    x2 = torch.sigmoid(x1 @ w2.T + b2)
    ds2 = 2 * (x2 - y) / len(x) * x2 * (1 - x2)
    ds1 = (ds2 @ w2) * x1 * (1 - x1)
    return x.T @ ds1, ds1.sum(0), x1.T @ ds2, ds2.sum(0)""", r"dw2 has shape \(4, 3\), the transpose"),
        ("forgets sigma' in the hidden layer", """
def two_layer_backward(x, y, w1, b1, w2, b2):
    x1 = torch.sigmoid(x @ w1.T + b1)
    x2 = torch.sigmoid(x1 @ w2.T + b2)
    ds2 = 2 * (x2 - y) / len(x) * x2 * (1 - x2)
    ds1 = ds2 @ w2
    return ds1.T @ x, ds1.sum(0), ds2.T @ x1, ds2.sum(0)""", r"dw1 \(compared with autograd\) is off"),
        ("bias gradient averaged instead of summed", """
def two_layer_backward(x, y, w1, b1, w2, b2):
    x1 = torch.sigmoid(x @ w1.T + b1)
    x2 = torch.sigmoid(x1 @ w2.T + b2)
    ds2 = 2 * (x2 - y) / len(x) * x2 * (1 - x2)
    ds1 = (ds2 @ w2) * x1 * (1 - x1)
    return ds1.T @ x, ds1.mean(0), ds2.T @ x1, ds2.mean(0)""", r"db2 \(compared with autograd\) is off"),
        ("averages over the outputs too", """
def two_layer_backward(x, y, w1, b1, w2, b2):
    x1 = torch.sigmoid(x @ w1.T + b1)
    x2 = torch.sigmoid(x1 @ w2.T + b2)
    ds2 = 2 * (x2 - y) / x2.numel() * x2 * (1 - x2)
    ds1 = (ds2 @ w2) * x1 * (1 - x1)
    return ds1.T @ x, ds1.sum(0), ds2.T @ x1, ds2.sum(0)""", r"dw2 is 3 times too small.*averages over the B examples"),
        ("asks autograd", """
def two_layer_backward(x, y, w1, b1, w2, b2):
    params = [t.clone().requires_grad_() for t in (w1, b1, w2, b2)]
    out = torch.sigmoid(torch.sigmoid(x @ params[0].T + params[1]) @ params[2].T + params[3])
    return torch.autograd.grad(((out - y) ** 2).sum(1).mean(), params)""", r"asks autograd for the gradients"),
        ("bias gradient summed over every axis", """
def two_layer_backward(x, y, w1, b1, w2, b2):
    x1 = torch.sigmoid(x @ w1.T + b1)
    x2 = torch.sigmoid(x1 @ w2.T + b2)
    ds2 = 2 * (x2 - y) / len(x) * x2 * (1 - x2)
    ds1 = (ds2 @ w2) * x1 * (1 - x1)
    return ds1.T @ x, ds1.sum(), ds2.T @ x1, ds2.sum()""",
         r"db2 \(compared with autograd\) has shape \(\), expected \(3,\)"),
        ("reuses y's memory for the error", """
def two_layer_backward(x, y, w1, b1, w2, b2):
    x1 = torch.sigmoid(x @ w1.T + b1)
    x2 = torch.sigmoid(x1 @ w2.T + b2)
    y -= x2  # y - x2, without a new tensor
    ds2 = -2 * y / len(x) * x2 * (1 - x2)
    ds1 = (ds2 @ w2) * x1 * (1 - x1)
    return ds1.T @ x, ds1.sum(0), ds2.T @ x1, ds2.sum(0)""", r"x, y or a weight changed"),
    ],
    "Exercise 2 (sgd_step)": [
        ("rebinds instead of updating in place", """
def sgd_step(params, grads, lr, weight_decay=0.0):
    for w, g in zip(params, grads):
        w = w - lr * (g + weight_decay * w)""", r"did not change: update them in place"),
        ("sign error on the weight decay", """
def sgd_step(params, grads, lr, weight_decay=0.0):
    for w, g in zip(params, grads):
        w -= lr * (g - weight_decay * w)""", r"weight_decay=0\.01.*decay adds"),
        ("weight decay without the learning rate", """
def sgd_step(params, grads, lr, weight_decay=0.0):
    for w, g in zip(params, grads):
        w -= lr * g + weight_decay * w""", r"weight_decay=0\.01.*off by"),
        ("step up the gradient", """
def sgd_step(params, grads, lr, weight_decay=0.0):
    for w, g in zip(params, grads):
        w += lr * (g + weight_decay * w)""", r"after one plain step.*off by"),
        ("adds the decay to the gradient in place", """
def sgd_step(params, grads, lr, weight_decay=0.0):
    for w, g in zip(params, grads):
        g += weight_decay * w
        w -= lr * g""", r"weight_decay=0\.01 the gradients changed"),
        ("scales the gradient in place", """
def sgd_step(params, grads, lr, weight_decay=0.0):
    for w, g in zip(params, grads):
        g *= lr
        w -= g + lr * weight_decay * w""", r"weight_decay=0\.0 the gradients changed"),
    ],
    "Exercise 3 (activation derivatives)": [
        ("relu' with s >= 0", """
def relu_prime(s):
    return (s >= 0).to(s.dtype)""", r"relu'\(0\) is 1, expected 0"),
        ("relu' returns booleans", """
def relu_prime(s):
    return s > 0""", r"relu' returns torch\.bool"),
        ("tanh' without the square", """
def tanh_prime(s):
    return 1 - torch.tanh(s)""", r"tanh' \(compared with autograd\) is off"),
        ("sigmoid' with 1 + sigma", """
def sigmoid_prime(s):
    sig = torch.sigmoid(s)
    return sig * (1 + sig)""", r"sigmoid'\(0\) is 0\.75, expected 0\.25"),
        ("sigmoid' on s instead of sigma(s)", """
def sigmoid_prime(s):
    return torch.sigmoid(s) * (1 - s)""", r"sigmoid'\(0\) is 0\.5, expected 0\.25"),
        ("relu' cast to float64", """
def relu_prime(s):
    return (s > 0).double()""", r"relu' returns torch\.float64 for s of dtype torch\.float32"),
        ("relu' from torch.where with Python numbers", """
def relu_prime(s):
    return torch.where(s > 0, 1.0, 0.0)""", r"relu' returns torch\.float32 for s of dtype torch\.float64"),
        ("sigmoid_ in place", """
def sigmoid_prime(s):
    sig = s.sigmoid_()
    return sig * (1 - sig)""", r"sigmoid' changed s"),
        ("tanh' from autograd", """
def tanh_prime(s):
    s = s.clone().requires_grad_()
    return torch.autograd.grad(torch.tanh(s).sum(), s)[0]""", r"tanh' asks autograd"),
    ],
    "Exercise 4 (adam_step)": [
        ("no bias correction", """
def adam_step(w, g, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    m.mul_(beta1).add_((1 - beta1) * g)
    v.mul_(beta2).add_((1 - beta2) * g**2)
    w -= lr * m / (v.sqrt() + eps)""", r"parameters of shape \(4, 3\) after step 1.*bias correction"),
        ("m and v rebound, not updated in place", """
def adam_step(w, g, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    w -= lr * (m / (1 - beta1**t)) / ((v / (1 - beta2**t)).sqrt() + eps)""", r"m after step 1 \(update it in place"),
        ("second moment of g, not g squared", """
def adam_step(w, g, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    m.mul_(beta1).add_((1 - beta1) * g)
    v.mul_(beta2).add_((1 - beta2) * g.abs())
    w -= lr * (m / (1 - beta1**t)) / ((v / (1 - beta2**t)).sqrt() + eps)""", r"v after step 1"),
        ("bias correction off by one step", """
def adam_step(w, g, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    m.mul_(beta1).add_((1 - beta1) * g)
    v.mul_(beta2).add_((1 - beta2) * g**2)
    w -= lr * (m / (1 - beta1**(t + 1))) / ((v / (1 - beta2**(t + 1))).sqrt() + eps)""",
         r"parameters of shape \(4, 3\) after step 1.*bias correction"),
        ("eps inside the square root", """
def adam_step(w, g, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    m.mul_(beta1).add_((1 - beta1) * g)
    v.mul_(beta2).add_((1 - beta2) * g**2)
    w -= lr * (m / (1 - beta1**t)) / (v / (1 - beta2**t) + eps).sqrt()""", r"after step 1.*eps given"),
        ("eps added to the step", """
def adam_step(w, g, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    m.mul_(beta1).add_((1 - beta1) * g)
    v.mul_(beta2).add_((1 - beta2) * g**2)
    w -= lr * (m / (1 - beta1**t)) / (v / (1 - beta2**t)).sqrt() + eps""", r"after step 1.*eps given"),
        ("counts the steps itself", """
def adam_step(w, g, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    adam_step.calls = getattr(adam_step, "calls", 0) + 1  # t, counted here
    beta1, beta2 = betas
    m.mul_(beta1).add_((1 - beta1) * g)
    v.mul_(beta2).add_((1 - beta2) * g**2)
    t = adam_step.calls
    w -= lr * (m / (1 - beta1**t)) / ((v / (1 - beta2**t)).sqrt() + eps)""",
         r"parameters of shape \(2, 5\) after step 1 .*bias correction"),
        ("bias-corrects m in place", """
def adam_step(w, g, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    m.mul_(beta1).add_((1 - beta1) * g)
    v.mul_(beta2).add_((1 - beta2) * g**2)
    m_hat = m.div_(1 - beta1**t)
    w -= lr * m_hat / ((v / (1 - beta2**t)).sqrt() + eps)""", r"m after step 1"),
        ("rebinds w", """
def adam_step(w, g, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    m.mul_(beta1).add_((1 - beta1) * g)
    v.mul_(beta2).add_((1 - beta2) * g**2)
    w = w - lr * (m / (1 - beta1**t)) / ((v / (1 - beta2**t)).sqrt() + eps)
    return w""", r"w did not change at step 1: update it in place"),
        ("squares g in place", """
def adam_step(w, g, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    m.mul_(beta1).add_((1 - beta1) * g)
    v.mul_(beta2).add_((1 - beta2) * g.pow_(2))
    w -= lr * (m / (1 - beta1**t)) / ((v / (1 - beta2**t)).sqrt() + eps)""", r"the gradient g changed"),
    ],
    "Exercise 5 (relu_coefficients)": [
        ("slopes instead of slope changes", """
def relu_coefficients(knots, values):
    return (values[1:] - values[:-1]) / (knots[1:] - knots[:-1])""", r"the ReLU sum with 25 evenly spaced knots"),
        ("forgets the first slope", """
def relu_coefficients(knots, values):
    slopes = (values[1:] - values[:-1]) / (knots[1:] - knots[:-1])
    return slopes[1:] - slopes[:-1]""", r"shape of the coefficients.*\(24,\)"),
        ("assumes even spacing", """
def relu_coefficients(knots, values):
    slopes = (values[1:] - values[:-1]) / (knots[1] - knots[0])
    return torch.cat([slopes[:1], slopes[1:] - slopes[:-1]])""", r"unevenly spaced knots"),
        ("differences of values, not slopes", """
def relu_coefficients(knots, values):
    steps = values[1:] - values[:-1]
    return torch.cat([steps[:1], steps[1:] - steps[:-1]])""", r"the ReLU sum with 25 evenly spaced knots"),
        ("float32 coefficients from a loop", """
def relu_coefficients(knots, values):
    alphas, previous = torch.zeros(len(knots) - 1), 0.0
    for n in range(len(knots) - 1):
        slope = (values[n + 1] - values[n]) / (knots[n + 1] - knots[n])
        alphas[n] = slope - previous
        previous = slope
    return alphas""", r"dtype torch\.float32, expected torch\.float64"),
        ("a list of numbers", """
def relu_coefficients(knots, values):
    alphas, previous = [], 0.0
    for n in range(len(knots) - 1):
        slope = ((values[n + 1] - values[n]) / (knots[n + 1] - knots[n])).item()
        alphas.append(slope - previous)
        previous = slope
    return alphas""", r"returns a list, expected a tensor"),
        ("shifts the values in place", """
def relu_coefficients(knots, values):
    values -= values[0].item()  # start the curve at 0
    slopes = (values[1:] - values[:-1]) / (knots[1:] - knots[:-1])
    return torch.cat([slopes[:1], slopes[1:] - slopes[:-1]])""", r"the knots or the values changed"),
    ],
    "Exercise 6 (EarlyStopping)": [
        ("a tie counts as an improvement (<=)", stopper(better="score <= self.best_score"),
         r"epoch at which training stops.*a tie is not an improvement"),
        ("keeps a reference, not a copy", stopper(keep="model.state_dict()"), r"restored weight.*deep copy"),
        ("one epoch too patient (>)", stopper(stop="self.epoch - self.best_epoch > self.patience"),
         r"epoch at which training stops.*is None, expected 9"),
        ("never restores", stopper(restore="pass"), r"restored weight"),
        ("a shallow copy of the state_dict", stopper(keep="model.state_dict().copy()"), r"restored weight.*deep copy"),
        ("step returns None to go on", stopper(stop="True if self.epoch - self.best_epoch >= self.patience else None"),
         r"step returned None after epoch 1: return True to stop, False to go on"),
        ("restores the weight only", stopper(restore="model.weight.data.copy_(self.best_state['weight'])"),
         r"restored bias.*not only the weight"),
        ("restores by sharing the stored tensors", stopper(
            restore="for p, q in zip(model.parameters(), self.best_state.values()):\n            p.data = q"),
         r"changing the model changed the stored best weights"),
        ("restores into the model seen by step", stopper(keep="copy.deepcopy(model.state_dict()); self.model = model",
                                                          restore="self.model.load_state_dict(self.best_state)"),
         r"left the model it was given unchanged"),
    ],
    "Exercise 7 (dropout)": [
        ("forgets to rescale", """
def dropout(x, p, training=True):
    if not training or p == 0:
        return x
    return x * (torch.rand_like(x) >= p)""", r"kept entries"),
        ("multiplies by 1 - p", """
def dropout(x, p, training=True):
    if not training or p == 0:
        return x
    return x * (torch.rand_like(x) >= p) * (1 - p)""", r"kept entries"),
        ("keeps with probability p", """
def dropout(x, p, training=True):
    if not training or p == 0:
        return x
    return x * (torch.rand_like(x) < p) / (1 - p)""", r"0\.(69|70)\d of the entries were dropped, expected p = 0\.3"),
        ("ignores training=False", """
def dropout(x, p, training=True):
    if p == 0:
        return x
    return x * (torch.rand_like(x) >= p) / (1 - p)""", r"eval mode"),
        ("one mask shared by the rows", """
def dropout(x, p, training=True):
    if not training or p == 0:
        return x
    return x * (torch.rand(x.shape[1]) >= p) / (1 - p)""", r"every row has the same mask"),
        ("one draw per row", """
def dropout(x, p, training=True):
    if not training or p == 0:
        return x
    return x * (torch.rand(len(x), 1) >= p) / (1 - p)""", r"each row is kept or dropped as a whole"),
        ("drops in place", """
def dropout(x, p, training=True):
    if not training or p == 0:
        return x
    x *= (torch.rand_like(x) >= p) / (1 - p)
    return x""", r"dropout changed its input x"),
        ("float64 mask", """
def dropout(x, p, training=True):
    if not training or p == 0:
        return x
    return x * (torch.rand_like(x) >= p).double() / (1 - p)""", r"dtype torch\.float64, expected torch\.float32"),
        ("a fixed seed in the function", """
def dropout(x, p, training=True):
    if not training or p == 0:
        return x
    torch.manual_seed(0)  # reproducible
    return x * (torch.rand_like(x) >= p) / (1 - p)""", r"each call should draw a new mask"),
    ],
}
