"""Plausible wrong answers to lecture 07's exercises (see tests/test_wrong_answers.py)."""

# Exercise 1: each wrong mapping wraps the right one (the exercise cell holds it when a trial starts).
MAPPING = """
_right_name = our_name


def our_name(name):
    target = _right_name(name)
    if target is None:
        return None
{change}
    return target"""


def mapping(change: str) -> str:
    return MAPPING.format(change="\n".join("    " + line for line in change.strip().splitlines()))


POOLING = """
def mean_pooling(hidden, attention_mask):
    mask = attention_mask[..., None].to(hidden.dtype)
    return {body}"""

POOLED = "masked_mean(hidden, attention_mask)"
HEAD = """
class ClassificationHead(nn.Module):
    def __init__(self, d_model, n_classes=2, dropout=0.1):
        super().__init__()
        self.dropout = nn.Dropout({p})
        self.linear = nn.Linear(d_model, n_classes)

    def forward(self, hidden, attention_mask):
        return {body}"""

FREEZE = """
def freeze(model, n_top):
    n_layers = len(model.bert.encoder.layer)
    trainable = ["head."] + [f"bert.encoder.layer.{{i}}." for i in range({first}, {stop})]
    if n_top == n_layers:
        trainable.append({everything})
    count = 0
    for name, parameter in model.named_parameters():
        parameter.requires_grad_({rule})
        count += {count}
    return count"""
RIGHT_FREEZE = dict(first="n_layers - n_top", stop="n_layers", everything='"bert."',
                    rule="name.startswith(tuple(trainable))",
                    count="parameter.numel() if parameter.requires_grad else 0")


def freeze(**changes) -> str:
    return FREEZE.format(**{**RIGHT_FREEZE, **changes})


WRONG = {
    "Exercise 1 (our_name)": [
        ("query and key swapped", mapping("""
if "q_proj" in target:
    target = target.replace("q_proj", "k_proj")
elif "k_proj" in target:
    target = target.replace("k_proj", "q_proj")"""), r"query and key projections are swapped"),
        ("LayerNorms forgotten", mapping("""
if "norm" in target:
    return None"""), r"LayerNorm\.weight maps to nothing.*LayerNorms included"),
        ("LayerNorm weight mapped to bias", mapping("""
if "norm" in target:
    target = target.replace(".weight", ".TMP").replace(".bias", ".weight").replace(".TMP", ".bias")"""),
         r"weight and bias are swapped"),
        ("the two LayerNorms of a layer swapped", mapping("""
if target.endswith(("norm1.weight", "norm1.bias")):
    target = target.replace("norm1", "norm2")
elif target.endswith(("norm2.weight", "norm2.bias")):
    target = target.replace("norm2", "norm1")"""), r"two LayerNorms of a layer are swapped"),
        ("feed-forward layers swapped", mapping("""
if "linear1" in target:
    target = target.replace("linear1", "linear2")
elif "linear2" in target:
    target = target.replace("linear2", "linear1")"""),
         r"intermediate\.dense.*has shape \(1536, 384\).*not the same tensor"),
        ("library names kept for the layers", mapping("""
if target.startswith("layers."):
    target = "encoder.layer." + target[len("layers."):]"""), r"not a parameter of our encoder"),
        ("pooler mapped onto the last layer", """
_right_name = our_name


def our_name(name):
    if name.startswith("pooler."):
        return name.replace("pooler.dense", "layers.5.self_attn.out_proj")
    return _right_name(name)""", r"pooler.*our encoder has no pooler, return None"),
    ],
    "Exercise 2 (mean_pooling)": [
        ("plain mean over the padding", POOLING.format(body="hidden.mean(1)"), r"averages over the padding too"),
        ("divided by the padded length", POOLING.format(body="(hidden * mask).sum(1) / hidden.shape[1]"),
         r"divides by the padded length"),
        ("divided by the batch's token count", POOLING.format(body="(hidden * mask).sum(1) / mask.sum()"),
         r"number of real tokens of the whole batch"),
        ("sum instead of mean", POOLING.format(body="(hidden * mask).sum(1)"),
         r"sum over the real tokens, not their mean"),
        ("mean over the features", POOLING.format(body="(hidden * mask).mean(2)"),
         r"shape \(3, 5\), expected \(B, d\) = \(3, 4\)"),
    ],
    "Exercise 3 (ClassificationHead)": [
        ("pooling over the padding", HEAD.format(p="dropout", body="self.linear(self.dropout(hidden.mean(1)))"),
         r"pools over the padding too"),
        ("the [CLS] state only", HEAD.format(p="dropout", body="self.linear(self.dropout(hidden[:, 0]))"),
         r"reads the first token \(\[CLS\]\) only"),
        ("no dropout", HEAD.format(p="dropout", body=f"self.linear({POOLED})"), r"not random: dropout is not applied"),
        ("dropout also in evaluation mode", HEAD.format(
            p="dropout", body=f"self.linear(F.dropout({POOLED}, self.dropout.p, training=True))"),
         r"two calls in evaluation mode give different logits"),
        ("dropout rate ignored", HEAD.format(p="0.1", body=f"self.linear(self.dropout({POOLED}))"),
         r"dropout rate is \[0\.1\].*use the argument"),
        ("dropout on the logits", HEAD.format(p="dropout", body=f"self.dropout(self.linear({POOLED}))"),
         r"logits are exactly 0.*apply it to the pooled vector"),
    ],
    "Exercise 4 (freeze)": [
        ("head frozen instead of the body", freeze(rule="not name.startswith(tuple(trainable))",
                                                   count="parameter.numel() if parameter.requires_grad else 0"),
         r"the head is frozen"),
        ("frozen parameters counted too", freeze(count="parameter.numel()"),
         r"freeze returned .* trainable parameters: count p\.numel\(\) of the parameters with requires_grad only"),
        ("tensors counted, not numbers", freeze(count="1 if parameter.requires_grad else 0"),
         r"freeze returned .*count p\.numel\(\)"),
        ("one layer too many", freeze(first="max(0, n_layers - n_top - 1)"),
         r"trained encoder layers are \[9, 10, 11\], expected \[10, 11\]"),
        ("the first layers instead of the last", freeze(first="0", stop="n_top"),
         r"trained encoder layers are \[0, 1\], expected \[10, 11\] \(the last n_top ones\)"),
        ("embeddings never trained", freeze(everything='"bert.encoder."'),
         r"after freeze\(model, 12\).*embeddings.*requires_grad=False, expected True"),
        ("embeddings always trained", freeze(rule='name.startswith(tuple(trainable + ["bert.embeddings."]))'),
         r"embeddings.*requires_grad=True, expected False.*embeddings train only when n_top is the number of layers"),
        ("earlier freezing not undone", freeze(rule="parameter.requires_grad or name.startswith(tuple(trainable))"),
         r"after freeze\(model, 2\).*trained encoder layers are \[0, 1, 2, .*expected \[10, 11\]"),
    ],
}
