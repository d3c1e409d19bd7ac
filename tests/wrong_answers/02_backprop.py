"""Plausible wrong answers to lecture 02's exercises (see tests/test_wrong_answers.py).

Each exercise has one template of the right answer (`answer_template.answer`); mistakes that rewrite the answer
are written out.
"""


from answer_template import answer

# Exercise 1: the right backward pass of the two-layer sigmoid network.
two_layer = answer("""
def two_layer_backward(x, y, w1, b1, w2, b2):
    x1 = torch.sigmoid(x @ w1.T + b1)
    x2 = {x2}
    ds2 = {ds2}
    ds1 = {ds1}
    return {grads}""", x2="torch.sigmoid(x1 @ w2.T + b2)", ds2="2 * (x2 - y) / len(x) * x2 * (1 - x2)",
                   ds1="(ds2 @ w2) * x1 * (1 - x1)", grads="ds1.T @ x, ds1.sum(0), ds2.T @ x1, ds2.sum(0)")

# Exercise 2: the stable loss, max(s, 0) - s y + log(1 + exp(-|s|)), averaged.
STABLE = "logits.clamp(min=0) - logits * targets + torch.log1p(torch.exp(-logits.abs()))"
bce = answer("""
def bce_with_logits(logits, targets):
    {body}""", body=f"return ({STABLE}).mean()")

# Exercise 3
sgd = answer("""
def sgd_step(params, grads, lr, weight_decay=0.0):
    for w, g in zip(params, grads):
        {update}""", update="w -= lr * (g + weight_decay * w)")

# Exercise 4: {pre} is empty in the right answer, a place for a line a mistake adds before the steps back.
tanh_relu = answer("""
def tanh_relu_backward(params, cache, dlogits):
    w2, w3 = params[1][0], params[2][0]
    (x0, x1, x2), (_, s2, _) = cache
    {pre}
    ds3 = dlogits
    ds2 = {ds2}
    ds1 = {ds1}
    return {grads}""", pre="", ds2="(ds3 @ w3) * (s2 > 0)", ds1="(ds2 @ w2) * (1 - x1**2)",
                   grads="[(ds1.T @ x0, ds1.sum(0)), (ds2.T @ x1, ds2.sum(0)), (ds3.T @ x2, ds3.sum(0))]")

# Exercise 5
adam = answer("""
def adam_step(w, g, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    {m}
    {v}
    {step}""", m="m.mul_(beta1).add_((1 - beta1) * g)", v="v.mul_(beta2).add_((1 - beta2) * g**2)",
              step="w -= lr * (m / (1 - beta1**t)) / ((v / (1 - beta2**t)).sqrt() + eps)")

# Exercise 6
relu = answer("""
def relu_coefficients(knots, values):
    {slopes}
    return {alphas}""", slopes="slopes = (values[1:] - values[:-1]) / (knots[1:] - knots[:-1])",
              alphas="torch.cat([slopes[:1], slopes[1:] - slopes[:-1]])")

# Exercise 7: each wrong answer replaces the notebook's whole class.
stopper = answer("""
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
        {restore}""", better="score < self.best_score", keep="copy.deepcopy(model.state_dict())",
                 stop="self.epoch - self.best_epoch >= self.patience", restore="model.load_state_dict(self.best_state)")

# Exercise 8
KEEP = "(torch.rand_like(x) >= p)"
dropout = answer("""
def dropout(x, p, training=True):
    if {skip}:
        return x
    {drop}""", skip="not training or p == 0", drop=f"return x * {KEEP} / (1 - p)")

