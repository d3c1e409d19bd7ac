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
         r"shapes \(4,\) and \(4,\).*w_0 = 0 is not included"),
        ("forgets the labels", """
def proof_quantities(x, y, mistakes, w_star):
    steps = torch.cumsum(x[mistakes], dim=0)
    return steps @ w_star / w_star.norm(), (steps**2).sum(dim=1)""", r"sums y_n x_n.*off by"),
    ],
    "Exercise 4 (xor_features)": [
        ("stacks along dim 0", "def xor_features(x):\n    return torch.stack([x[:, 0], x[:, 1], x[:, 0] * x[:, 1]])",
         r"shape \(3, 4\), expected \(4, 3\).*dim=1"),
        ("only the product", "def xor_features(x):\n    return x[:, :1] * x[:, 1:]",
         r"shape \(4, 1\), expected \(4, 3\)"),
        ("u squared", "def xor_features(x):\n    return torch.cat([x, x[:, :1] * x[:, :1]], dim=1)",
         r"third column is \[4\.0, 0\.25\].*expected u·v"),
        ("appends the constant too", "def xor_features(x):\n"
         "    return torch.cat([x, x[:, :1] * x[:, 1:], torch.ones(len(x), 1)], dim=1)",
         r"shape \(4, 4\).*constant 1 is appended later"),
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
    ],
}
