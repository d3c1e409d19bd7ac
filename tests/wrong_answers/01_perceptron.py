"""Plausible wrong answers to lecture 01's exercises (see tests/test_wrong_answers.py)."""

WRONG = {
    "Exercise 1 (majority_unit)": [
        ("threshold of and", "def majority_unit():\n    return torch.tensor([1.0, 1.0, 1.0]), -2.5",
         r"outputs 0 on .*\(0, 1, 1\).*threshold too high"),
        ("threshold of or", "def majority_unit():\n    return torch.tensor([1.0, 1.0, 1.0]), -0.5",
         r"outputs 1 on .*\(0, 0, 1\).*threshold too low"),
        ("threshold as bias, sign flipped", "def majority_unit():\n    return torch.tensor([1.0, 1.0, 1.0]), 2.0",
         r"outputs 1 on .*\(0, 0, 0\).*bias is minus the threshold"),
        ("negated weights", "def majority_unit():\n    return torch.tensor([-1.0, -1.0, -1.0]), 1.5",
         r"outputs 0 on .*too high.*outputs 1 on .*too low"),
        ("integer weights", "def majority_unit():\n    return torch.tensor([1, 1, 1]), -1.5",
         r"w has dtype torch\.int64.*1\.0, not 1"),
        ("bias as a tensor", "def majority_unit():\n    return torch.ones(3), torch.tensor(-1.5)",
         r"b is a Tensor, expected a Python number"),
        ("weights as a list", "def majority_unit():\n    return [1.0, 1.0, 1.0], -1.5",
         r"w is a list, expected a tensor"),
        ("weights as a column", "def majority_unit():\n    return torch.ones(3, 1), -1.5",
         r"w has shape \(3, 1\), expected \(3,\)"),
    ],
    "Exercise 2 (perceptron_with_bias)": [
        ("forgets the bias update", """
def perceptron_with_bias(x, y, max_epochs):
    w, b, k = torch.zeros(x.shape[1], dtype=x.dtype), 0.0, 0
    for _ in range(max_epochs):
        changed = 0
        for n in range(len(x)):
            if y[n] * (x[n] @ w + b) <= 0:
                w = w + y[n] * x[n]
                changed += 1
        k += changed
        if changed == 0:
            break
    return w, b, k""", r"b on the toy set is 0, expected 1.*adds y_n to b"),
        ("strict < for a mistake", """
def perceptron_with_bias(x, y, max_epochs):
    w, b, k = torch.zeros(x.shape[1], dtype=x.dtype), 0.0, 0
    for _ in range(max_epochs):
        changed = 0
        for n in range(len(x)):
            if y[n] * (x[n] @ w + b) < 0:
                w, b = w + y[n] * x[n], b + y[n].item()
                changed += 1
        k += changed
        if changed == 0:
            break
    return w, b, k""", r"no update at all.*score of 0 counts as a mistake"),
        ("counts passes, not updates", """
def perceptron_with_bias(x, y, max_epochs):
    w, b, k = torch.zeros(x.shape[1], dtype=x.dtype), 0.0, 0
    for _ in range(max_epochs):
        k += 1
        changed = 0
        for n in range(len(x)):
            if y[n] * (x[n] @ w + b) <= 0:
                w, b = w + y[n] * x[n], b + y[n].item()
                changed += 1
        if changed == 0:
            break
    return w, b, k""", r"k = 2 on the toy set, expected 1.*not the passes"),
        ("a single pass", """
def perceptron_with_bias(x, y, max_epochs):
    w, b, k = torch.zeros(x.shape[1], dtype=x.dtype), 0.0, 0
    for n in range(len(x)):
        if y[n] * (x[n] @ w + b) <= 0:
            w, b = w + y[n] * x[n], b + y[n].item()
            k += 1
    return w, b, k""", r"updates on .*, expected [0-9]+: .*pass after pass"),
        ("b kept as a tensor", """
def perceptron_with_bias(x, y, max_epochs):
    w, b, k = torch.zeros(x.shape[1], dtype=x.dtype), 0.0, 0
    for _ in range(max_epochs):
        changed = 0
        for n in range(len(x)):
            if y[n] * (x[n] @ w + b) <= 0:
                w, b = w + y[n] * x[n], b + y[n]
                changed += 1
        k += changed
        if changed == 0:
            break
    return w, b, k""", r"b is a Tensor.*y\[n\]\.item\(\)"),
        ("counts with the mistake tensors", """
def perceptron_with_bias(x, y, max_epochs):
    w, b, k = torch.zeros(x.shape[1], dtype=x.dtype), 0.0, 0
    for _ in range(max_epochs):
        changed = 0
        for n in range(len(x)):
            mistake = y[n] * (x[n] @ w + b) <= 0
            if mistake:
                w, b = w + y[n] * x[n], b + y[n].item()
            changed += mistake
        k += changed
        if changed == 0:
            break
    return w, b, k""", r"k is a Tensor, expected a Python int"),
        ("float32 weights on float64 digits", """
def perceptron_with_bias(x, y, max_epochs):
    w, b, k = torch.zeros(x.shape[1]), 0.0, 0
    for _ in range(max_epochs):
        changed = 0
        for n in range(len(x)):
            if y[n] * (x[n] @ w + b) <= 0:
                w += y[n] * x[n]
                b += y[n].item()
                changed += 1
        k += changed
        if changed == 0:
            break
    return w, b, k""", r"raised RuntimeError: .*same dtype.*Double and Float"),
        ("folds the labels into x in place", """
def perceptron_with_bias(x, y, max_epochs):
    x *= y[:, None]  # every row becomes y_n x_n
    w, b, k = torch.zeros(x.shape[1], dtype=x.dtype), 0.0, 0
    for _ in range(max_epochs):
        changed = 0
        for n in range(len(x)):
            if x[n] @ w + y[n].item() * b <= 0:
                w, b = w + x[n], b + y[n].item()
                changed += 1
        k += changed
        if changed == 0:
            break
    return w, b, k""", r"examples changed during training on 300 MNIST digits"),
    ],
    "Exercise 3 (proof_quantities)": [
        ("forgets to divide by ||w*||", """
def proof_quantities(x, y, mistakes, w_star):
    steps = torch.cumsum(y[mistakes, None] * x[mistakes], dim=0)
    return steps @ w_star, (steps**2).sum(dim=1)""", r"not divided by \|\|w\*\|\|"),
        ("norms, not squared", """
def proof_quantities(x, y, mistakes, w_star):
    steps = torch.cumsum(y[mistakes, None] * x[mistakes], dim=0)
    return steps @ w_star / w_star.norm(), steps.norm(dim=1)""", r"norms \|\|w_k\|\|; expected their squares"),
        ("includes w_0", """
def proof_quantities(x, y, mistakes, w_star):
    steps = torch.cumsum(y[mistakes, None] * x[mistakes], dim=0)
    steps = torch.cat([torch.zeros(1, x.shape[1], dtype=x.dtype), steps])
    return steps @ w_star / w_star.norm(), (steps**2).sum(dim=1)""",
         r"shapes \(5,\) and \(5,\).*w_0 = 0 is not included"),
        ("forgets the labels", """
def proof_quantities(x, y, mistakes, w_star):
    steps = torch.cumsum(x[mistakes], dim=0)
    return steps @ w_star / w_star.norm(), (steps**2).sum(dim=1)""", r"sums y_n x_n.*off by"),
        ("returns lists", """
def proof_quantities(x, y, mistakes, w_star):
    w, along, norms = torch.zeros(x.shape[1], dtype=x.dtype), [], []
    for n in mistakes:
        w = w + y[n] * x[n]
        along.append((w @ w_star / w_star.norm()).item())
        norms.append((w @ w).item())
    return along, norms""", r"returns a list and a list, expected two tensors"),
        ("signs the examples in place", """
def proof_quantities(x, y, mistakes, w_star):
    x[mistakes] *= y[mistakes, None]
    steps = torch.cumsum(x[mistakes], dim=0)
    return steps @ w_star / w_star.norm(), (steps**2).sum(dim=1)""", r"x, y or w\* changed"),
        ("divides by ||w_k||", """
def proof_quantities(x, y, mistakes, w_star):
    steps = torch.cumsum(y[mistakes, None] * x[mistakes], dim=0)
    return steps @ w_star / steps.norm(dim=1), (steps**2).sum(dim=1)""",
         r"w_k · w\*/\|\|w\*\|\| on the toy run.*off by"),
        ("cumulative sum along D", """
def proof_quantities(x, y, mistakes, w_star):
    steps = torch.cumsum(y[mistakes, None] * x[mistakes], dim=1)
    return steps @ w_star / w_star.norm(), (steps**2).sum(dim=1)""", r"w_k · w\*/\|\|w\*\|\| on the toy run.*off by"),
    ],
    "Exercise 4 (xor_features)": [
        ("stacks along dim 0", "def xor_features(x):\n    return torch.stack([x[:, 0], x[:, 1], x[:, 0] * x[:, 1]])",
         r"shape \(3, 4\), expected \(4, 3\).*dim=1"),
        ("only the product", "def xor_features(x):\n    return x[:, :1] * x[:, 1:]",
         r"shape \(4, 1\), expected \(4, 3\)"),
        ("u squared", "def xor_features(x):\n    return torch.cat([x, x[:, :1] * x[:, :1]], dim=1)",
         r"third column is \[4\.0, 0\.25, 2\.25\].*expected u·v"),
        ("appends the constant too", "def xor_features(x):\n"
         "    return torch.cat([x, x[:, :1] * x[:, 1:], torch.ones(len(x), 1)], dim=1)",
         r"shape \(4, 4\).*constant 1 is appended later"),
        ("product in place", "def xor_features(x):\n"
         "    product = x[:, :1]\n    product *= x[:, 1:]\n    return torch.cat([x, product], dim=1)",
         r"changed its input x.*not in place"),
        ("rebuilt from a Python list", "def xor_features(x):\n"
         "    return torch.tensor([[u, v, u * v] for u, v in x.tolist()])",
         r"dtype torch\.float32, expected torch\.float64"),
        ("returns a list of rows", "def xor_features(x):\n    return [[u, v, u * v] for u, v in x.tolist()]",
         r"returns a list, expected a tensor"),
    ],
    "Exercise 5 (logistic_gradient)": [
        ("sign error", "def logistic_gradient(w, x, y):\n    return (torch.sigmoid(-y * (x @ w)) * y) @ x / len(x)",
         r"at w = 0 your gradient is minus autograd's.*sign"),
        ("sum, not mean", "def logistic_gradient(w, x, y):\n    return -(torch.sigmoid(-y * (x @ w)) * y) @ x",
         r"N = 200 times.*divide the sum by N"),
        ("sigmoid of +margin", "def logistic_gradient(w, x, y):\n"
         "    return -(torch.sigmoid(y * (x @ w)) * y) @ x / len(x)", r"right at w = 0.*into the sigmoid"),
        ("forgets y inside the sigmoid", "def logistic_gradient(w, x, y):\n"
         "    return -(torch.sigmoid(-(x @ w)) * y) @ x / len(x)", r"right at w = 0.*into the sigmoid"),
        ("float32 gradient", "def logistic_gradient(w, x, y):\n"
         "    return (-(torch.sigmoid(-y * (x @ w)) * y) @ x / len(x)).float()",
         r"dtype torch\.float32, expected torch\.float64"),
        ("asks autograd", """
def logistic_gradient(w, x, y):
    w = w.clone().requires_grad_()
    (grad,) = torch.autograd.grad(F.softplus(-y * (x @ w)).mean(), w)
    return grad""", r"asks autograd for the gradient"),
        ("-y * x @ w reads as (-y * x) @ w", "def logistic_gradient(w, x, y):\n"
         "    return -(torch.sigmoid(-y * x @ w) * y) @ x / len(x)", r"raised RuntimeError: The size of tensor"),
        ("divides by D, not N", "def logistic_gradient(w, x, y):\n"
         "    return -(torch.sigmoid(-y * (x @ w)) * y) @ x / x.shape[1]", r"at w = 0 vs autograd is off by"),
    ],
}
