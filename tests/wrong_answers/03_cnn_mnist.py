"""Plausible wrong answers to lecture 03's exercises (see tests/test_wrong_answers.py)."""

WRONG = {
    "Exercise 1 (conv2d_unfold)": [
        ("forgets the bias", """
def conv2d_unfold(x, weight, bias=None, stride=1, padding=0):
    n, _, h, w = x.shape
    o, _, k, _ = weight.shape
    out = weight.reshape(o, -1) @ F.unfold(x, k, padding=padding, stride=stride)
    return out.reshape(n, o, (h + 2 * padding - k) // stride + 1, (w + 2 * padding - k) // stride + 1)""",
         r"with a bias"),
        ("flattens the weight in the wrong order", """
def conv2d_unfold(x, weight, bias=None, stride=1, padding=0):
    n, _, h, w = x.shape
    o, _, k, _ = weight.shape
    out = weight.reshape(-1, o).T @ F.unfold(x, k, padding=padding, stride=stride)
    if bias is not None:
        out = out + bias[:, None]
    return out.reshape(n, o, (h + 2 * padding - k) // stride + 1, (w + 2 * padding - k) // stride + 1)""",
         r"flatten the weight"),
        ("output size ignores the stride", """
def conv2d_unfold(x, weight, bias=None, stride=1, padding=0):
    n, _, h, w = x.shape
    o, _, k, _ = weight.shape
    out = weight.reshape(o, -1) @ F.unfold(x, k, padding=padding, stride=stride)
    if bias is not None:
        out = out + bias[:, None]
    return out.reshape(n, o, h + 2 * padding - k + 1, w + 2 * padding - k + 1)""",
         r"shape .* is invalid"),
        ("swaps height and width", """
def conv2d_unfold(x, weight, bias=None, stride=1, padding=0):
    n, _, h, w = x.shape
    o, _, k, _ = weight.shape
    out = weight.reshape(o, -1) @ F.unfold(x, k, padding=padding, stride=stride)
    if bias is not None:
        out = out + bias[:, None]
    return out.reshape(n, o, (w + 2 * padding - k) // stride + 1, (h + 2 * padding - k) // stride + 1)""",
         r"output shape for .* is \(2, 4, 5, 7\), expected \(2, 4, 7, 5\)"),
        ("kernel size hard-coded to 3", """
def conv2d_unfold(x, weight, bias=None, stride=1, padding=0):
    n, _, h, w = x.shape
    o = weight.shape[0]
    out = weight.reshape(o, -1) @ F.unfold(x, 3, padding=padding, stride=stride)
    if bias is not None:
        out = out + bias[:, None]
    return out.reshape(n, o, (h + 2 * padding - 3) // stride + 1, (w + 2 * padding - 3) // stride + 1)""",
         r"filters of 5 × 5.*read k from the weight's shape"),
        ("accumulates into a float32 buffer", """
def conv2d_unfold(x, weight, bias=None, stride=1, padding=0):
    n, _, h, w = x.shape
    o, _, k, _ = weight.shape
    out_h, out_w = (h + 2 * padding - k) // stride + 1, (w + 2 * padding - k) // stride + 1
    out = torch.zeros(n, o, out_h * out_w)
    out += weight.reshape(o, -1) @ F.unfold(x, k, padding=padding, stride=stride)
    if bias is not None:
        out += bias[:, None]
    return out.reshape(n, o, out_h, out_w)""",
         r"dtype torch\.float32 for inputs of dtype torch\.float64"),
    ],
    "Exercise 2 (conv_output_size)": [
        ("ignores the dilation", "def conv_output_size(i, k, s=1, p=0, d=1):\n    return (i + 2 * p - k) // s + 1",
         r"d=[23]\)"),
        ("pads one side only", "def conv_output_size(i, k, s=1, p=0, d=1):\n"
                               "    return (i + p - d * (k - 1) - 1) // s + 1",
         r"p=1, d=1\) is \d+, expected"),
        ("true division", "def conv_output_size(i, k, s=1, p=0, d=1):\n"
                          "    return (i + 2 * p - d * (k - 1) - 1) / s + 1",
         r"a float: a size is a whole number"),
        ("rounds up", "def conv_output_size(i, k, s=1, p=0, d=1):\n"
                      "    return math.ceil((i + 2 * p - d * (k - 1) - 1) / s) + 1",
         r"s=[23], p=\d, d=1\) is \d+, expected"),
        ("dilation widens the kernel to d·k", "def conv_output_size(i, k, s=1, p=0, d=1):\n"
                                              "    return (i + 2 * p - d * k) // s + 1",
         r"d=[23]\) is \d+, expected"),
        ("returns a tensor", "def conv_output_size(i, k, s=1, p=0, d=1):\n"
                             "    size = torch.tensor(i + 2 * p - d * (k - 1) - 1)\n"
                             "    return torch.div(size, s, rounding_mode='floor') + 1",
         r"a Tensor: a size is a whole number, a Python int"),
    ],
    "Exercise 3 (classic_net_sequential)": [
        ("forgets Dropout2d", """
def classic_net_sequential():
    return nn.Sequential(
        nn.Conv2d(1, 10, kernel_size=5), nn.MaxPool2d(2), nn.ReLU(),
        nn.Conv2d(10, 20, kernel_size=5), nn.MaxPool2d(2), nn.ReLU(),
        nn.Flatten(), nn.Linear(320, 50), nn.ReLU(), nn.Dropout(), nn.Linear(50, 10), nn.LogSoftmax(dim=1))""",
         r"layer 4 of your Sequential is MaxPool2d, expected Dropout2d"),
        ("forgets the dense dropout", """
def classic_net_sequential():
    return nn.Sequential(
        nn.Conv2d(1, 10, kernel_size=5), nn.MaxPool2d(2), nn.ReLU(),
        nn.Conv2d(10, 20, kernel_size=5), nn.Dropout2d(), nn.MaxPool2d(2), nn.ReLU(),
        nn.Flatten(), nn.Linear(320, 50), nn.ReLU(), nn.Linear(50, 10), nn.LogSoftmax(dim=1))""",
         r"layer 10 of your Sequential is Linear, expected Dropout"),
        ("Dropout instead of Dropout2d", """
def classic_net_sequential():
    return nn.Sequential(
        nn.Conv2d(1, 10, kernel_size=5), nn.MaxPool2d(2), nn.ReLU(),
        nn.Conv2d(10, 20, kernel_size=5), nn.Dropout(), nn.MaxPool2d(2), nn.ReLU(),
        nn.Flatten(), nn.Linear(320, 50), nn.ReLU(), nn.Dropout(), nn.Linear(50, 10), nn.LogSoftmax(dim=1))""",
         r"layer 4 of your Sequential is Dropout, expected Dropout2d"),
        ("softmax instead of log-softmax", """
def classic_net_sequential():
    return nn.Sequential(
        nn.Conv2d(1, 10, kernel_size=5), nn.MaxPool2d(2), nn.ReLU(),
        nn.Conv2d(10, 20, kernel_size=5), nn.Dropout2d(), nn.MaxPool2d(2), nn.ReLU(),
        nn.Flatten(), nn.Linear(320, 50), nn.ReLU(), nn.Dropout(), nn.Linear(50, 10), nn.Softmax(dim=1))""",
         r"layer 12 of your Sequential is Softmax, expected LogSoftmax"),
        ("dropout probability 0.2", """
def classic_net_sequential():
    return nn.Sequential(
        nn.Conv2d(1, 10, kernel_size=5), nn.MaxPool2d(2), nn.ReLU(),
        nn.Conv2d(10, 20, kernel_size=5), nn.Dropout2d(0.2), nn.MaxPool2d(2), nn.ReLU(),
        nn.Flatten(), nn.Linear(320, 50), nn.ReLU(), nn.Dropout(0.2), nn.Linear(50, 10), nn.LogSoftmax(dim=1))""",
         r"dropout probabilities"),
        ("pads the first convolution", """
def classic_net_sequential():
    return nn.Sequential(
        nn.Conv2d(1, 10, kernel_size=5, padding=2), nn.MaxPool2d(2), nn.ReLU(),
        nn.Conv2d(10, 20, kernel_size=5), nn.Dropout2d(), nn.MaxPool2d(2), nn.ReLU(),
        nn.Flatten(), nn.Linear(500, 50), nn.ReLU(), nn.Dropout(), nn.Linear(50, 10), nn.LogSoftmax(dim=1))""",
         r"layer 0 of your Sequential, Conv2d, has padding=\(2, 2\), expected \(0, 0\)"),
        ("log-softmax over the batch", """
def classic_net_sequential():
    return nn.Sequential(
        nn.Conv2d(1, 10, kernel_size=5), nn.MaxPool2d(2), nn.ReLU(),
        nn.Conv2d(10, 20, kernel_size=5), nn.Dropout2d(), nn.MaxPool2d(2), nn.ReLU(),
        nn.Flatten(), nn.Linear(320, 50), nn.ReLU(), nn.Dropout(), nn.Linear(50, 10), nn.LogSoftmax(dim=0))""",
         r"layer 12 of your Sequential, LogSoftmax, has dim=0, expected 1"),
        ("pools with stride 1", """
def classic_net_sequential():
    return nn.Sequential(
        nn.Conv2d(1, 10, kernel_size=5), nn.MaxPool2d(2, stride=1), nn.ReLU(),
        nn.Conv2d(10, 20, kernel_size=5), nn.Dropout2d(), nn.MaxPool2d(2, stride=1), nn.ReLU(),
        nn.Flatten(), nn.Linear(320, 50), nn.ReLU(), nn.Dropout(), nn.Linear(50, 10), nn.LogSoftmax(dim=1))""",
         r"layer 1 of your Sequential, MaxPool2d, has stride=\(1, 1\), expected \(2, 2\)"),
        ("returns one shared network", """
CLASSIC = nn.Sequential(
    nn.Conv2d(1, 10, kernel_size=5), nn.MaxPool2d(2), nn.ReLU(),
    nn.Conv2d(10, 20, kernel_size=5), nn.Dropout2d(), nn.MaxPool2d(2), nn.ReLU(),
    nn.Flatten(), nn.Linear(320, 50), nn.ReLU(), nn.Dropout(), nn.Linear(50, 10), nn.LogSoftmax(dim=1))


def classic_net_sequential():
    return CLASSIC""",
         r"two calls returned the same layers"),
    ],
    "Exercise 4 (Bottleneck)": [
        ("no ReLU inside F", """
class Bottleneck(nn.Module):
    def __init__(self, channels, mid):
        super().__init__()
        self.reduce, self.bn1 = nn.Conv2d(channels, mid, 1, bias=False), nn.BatchNorm2d(mid)
        self.conv, self.bn2 = nn.Conv2d(mid, mid, 3, padding=1, bias=False), nn.BatchNorm2d(mid)
        self.expand, self.bn3 = nn.Conv2d(mid, channels, 1, bias=False), nn.BatchNorm2d(channels)

    def forward(self, x):
        out = F.relu(self.bn1(self.reduce(x)))
        out = self.bn2(self.conv(out))
        return F.relu(x + self.bn3(self.expand(out)))""",
         r"missing the ReLU after its second BatchNorm"),
        ("no final ReLU", """
class Bottleneck(nn.Module):
    def __init__(self, channels, mid):
        super().__init__()
        self.reduce, self.bn1 = nn.Conv2d(channels, mid, 1, bias=False), nn.BatchNorm2d(mid)
        self.conv, self.bn2 = nn.Conv2d(mid, mid, 3, padding=1, bias=False), nn.BatchNorm2d(mid)
        self.expand, self.bn3 = nn.Conv2d(mid, channels, 1, bias=False), nn.BatchNorm2d(channels)

    def forward(self, x):
        out = F.relu(self.bn1(self.reduce(x)))
        out = F.relu(self.bn2(self.conv(out)))
        return x + self.bn3(self.expand(out))""",
         r"final ReLU is missing"),
        ("no shortcut", """
class Bottleneck(nn.Module):
    def __init__(self, channels, mid):
        super().__init__()
        self.reduce, self.bn1 = nn.Conv2d(channels, mid, 1, bias=False), nn.BatchNorm2d(mid)
        self.conv, self.bn2 = nn.Conv2d(mid, mid, 3, padding=1, bias=False), nn.BatchNorm2d(mid)
        self.expand, self.bn3 = nn.Conv2d(mid, channels, 1, bias=False), nn.BatchNorm2d(channels)

    def forward(self, x):
        out = F.relu(self.bn1(self.reduce(x)))
        out = F.relu(self.bn2(self.conv(out)))
        return F.relu(self.bn3(self.expand(out)))""",
         r"shortcut is missing"),
        ("3x3 conv without padding", """
class Bottleneck(nn.Module):
    def __init__(self, channels, mid):
        super().__init__()
        self.reduce, self.bn1 = nn.Conv2d(channels, mid, 1, bias=False), nn.BatchNorm2d(mid)
        self.conv, self.bn2 = nn.Conv2d(mid, mid, 3, bias=False), nn.BatchNorm2d(mid)
        self.expand, self.bn3 = nn.Conv2d(mid, channels, 1, bias=False), nn.BatchNorm2d(channels)

    def forward(self, x):
        out = F.relu(self.bn1(self.reduce(x)))
        out = F.relu(self.bn2(self.conv(out)))
        return F.relu(x + self.bn3(self.expand(out)))""",
         r"the convolutions, in order, as \(in, out, kernel, padding, without bias\)"),
        ("convs keep their bias", """
class Bottleneck(nn.Module):
    def __init__(self, channels, mid):
        super().__init__()
        self.reduce, self.bn1 = nn.Conv2d(channels, mid, 1), nn.BatchNorm2d(mid)
        self.conv, self.bn2 = nn.Conv2d(mid, mid, 3, padding=1), nn.BatchNorm2d(mid)
        self.expand, self.bn3 = nn.Conv2d(mid, channels, 1), nn.BatchNorm2d(channels)

    def forward(self, x):
        out = F.relu(self.bn1(self.reduce(x)))
        out = F.relu(self.bn2(self.conv(out)))
        return F.relu(x + self.bn3(self.expand(out)))""",
         r"without bias"),
        ("reuses the second BatchNorm after the 1x1 reduce", """
class Bottleneck(nn.Module):
    def __init__(self, channels, mid):
        super().__init__()
        self.reduce, self.bn1 = nn.Conv2d(channels, mid, 1, bias=False), nn.BatchNorm2d(mid)
        self.conv, self.bn2 = nn.Conv2d(mid, mid, 3, padding=1, bias=False), nn.BatchNorm2d(mid)
        self.expand, self.bn3 = nn.Conv2d(mid, channels, 1, bias=False), nn.BatchNorm2d(channels)

    def forward(self, x):
        out = F.relu(self.bn2(self.reduce(x)))
        out = F.relu(self.bn2(self.conv(out)))
        return F.relu(x + self.bn3(self.expand(out)))""",
         r"BatchNorms are mixed up"),
        ("adds the shortcut into x in place", """
class Bottleneck(nn.Module):
    def __init__(self, channels, mid):
        super().__init__()
        self.reduce, self.bn1 = nn.Conv2d(channels, mid, 1, bias=False), nn.BatchNorm2d(mid)
        self.conv, self.bn2 = nn.Conv2d(mid, mid, 3, padding=1, bias=False), nn.BatchNorm2d(mid)
        self.expand, self.bn3 = nn.Conv2d(mid, channels, 1, bias=False), nn.BatchNorm2d(channels)

    def forward(self, x):
        out = F.relu(self.bn1(self.reduce(x)))
        out = F.relu(self.bn2(self.conv(out)))
        x += self.bn3(self.expand(out))
        return F.relu(x)""",
         r"changed its input x in place"),
        ("detaches the shortcut", """
class Bottleneck(nn.Module):
    def __init__(self, channels, mid):
        super().__init__()
        self.reduce, self.bn1 = nn.Conv2d(channels, mid, 1, bias=False), nn.BatchNorm2d(mid)
        self.conv, self.bn2 = nn.Conv2d(mid, mid, 3, padding=1, bias=False), nn.BatchNorm2d(mid)
        self.expand, self.bn3 = nn.Conv2d(mid, channels, 1, bias=False), nn.BatchNorm2d(channels)

    def forward(self, x):
        identity = x.detach()  # the shortcut carries no weights
        out = F.relu(self.bn1(self.reduce(x)))
        out = F.relu(self.bn2(self.conv(out)))
        return F.relu(identity + self.bn3(self.expand(out)))""",
         r"gradient of the output with respect to x"),
    ],
    "Exercise 5 (random_shift)": [
        ("never shifts by +max_shift", """
def random_shift(images, max_shift=2):
    n, _, h, w = images.shape
    padded = F.pad(images, (max_shift,) * 4)
    dy = torch.randint(0, 2 * max_shift, (n,))
    dx = torch.randint(0, 2 * max_shift, (n,))
    rows = (dy[:, None] + torch.arange(h))[:, :, None]
    cols = (dx[:, None] + torch.arange(w))[:, None, :]
    return padded[torch.arange(n)[:, None, None], :, rows, cols].permute(0, 3, 1, 2)""",
         r"never occurred.*upper bound of torch.randint is excluded"),
        ("reuses dy for the columns", """
def random_shift(images, max_shift=2):
    n, _, h, w = images.shape
    padded = F.pad(images, (max_shift,) * 4)
    dy = torch.randint(0, 2 * max_shift + 1, (n,))
    rows = (dy[:, None] + torch.arange(h))[:, :, None]
    cols = (dy[:, None] + torch.arange(w))[:, None, :]
    return padded[torch.arange(n)[:, None, None], :, rows, cols].permute(0, 3, 1, 2)""",
         r"same amount down and right.*draw dx separately"),
        ("one shift for the whole batch", """
def random_shift(images, max_shift=2):
    h, w = images.shape[-2:]
    dy, dx = torch.randint(0, 2 * max_shift + 1, (2,)).tolist()
    return F.pad(images, (max_shift,) * 4)[..., dy:dy + h, dx:dx + w]""",
         r"got the same shift.*one \(dy, dx\) per image"),
        ("wraps around with torch.roll", """
def random_shift(images, max_shift=2):
    shifts = torch.randint(-max_shift, max_shift + 1, (len(images), 2))
    return torch.stack([img.roll(tuple(s.tolist()), (1, 2)) for img, s in zip(images, shifts)])""",
         r"wraps around like torch.roll"),
        ("pads into a float32 buffer", """
def random_shift(images, max_shift=2):
    n, c, h, w = images.shape
    padded = torch.zeros(n, c, h + 2 * max_shift, w + 2 * max_shift)
    padded[..., max_shift:max_shift + h, max_shift:max_shift + w] = images
    dy = torch.randint(0, 2 * max_shift + 1, (n,))
    dx = torch.randint(0, 2 * max_shift + 1, (n,))
    rows = (dy[:, None] + torch.arange(h))[:, :, None]
    cols = (dx[:, None] + torch.arange(w))[:, None, :]
    return padded[torch.arange(n)[:, None, None], :, rows, cols].permute(0, 3, 1, 2)""",
         r"dtype torch\.float32, expected torch\.float64"),
        ("writes the result into the input", """
def random_shift(images, max_shift=2):
    n, _, h, w = images.shape
    padded = F.pad(images, (max_shift,) * 4)
    dy = torch.randint(0, 2 * max_shift + 1, (n,))
    dx = torch.randint(0, 2 * max_shift + 1, (n,))
    rows = (dy[:, None] + torch.arange(h))[:, :, None]
    cols = (dx[:, None] + torch.arange(w))[:, None, :]
    return images.copy_(padded[torch.arange(n)[:, None, None], :, rows, cols].permute(0, 3, 1, 2))""",
         r"changed its input batch in place"),
        ("seeds the generator inside", """
def random_shift(images, max_shift=2):
    torch.manual_seed(0)  # reproducible augmentation
    n, _, h, w = images.shape
    padded = F.pad(images, (max_shift,) * 4)
    dy = torch.randint(0, 2 * max_shift + 1, (n,))
    dx = torch.randint(0, 2 * max_shift + 1, (n,))
    rows = (dy[:, None] + torch.arange(h))[:, :, None]
    cols = (dx[:, None] + torch.arange(w))[:, None, :]
    return padded[torch.arange(n)[:, None, None], :, rows, cols].permute(0, 3, 1, 2)""",
         r"second call shifted every image exactly as the first"),
        ("one index for the 25 shifts, upper bound excluded", """
def random_shift(images, max_shift=2):
    n, _, h, w = images.shape
    side = 2 * max_shift + 1
    padded = F.pad(images, (max_shift,) * 4)
    k = torch.randint(0, side * side - 1, (n,))
    dy, dx = k // side, k % side
    rows = (dy[:, None] + torch.arange(h))[:, :, None]
    cols = (dx[:, None] + torch.arange(w))[:, None, :]
    return padded[torch.arange(n)[:, None, None], :, rows, cols].permute(0, 3, 1, 2)""",
         r"never occurred: \[\(-2, -2\)\]"),
    ],
    "Exercise 6 (occlusion_map_batched)": [
        ("one forward per patch", "occlusion_map_batched = occlusion_map", r"the model was called \d+ times"),
        ("drop with the opposite sign", """
@torch.no_grad()
def occlusion_map_batched(model, image, label, patch=6, stride=2):
    model.eval()
    h, w = image.shape[-2:]
    tops, lefts = torch.arange(0, h - patch + 1, stride), torch.arange(0, w - patch + 1, stride)
    rows, cols = torch.arange(h), torch.arange(w)
    in_rows = (rows >= tops[:, None]) & (rows < tops[:, None] + patch)
    in_cols = (cols >= lefts[:, None]) & (cols < lefts[:, None] + patch)
    masks = (~(in_rows[:, None, :, None] & in_cols[None, :, None, :])).flatten(0, 1)[:, None].to(image)
    probs = model(torch.cat([image[None], image[None] * masks])).softmax(1)[:, label]
    return (probs[1:] - probs[0]).reshape(len(tops), len(lefts))""",
         r"opposite sign"),
        ("patch one pixel too wide", """
@torch.no_grad()
def occlusion_map_batched(model, image, label, patch=6, stride=2):
    model.eval()
    h, w = image.shape[-2:]
    tops, lefts = torch.arange(0, h - patch + 1, stride), torch.arange(0, w - patch + 1, stride)
    rows, cols = torch.arange(h), torch.arange(w)
    in_rows = (rows >= tops[:, None]) & (rows <= tops[:, None] + patch)
    in_cols = (cols >= lefts[:, None]) & (cols <= lefts[:, None] + patch)
    masks = (~(in_rows[:, None, :, None] & in_cols[None, :, None, :])).flatten(0, 1)[:, None].to(image)
    probs = model(torch.cat([image[None], image[None] * masks])).softmax(1)[:, label]
    return (probs[0] - probs[1:]).reshape(len(tops), len(lefts))""",
         r"occlusion map of a 28 × 28 image with patch=6, stride=2 is off by"),
        ("rows and columns swapped", """
@torch.no_grad()
def occlusion_map_batched(model, image, label, patch=6, stride=2):
    model.eval()
    h, w = image.shape[-2:]
    tops, lefts = torch.arange(0, h - patch + 1, stride), torch.arange(0, w - patch + 1, stride)
    rows, cols = torch.arange(h), torch.arange(w)
    in_rows = (rows >= tops[:, None]) & (rows < tops[:, None] + patch)
    in_cols = (cols >= lefts[:, None]) & (cols < lefts[:, None] + patch)
    masks = (~(in_rows[None, :, :, None] & in_cols[:, None, None, :])).flatten(0, 1)[:, None].to(image)
    probs = model(torch.cat([image[None], image[None] * masks])).softmax(1)[:, label]
    return (probs[0] - probs[1:]).reshape(len(tops), len(lefts))""",
         r"rows and columns swapped"),
        ("assumes a square image", """
@torch.no_grad()
def occlusion_map_batched(model, image, label, patch=6, stride=2):
    model.eval()
    size = image.shape[-1]
    starts = torch.arange(0, size - patch + 1, stride)
    pixels = torch.arange(size)
    inside = (pixels >= starts[:, None]) & (pixels < starts[:, None] + patch)
    masks = (~(inside[:, None, :, None] & inside[None, :, None, :])).flatten(0, 1)[:, None].to(image)
    probs = model(torch.cat([image[None], image[None] * masks])).softmax(1)[:, label]
    return (probs[0] - probs[1:]).reshape(len(starts), len(starts))""",
         r"20 × 26 image"),
        ("returns a numpy array", """
@torch.no_grad()
def occlusion_map_batched(model, image, label, patch=6, stride=2):
    model.eval()
    h, w = image.shape[-2:]
    tops, lefts = torch.arange(0, h - patch + 1, stride), torch.arange(0, w - patch + 1, stride)
    rows, cols = torch.arange(h), torch.arange(w)
    in_rows = (rows >= tops[:, None]) & (rows < tops[:, None] + patch)
    in_cols = (cols >= lefts[:, None]) & (cols < lefts[:, None] + patch)
    masks = (~(in_rows[:, None, :, None] & in_cols[None, :, None, :])).flatten(0, 1)[:, None].to(image)
    probs = model(torch.cat([image[None], image[None] * masks])).softmax(1)[:, label]
    return (probs[0] - probs[1:]).reshape(len(tops), len(lefts)).cpu().numpy()  # ready for imshow""",
         r"returned a ndarray, expected a tensor"),
        ("occludes the image itself", """
@torch.no_grad()
def occlusion_map_batched(model, image, label, patch=6, stride=2):
    model.eval()
    h, w = image.shape[-2:]
    tops, lefts = range(0, h - patch + 1, stride), range(0, w - patch + 1, stride)
    copies = [image.clone()]
    for top in tops:
        for left in lefts:
            occluded = image
            occluded[..., top:top + patch, left:left + patch] = 0
            copies.append(occluded.clone())
    probs = model(torch.stack(copies)).softmax(1)[:, label]
    return (probs[0] - probs[1:]).reshape(len(tops), len(lefts))""",
         r"changed the image in place"),
        ("keeps the masks of the first call", """
MASKS = {}


@torch.no_grad()
def occlusion_map_batched(model, image, label, patch=6, stride=2):
    model.eval()
    h, w = image.shape[-2:]
    if (h, w) not in MASKS:  # the masks only depend on the image size: build them once
        tops, lefts = torch.arange(0, h - patch + 1, stride), torch.arange(0, w - patch + 1, stride)
        rows, cols = torch.arange(h), torch.arange(w)
        in_rows = (rows >= tops[:, None]) & (rows < tops[:, None] + patch)
        in_cols = (cols >= lefts[:, None]) & (cols < lefts[:, None] + patch)
        covered = in_rows[:, None, :, None] & in_cols[None, :, None, :]
        MASKS[h, w] = (~covered).flatten(0, 1)[:, None].to(image), (len(tops), len(lefts))
    masks, shape = MASKS[h, w]
    probs = model(torch.cat([image[None], image[None] * masks])).softmax(1)[:, label]
    return (probs[0] - probs[1:]).reshape(shape)""",
         r"patch=5, stride=3"),
    ],
}
