"""Plausible wrong answers to lecture 00's exercises (see tests/test_wrong_answers.py).

Not wrong, so not here: `images / 255`, `images / 255.0`, `images.float() / 255` (all float32 in [0, 1]).
"""

WRONG = {
    "Exercise 1 (to_unit_float)": [
        ("divides by 256", "def to_unit_float(images):\n    return images.to(torch.float32) / 256",
         r"255 becomes 0\.996.*not 256"),
        ("forgets to divide", "def to_unit_float(images):\n    return images.float()",
         r"255 becomes 255.*divide by 255"),
        ("float64", "def to_unit_float(images):\n    return images.double() / 255",
         r"dtype is torch\.float64.*float32"),
        ("integer division", "def to_unit_float(images):\n    return (images // 255).float()",
         r"51 becomes 0, expected 0\.2.*integer division"),
    ],
    "Exercise 2 (center_crop)": [
        ("left offset from H", """
def center_crop(images, size):
    top = (images.shape[2] - size) // 2
    left = (images.shape[2] - size) // 2
    return images.narrow(2, top, size).narrow(3, left, size)""", r"column 2, expected .* width W.*not the height"),
        ("narrow to an end, not a length", """
def center_crop(images, size):
    top = (images.shape[2] - size) // 2
    left = (images.shape[3] - size) // 2
    return images.narrow(2, top, top + size).narrow(3, left, left + size)""",
         r"shape \(2, 3, 5, 6\), expected \(2, 3, 3, 3\).*is a length"),
        ("rounds the offset up", """
def center_crop(images, size):
    top = (images.shape[2] - size + 1) // 2
    left = (images.shape[3] - size + 1) // 2
    return images.narrow(2, top, size).narrow(3, left, size)""", r"starts at column 4, expected \(W - size\) // 2 = 3"),
        ("copies the crop", """
def center_crop(images, size):
    top = (images.shape[2] - size) // 2
    left = (images.shape[3] - size) // 2
    return images.narrow(2, top, size).narrow(3, left, size).contiguous()""", r"is a copy.*view"),
        ("narrows N × H × W dims", """
def center_crop(images, size):
    top = (images.shape[1] - size) // 2
    left = (images.shape[2] - size) // 2
    return images.narrow(1, top, size).narrow(2, left, size)""",
         r"shape \(2, 3, 3, 10\).*dims 2 \(rows\) and 3 \(columns\)"),
    ],
    "Exercise 3 (pairwise_sq_dists)": [
        ("sums over the wrong axis", "def pairwise_sq_dists(a, b):\n    return ((a[:, None] - b[None]) ** 2).sum(1)",
         r"shape \(5, 3\), expected \(5, 7\).*summed away"),
        ("distances, not squared", "def pairwise_sq_dists(a, b):\n"
         "    return ((a[:, None] - b[None]) ** 2).sum(-1).sqrt()", r"not their squares"),
        ("mean instead of sum", "def pairwise_sq_dists(a, b):\n    return ((a[:, None] - b[None]) ** 2).mean(-1)",
         r"mean over D"),
        ("transposed result", "def pairwise_sq_dists(a, b):\n    return ((b[:, None] - a[None]) ** 2).sum(-1)",
         r"shape \(7, 5\), expected \(5, 7\).*one row per a_i"),
        ("forgets to square", "def pairwise_sq_dists(a, b):\n    return (a[:, None] - b[None]).sum(-1)",
         r"negative: square the differences"),
        ("expands the square", "def pairwise_sq_dists(a, b):\n"
         "    return (a**2).sum(1)[:, None] - 2 * a @ b.T + (b**2).sum(1)[None, :]",
         r"from itself, expected exactly 0"),
    ],
    "Exercise 4 (per_example_matvec)": [
        ("transposed W", "def per_example_matvec(W, x):\n"
         "    return torch.bmm(W.transpose(1, 2), x.unsqueeze(2)).squeeze(2)", r"transpose W\[i\]ᵀ"),
        ("forgets to squeeze", "def per_example_matvec(W, x):\n    return torch.bmm(W, x.unsqueeze(2))",
         r"shape \(5, 4, 1\).*squeeze"),
        ("sums over the wrong axis", "def per_example_matvec(W, x):\n    return (W * x[:, None, :]).sum(1)",
         r"square W.*last dimension of W.*off by"),
        ("row-vector product x @ W", "def per_example_matvec(W, x):\n    return x @ W",
         r"shape \(5, 5, 4\), expected \(5, 4\)"),
    ],
    "Exercise 5 (normal_equations)": [
        ("transposed result", "def normal_equations(X, y):\n    return torch.linalg.solve(X.T @ X, X.T @ y).T",
         r"shape \(1, 2\), expected \(2, 1\), a column"),
        ("X Xᵀ instead of Xᵀ X", "def normal_equations(X, y):\n    return torch.linalg.solve(X @ X.T, X.T @ y)",
         r"raised .*15x15 and 2x1"),
        ("multiplies instead of solving", "def normal_equations(X, y):\n    return (X.T @ X) @ (X.T @ y)",
         r"does not solve the normal equations"),
        ("scales one side by N",
         "def normal_equations(X, y):\n    return torch.linalg.solve(X.T @ X / len(X), X.T @ y)",
         r"does not solve the normal equations"),
    ],
}
