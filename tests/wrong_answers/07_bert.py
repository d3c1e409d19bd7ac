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

POOLED = "pool(hidden, attention_mask)"
HEAD = """
class ClassificationHead(nn.Module):
    def __init__(self, d_model, n_classes=2, dropout=0.1):
        super().__init__()
        self.dropout = nn.Dropout({p})
        self.linear = nn.Linear(d_model, {classes})

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


def head(p: str = "dropout", body: str = f"self.linear(self.dropout({POOLED}))", classes: str = "n_classes") -> str:
    return HEAD.format(p=p, body=body, classes=classes)


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
        # the return type and the pooler's None: checked, not forgiven
        ("empty string for the pooler", """
_right_name = our_name


def our_name(name):
    target = _right_name(name)
    return "" if target is None else target""",
         r"pooler\.dense\.weight maps to '': our encoder has no pooler, return None"),
        ("KeyError on the pooler", """
_right_name = our_name


def our_name(name):
    if name.startswith("pooler."):
        raise KeyError(name)
    return _right_name(name)""", r"our_name\('pooler\..*raised KeyError.*our encoder has no pooler, return None"),
        ("the parts of the name, not joined", mapping("target = target.split('.')"),
         r"returned a list, .*return the name, a str"),
        ("layers numbered from 1", mapping("""
if target.startswith("layers."):
    index, rest = target[len("layers."):].split(".", 1)
    target = "layers." + str(int(index) + 1) + "." + rest"""), r"layers\.6\..*not a parameter of our encoder"),
        ("embedding LayerNorm weight and bias swapped", mapping("""
if target.startswith("embeddings.norm."):
    target = "embeddings.norm." + ("bias" if target.endswith("weight") else "weight")"""),
         r"the embeddings differ from the library's: a LayerNorm's weight and bias are swapped"),
        ("value and output projections swapped", mapping("""
if "v_proj" in target:
    target = target.replace("v_proj", "out_proj")
elif "out_proj" in target:
    target = target.replace("out_proj", "v_proj")"""), r"value projection and the output projection are swapped"),
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
        # the arguments left alone, the shape and dtype the text implies
        ("masks hidden in place", """
def mean_pooling(hidden, attention_mask):
    mask = attention_mask[..., None].to(hidden.dtype)
    hidden *= mask
    return hidden.sum(1) / mask.sum(1)""", r"changed its arguments in place"),
        ("keeps the token dimension",
         POOLING.format(body="(hidden * mask).sum(1, keepdim=True) / mask.sum(1, keepdim=True)"),
         r"shape \(3, 1, 4\), expected \(B, d\)"),
        ("float32 whatever the states", POOLING.format(body="((hidden * mask).sum(1) / mask.sum(1)).float()"),
         r"for float64 states the result is torch\.float32"),
    ],
    "Exercise 3 (ClassificationHead)": [
        ("pooling over the padding", head(body="self.linear(self.dropout(hidden.mean(1)))"),
         r"pools over the padding too"),
        ("the [CLS] state only", head(body="self.linear(self.dropout(hidden[:, 0]))"),
         r"reads the first token \(\[CLS\]\) only"),
        ("no dropout", head(body=f"self.linear({POOLED})"), r"not random: dropout is not applied"),
        ("dropout also in evaluation mode", head(
            body=f"self.linear(F.dropout({POOLED}, self.dropout.p, training=True))"),
         r"two calls in evaluation mode give different logits"),
        ("dropout rate ignored", head(p="0.1"),
         r"dropout rate is \[0\.1\].*use the argument"),
        ("dropout on the logits", head(body=f"self.dropout(self.linear({POOLED}))"),
         r"logits are exactly 0.*apply it to the pooled vector"),
        # dropout that keeps the expected value but is not the one asked for: compared draw for draw
        ("dropout on the token states", head(body="self.linear(pool(self.dropout(hidden), attention_mask))"),
         r"not linear\(dropout\(pooled\)\) for the same random draw"),
        ("dropout applied twice", head(body=f"self.linear(self.dropout(self.dropout({POOLED})))"),
         r"not linear\(dropout\(pooled\)\) for the same random draw"),
        ("rescaled by 1 - p", head(body=f"self.linear(self.dropout({POOLED}) * (1 - self.dropout.p))"),
         r"scaled by 1 - p: nn\.Dropout already scales"),
        ("two classes whatever n_classes", head(classes="2"), r"maps 8 -> 2, expected d_model -> n_classes = 8 -> 3"),
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
        # the return type, a head frozen by an earlier schedule, the train/eval mode
        ("count as a tensor", """
def freeze(model, n_top):
    n_layers = len(model.bert.encoder.layer)
    trainable = ["head."] + [f"bert.encoder.layer.{i}." for i in range(n_layers - n_top, n_layers)]
    if n_top == n_layers:
        trainable.append("bert.")
    for name, parameter in model.named_parameters():
        parameter.requires_grad_(name.startswith(tuple(trainable)))
    return torch.tensor([p.numel() for p in model.parameters() if p.requires_grad]).sum()""",
         r"freeze returned a Tensor \(tensor\(.*return the count as a Python int"),
        ("the head never unfrozen", """
def freeze(model, n_top):
    n_layers = len(model.bert.encoder.layer)
    trainable = tuple(f"encoder.layer.{i}." for i in range(n_layers - n_top, n_layers))
    for name, parameter in model.bert.named_parameters():
        parameter.requires_grad_(n_top == n_layers or name.startswith(trainable))
    return sum(p.numel() for p in model.parameters() if p.requires_grad)""",
         r"on a 6-layer encoder, the head is frozen"),
        ("layers[-n_top:] by module", """
def freeze(model, n_top):
    model.requires_grad_(False)
    for module in [model.head, *model.bert.encoder.layer[-n_top:]]:
        module.requires_grad_(True)
    if n_top == len(model.bert.encoder.layer):
        model.requires_grad_(True)
    return sum(p.numel() for p in model.parameters() if p.requires_grad)""",
         r"after freeze\(model, 0\) .*trained encoder layers are \[0, 1, .*11\], expected \[\]"),
        ("frozen encoder put in eval mode", freeze(count="parameter.numel() if parameter.requires_grad else 0\n"
                                                        "    model.bert.train(n_top > 0)"),
         r"train/eval mode of bert changed: freezing sets requires_grad only"),
    ],
}