WRONG = {
    "Exercise 1 (two_layer_backward)": [
        ("forgets sigma' at the output", two_layer(ds2="2 * (x2 - y) / len(x)"),
         r"dw2 \(compared with autograd\) is off"),
        ("sums the loss instead of averaging", two_layer(ds2="2 * (x2 - y) * x2 * (1 - x2)"),
         r"dw2 is B = 5 times too large.*mean over the batch"),
        ("transposed weight gradients", two_layer(grads="x.T @ ds1, ds1.sum(0), x1.T @ ds2, ds2.sum(0)"),
         r"dw2 has shape \(4, 3\), the transpose"),
        ("forgets sigma' in the hidden layer", two_layer(ds1="ds2 @ w2"), r"dw1 \(compared with autograd\) is off"),
        ("bias gradient averaged instead of summed", two_layer(grads="ds1.T @ x, ds1.mean(0), ds2.T @ x1, ds2.mean(0)"),
         r"db2 \(compared with autograd\) is off"),
        ("averages over the outputs too", two_layer(ds2="2 * (x2 - y) / x2.numel() * x2 * (1 - x2)"),
         r"dw2 is 3 times too small.*averages over the B examples"),
        ("asks autograd", """
def two_layer_backward(x, y, w1, b1, w2, b2):
    params = [t.clone().requires_grad_() for t in (w1, b1, w2, b2)]
    out = torch.sigmoid(torch.sigmoid(x @ params[0].T + params[1]) @ params[2].T + params[3])
    return torch.autograd.grad(((out - y) ** 2).sum(1).mean(), params)""", r"asks autograd for the gradients"),
        ("bias gradient summed over every axis", two_layer(grads="ds1.T @ x, ds1.sum(), ds2.T @ x1, ds2.sum()"),
         r"db2 \(compared with autograd\) has shape \(\), expected \(3,\)"),
        ("reuses y's memory for the error", two_layer(x2="torch.sigmoid(x1 @ w2.T + b2)\n"
                                                         "    y -= x2  # y - x2, without a new tensor",
                                                      ds2="-2 * y / len(x) * x2 * (1 - x2)"),
         r"x, y or a weight changed"),
        ("float32 bias gradients summed example by example", two_layer(ds1="""(ds2 @ w2) * x1 * (1 - x1)
    db1, db2 = torch.zeros(len(b1)), torch.zeros(len(b2))
    for n in range(len(x)):  # one example at a time
        db1 += ds1[n]
        db2 += ds2[n]""", grads="ds1.T @ x, db1, ds2.T @ x1, db2"),
         r"db2 has dtype torch\.float32, expected torch\.float64"),
    ],
    "Exercise 2 (bce_with_logits)": [
        ("the formula as written", bce(body="""p = torch.sigmoid(logits)
    return (-targets * torch.log(p) - (1 - targets) * torch.log(1 - p)).mean()"""),
         r"the loss is inf for float32 logits.*exp only receives numbers ≤ 0"),
        ("log(1 + exp(-s)) without the absolute value",
         bce(body="return ((1 - targets) * logits + torch.log(1 + torch.exp(-logits))).mean()"),
         r"the loss is inf for float32 logits"),
        ("clamps the probabilities to avoid log 0", bce(body="""p = torch.sigmoid(logits).clamp(1e-7, 1 - 1e-7)
    return (-targets * torch.log(p) - (1 - targets) * torch.log(1 - p)).mean()"""),
         r"the loss for float32 logits of up to a few hundred in size \(compared with .*\) is off"),
        ("clamps the logits in place", bce(body=f"""logits.clamp_(-30, 30)  # keep exp in range
    return ({STABLE}).mean()"""),
         r"changed its logits or targets"),
        ("sums instead of averaging", bce(body=f"return ({STABLE}).sum()"),
         r"is the sum over the 24 entries: take the mean"),
        ("averages over the last axis only", bce(body=f"return ({STABLE}).mean(-1)"),
         r"the shape of the loss for moderate float64 logits, targets 0 or 1 .* is \(6,\), expected \(\)"),
        ("forgets the max(s, 0) term",
         bce(body="return (-logits * targets + torch.log1p(torch.exp(-logits.abs()))).mean()"),
         r"the loss for moderate float64 logits, targets 0 or 1 \(compared with .*\) is off"),
        ("swaps y and 1 - y", bce(body="return (logits.clamp(min=0) - logits * (1 - targets)"
                                       " + torch.log1p(torch.exp(-logits.abs()))).mean()"),
         r"the loss for moderate float64 logits, targets 0 or 1 \(compared with .*\) is off"),
        ("uses PyTorch's loss", bce(body="return F.binary_cross_entropy_with_logits(logits, targets)"),
         r"calls PyTorch's binary_cross_entropy_with_logits"),
        ("uses softplus", bce(body="return (F.softplus(logits) - logits * targets).mean()"),
         r"calls PyTorch's softplus"),
        ("returns a Python number", bce(body=f"return ({STABLE}).mean().item()"),
         r"returns a float, expected a tensor"),
        ("rebuilds the loss as a new tensor", bce(body=f"""per_entry = {STABLE}
    return torch.tensor(per_entry.mean().item(), dtype=logits.dtype)"""),
         r"cut off from the logits"),
        ("float64 loss for float32 logits", bce(body="""s, y = logits.double(), targets.double()
    return (s.clamp(min=0) - s * y + torch.log1p(torch.exp(-s.abs()))).mean()"""),
         r"dtype torch\.float64 for logits of dtype torch\.float32"),
    ],
    "Exercise 3 (sgd_step)": [
        ("rebinds instead of updating in place", sgd(update="w = w - lr * (g + weight_decay * w)"),
         r"did not change: update them in place"),
        ("sign error on the weight decay", sgd(update="w -= lr * (g - weight_decay * w)"),
         r"weight_decay=0\.01.*decay adds"),
        ("weight decay without the learning rate", sgd(update="w -= lr * g + weight_decay * w"),
         r"weight_decay=0\.01.*off by"),
        ("step up the gradient", sgd(update="w += lr * (g + weight_decay * w)"), r"after one plain step.*off by"),
        ("adds the decay to the gradient in place", sgd(update="g += weight_decay * w\n        w -= lr * g"),
         r"weight_decay=0\.01 the gradients changed"),
        ("scales the gradient in place", sgd(update="g *= lr\n        w -= g + lr * weight_decay * w"),
         r"weight_decay=0\.0 the gradients changed"),
    ],
    "Exercise 4 (tanh_relu_backward)": [
        ("tanh' as 1 - tanh, not squared", tanh_relu(ds1="(ds2 @ w2) * (1 - x1)"),
         r"dw1 \(compared with autograd\) \(layers 2 and 3 are right: check the step back through tanh"),
        ("tanh' taken at the layer's output", tanh_relu(ds1="(ds2 @ w2) * (1 - torch.tanh(x1) ** 2)"),
         r"dw1 \(compared with autograd\) \(layers 2 and 3 are right.*tanh"),
        ("tanh' from the pre-activation of the next layer", tanh_relu(ds1="(ds2 @ w2) * (1 - torch.tanh(s2) ** 2)"),
         r"your code raised RuntimeError"),
        ("forgets the step through tanh", tanh_relu(ds1="ds2 @ w2"),
         r"dw1 \(compared with autograd\) \(layers 2 and 3 are right.*tanh"),
        ("ReLU everywhere: reuses mlp_backward", """
def tanh_relu_backward(params, cache, dlogits):
    return mlp_backward(params, cache, dlogits)""", r"dw1 \(compared with autograd\) \(layers 2 and 3 are right"),
        ("forgets the ReLU mask", tanh_relu(ds2="ds3 @ w3"),
         r"dw2 \(compared with autograd\) \(layer 3 is right: check the step back through the ReLU"),
        ("transposed weight gradients", tanh_relu(
            grads="[(x0.T @ ds1, ds1.sum(0)), (x1.T @ ds2, ds2.sum(0)), (x2.T @ ds3, ds3.sum(0))]"),
         r"dw3 has shape \(4, 3\), the transpose of the weight's \(3, 4\)"),
        ("bias gradients averaged over the batch", tanh_relu(
            grads="[(ds1.T @ x0, ds1.mean(0)), (ds2.T @ x1, ds2.mean(0)), (ds3.T @ x2, ds3.mean(0))]"),
         r"db3 is B = 6 times too small: sum dl/ds over the batch"),
        ("bias gradients not summed over the batch", tanh_relu(
            grads="[(ds1.T @ x0, ds1), (ds2.T @ x1, ds2), (ds3.T @ x2, ds3)]"),
         r"db3 has shape \(6, 3\), one row per example"),
        ("weight gradient from the layer's output", tanh_relu(
            grads="[(ds1.T @ x1, ds1.sum(0)), (ds2.T @ x2, ds2.sum(0)), (ds3.T @ x2, ds3.sum(0))]"),
         r"the shape of dw2 .* is \(4, 4\), expected \(4, 5\)"),
        ("pairs output side first", tanh_relu(
            grads="[(ds3.T @ x2, ds3.sum(0)), (ds2.T @ x1, ds2.sum(0)), (ds1.T @ x0, ds1.sum(0))]"),
         r"the first pair has the shapes of layer 3: return the pairs input side first"),
        ("a flat list of six gradients", tanh_relu(
            grads="[ds1.T @ x0, ds1.sum(0), ds2.T @ x1, ds2.sum(0), ds3.T @ x2, ds3.sum(0)]"),
         r"return a list of three \(dw, db\) pairs"),
        ("squares the cached x1 in place", tanh_relu(pre="x1 **= 2", ds1="(ds2 @ w2) * (1 - x1)"),
         r"the weights, the cache or dlogits changed"),
        ("asks autograd", """
def tanh_relu_backward(params, cache, dlogits):
    leaves = [(w.clone().requires_grad_(), b.clone().requires_grad_()) for w, b in params]
    logits, _ = tanh_relu_forward(leaves, cache[0][0])
    grads = torch.autograd.grad((logits * dlogits).sum(), [t for pair in leaves for t in pair])
    return [grads[0:2], grads[2:4], grads[4:6]]""", r"asks autograd for the gradients"),
    ],
    "Exercise 5 (adam_step)": [
        ("no bias correction", adam(step="w -= lr * m / (v.sqrt() + eps)"),
         r"parameters of shape \(4, 3\) after step 1.*bias correction"),
        ("m and v rebound, not updated in place", adam(m="m = beta1 * m + (1 - beta1) * g",
                                                       v="v = beta2 * v + (1 - beta2) * g**2"),
         r"m after step 1 \(update it in place"),
        ("second moment of g, not g squared", adam(v="v.mul_(beta2).add_((1 - beta2) * g.abs())"), r"v after step 1"),
        ("bias correction off by one step",
         adam(step="w -= lr * (m / (1 - beta1**(t + 1))) / ((v / (1 - beta2**(t + 1))).sqrt() + eps)"),
         r"parameters of shape \(4, 3\) after step 1.*bias correction"),
        ("eps inside the square root", adam(step="w -= lr * (m / (1 - beta1**t)) / (v / (1 - beta2**t) + eps).sqrt()"),
         r"after step 1.*eps given"),
        ("eps added to the step", adam(step="w -= lr * (m / (1 - beta1**t)) / (v / (1 - beta2**t)).sqrt() + eps"),
         r"after step 1.*eps given"),
        ("counts the steps itself", """
def adam_step(w, g, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    adam_step.calls = getattr(adam_step, "calls", 0) + 1  # t, counted here
    beta1, beta2 = betas
    m.mul_(beta1).add_((1 - beta1) * g)
    v.mul_(beta2).add_((1 - beta2) * g**2)
    t = adam_step.calls
    w -= lr * (m / (1 - beta1**t)) / ((v / (1 - beta2**t)).sqrt() + eps)""",
         r"parameters of shape \(2, 5\) after step 1 .*bias correction"),
        ("bias-corrects m in place", adam(step="m_hat = m.div_(1 - beta1**t)\n"
                                              "    w -= lr * m_hat / ((v / (1 - beta2**t)).sqrt() + eps)"),
         r"m after step 1"),
        ("rebinds w", adam(step="w = w - lr * (m / (1 - beta1**t)) / ((v / (1 - beta2**t)).sqrt() + eps)\n"
                                "    return w"), r"w did not change at step 1: update it in place"),
        ("squares g in place", adam(v="v.mul_(beta2).add_((1 - beta2) * g.pow_(2))"), r"the gradient g changed"),
    ],
    "Exercise 6 (relu_coefficients)": [
        ("slopes instead of slope changes",
         relu(slopes="", alphas="(values[1:] - values[:-1]) / (knots[1:] - knots[:-1])"),
         r"the ReLU sum with 25 evenly spaced knots"),
        ("forgets the first slope", relu(alphas="slopes[1:] - slopes[:-1]"), r"shape of the coefficients.*\(24,\)"),
        ("assumes even spacing", relu(slopes="slopes = (values[1:] - values[:-1]) / (knots[1] - knots[0])"),
         r"unevenly spaced knots"),
        ("differences of values, not slopes", relu(slopes="steps = values[1:] - values[:-1]",
                                                   alphas="torch.cat([steps[:1], steps[1:] - steps[:-1]])"),
         r"the ReLU sum with 25 evenly spaced knots"),
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
        ("shifts the values in place", relu(slopes="""values -= values[0].item()  # start the curve at 0
    slopes = (values[1:] - values[:-1]) / (knots[1:] - knots[:-1])"""),
         r"the knots or the values changed"),
    ],
    "Exercise 7 (EarlyStopping)": [
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
    "Exercise 8 (dropout)": [
        ("forgets to rescale", dropout(drop=f"return x * {KEEP}"), r"kept entries"),
        ("multiplies by 1 - p", dropout(drop=f"return x * {KEEP} * (1 - p)"), r"kept entries"),
        ("keeps with probability p", dropout(drop="return x * (torch.rand_like(x) < p) / (1 - p)"),
         r"0\.(69|70)\d of the entries were dropped, expected p = 0\.3"),
        ("ignores training=False", dropout(skip="p == 0"), r"eval mode"),
        ("one mask shared by the rows", dropout(drop="return x * (torch.rand(x.shape[1]) >= p) / (1 - p)"),
         r"every row has the same mask"),
        ("one draw per row", dropout(drop="return x * (torch.rand(len(x), 1) >= p) / (1 - p)"),
         r"each row is kept or dropped as a whole"),
        ("drops in place", dropout(drop=f"x *= {KEEP} / (1 - p)\n    return x"), r"dropout changed its input x"),
        ("float64 mask", dropout(drop=f"return x * {KEEP}.double() / (1 - p)"),
         r"dtype torch\.float64, expected torch\.float32"),
        ("a fixed seed in the function", dropout(drop=f"""torch.manual_seed(0)  # reproducible
    return x * {KEEP} / (1 - p)"""),
         r"each call should draw a new mask"),
    ],
}
