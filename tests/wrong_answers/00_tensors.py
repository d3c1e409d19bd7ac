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
        ("divides by the batch's max", "def to_unit_float(images):\n    return images.float() / images.max()",
         r"brightest pixel is 200.*constant 255, not by the largest value"),
        ("min-max rescaling", "def to_unit_float(images):\n"
         "    images = images.float()\n    return (images - images.min()) / (images.max() - images.min())",
         r"brightest pixel is 200.*becomes 1.*constant 255"),
        ("float16", "def to_unit_float(images):\n    return images.half() / 255", r"dtype is torch\.float16"),
        ("returns a NumPy array", "def to_unit_float(images):\n    return images.numpy().astype('float32') / 255",
         r"returns a ndarray, expected a torch tensor"),
        ("flattens the images", "def to_unit_float(images):\n    return images.flatten().float() / 255",
         r"shape \(6,\), expected the input's shape \(2, 3\)"),
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
        ("centre minus half the size", """
def center_crop(images, size):
    top = images.shape[2] // 2 - size // 2
    left = images.shape[3] // 2 - size // 2
    return images.narrow(2, top, size).narrow(3, left, size)""", r"starts at column 4, expected \(W - size\) // 2 = 3"),
        ("Python's round", """
def center_crop(images, size):
    top = round((images.shape[2] - size) / 2)
    left = round((images.shape[3] - size) / 2)
    return images.narrow(2, top, size).narrow(3, left, size)""", r"starts at column 4, expected \(W - size\) // 2 = 3"),
        ("offsets from the shape of a C × H × W image", """
def center_crop(images, size):
    top = (images.shape[1] - size) // 2
    left = (images.shape[2] - size) // 2
    return images.narrow(2, top, size).narrow(3, left, size)""", r"7 × 10 images starts at row 0, expected .* = 2"),
        ("indexes rows and columns with tensors", """
def center_crop(images, size):
    rows = torch.arange(size) + (images.shape[2] - size) // 2
    cols = torch.arange(size) + (images.shape[3] - size) // 2
    return images[:, :, rows][:, :, :, cols]""", r"is a copy.*view"),
        ("crops only the first image", """
def center_crop(images, size):
    top = (images.shape[2] - size) // 2
    left = (images.shape[3] - size) // 2
    return images[:1].narrow(2, top, size).narrow(3, left, size).expand(len(images), -1, -1, -1)""",
         r"every image, every channel\) has the right shape but different values"),
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
        ("unsqueezes a and b in place", "def pairwise_sq_dists(a, b):\n"
         "    return ((a.unsqueeze_(1) - b.unsqueeze_(0)) ** 2).sum(-1)", r"a or b changed.*not unsqueeze_"),
        ("computes in float32", "def pairwise_sq_dists(a, b):\n"
         "    return ((a[:, None].float() - b[None].float()) ** 2).sum(-1)",
         r"dtype torch\.float32, expected torch\.float64"),
        ("pairs a_i with b_i only", "def pairwise_sq_dists(a, b):\n"
         "    return ((a[:, None] - b[None, :len(a)]) ** 2).sum(-1)", r"shape \(5, 5\), expected \(5, 7\)"),
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
        ("squeeze() without a dim", "def per_example_matvec(W, x):\n"
         "    return torch.bmm(W, x.unsqueeze(2)).squeeze()",
         r"shape \(2,\), expected \(1, 2\).*squeeze\(\) would also"),
        ("the first matrix for every example", "def per_example_matvec(W, x):\n    return x @ W[0].T",
         r"with square W .* is off by"),
        ("x as a row times W", "def per_example_matvec(W, x):\n"
         "    return (x.unsqueeze(1) @ W).squeeze(1)", r"transpose W\[i\]ᵀ"),
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
        ("solves in float32", "def normal_equations(X, y):\n"
         "    return torch.linalg.solve((X.T @ X).float(), (X.T @ y).float())",
         r"dtype torch\.float32, expected torch\.float64"),
        ("NumPy's solver", "import numpy as np\n\n\ndef normal_equations(X, y):\n"
         "    return np.linalg.solve((X.T @ X).numpy(), (X.T @ y).numpy())", r"is a ndarray, expected a torch tensor"),
        ("a ridge term", "def normal_equations(X, y):\n"
         "    return torch.linalg.solve(X.T @ X + 1e-3 * torch.eye(X.shape[1], dtype=X.dtype), X.T @ y)",
         r"(α on the blood-pressure table is off by|normal equations .* on the blood-pressure table)"),
    ],
    "Exercise 6 (mse)": [
        ("the broadcasting bug itself", "def mse(prediction, target):\n"
         "    return (prediction - target).pow(2).mean().item()",
         r"shape \(5,\) and a target of shape \(5, 1\) is .*broadcasts to a 5 × 5 table"),
        ("returns a tensor", """
def mse(prediction, target):
    if prediction.numel() != target.numel():
        raise ValueError(f"{tuple(prediction.shape)} vs {tuple(target.shape)}")
    return (prediction.reshape(-1) - target.reshape(-1)).pow(2).mean()""",
         r"is a Tensor, expected a Python float: end with \.item\(\)"),
        ("squeeze() without a size check", "def mse(prediction, target):\n"
         "    return (prediction.squeeze() - target.squeeze()).pow(2).mean().item()",
         r"shape \(1,\) and a target of shape \(5, 1\) returned 1\.0, expected a ValueError"),
        ("reshape without a size check", "def mse(prediction, target):\n"
         "    return (prediction.reshape(-1) - target.reshape(-1)).pow(2).mean().item()",
         r"shape \(1,\) and a target of shape \(5, 1\) returned 1\.0, expected a ValueError"),
        ("computes in float32", """
def mse(prediction, target):
    if prediction.numel() != target.numel():
        raise ValueError(f"{tuple(prediction.shape)} vs {tuple(target.shape)}")
    return (prediction.float().reshape(-1) - target.float().reshape(-1)).pow(2).mean().item()""",
         r"you computed in float32.*inputs' dtype"),
        ("subtracts in place", """
def mse(prediction, target):
    if prediction.numel() != target.numel():
        raise ValueError(f"{tuple(prediction.shape)} vs {tuple(target.shape)}")
    errors = prediction.view(-1)
    errors -= target.view(-1)
    return errors.pow(2).mean().item()""", r"the inputs changed.*out of place"),
        ("the sum, not the mean", """
def mse(prediction, target):
    if prediction.numel() != target.numel():
        raise ValueError(f"{tuple(prediction.shape)} vs {tuple(target.shape)}")
    return (prediction.reshape(-1) - target.reshape(-1)).pow(2).sum().item()""",
         r"is the sum of the squared errors: divide by N"),
        ("a ValueError that names no shape", """
def mse(prediction, target):
    if prediction.numel() != target.numel():
        raise ValueError("prediction and target differ in size")
    return (prediction.reshape(-1) - target.reshape(-1)).pow(2).mean().item()""",
         r"raised ValueError\('prediction and target differ in size'\): name both shapes"),
        ("views the prediction as the target, lets torch raise", "def mse(prediction, target):\n"
         "    return (prediction.view(target.shape) - target).pow(2).mean().item()",
         r"raised RuntimeError \(shape '\[5, 1\]' is invalid.*expected a ValueError of your own"),
    ],
}
