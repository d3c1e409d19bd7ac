"""Plausible wrong answers to lecture 07's exercises (see tests/test_wrong_answers.py)."""

from answer_template import answer

# Exercise 2: each wrong mapping wraps the right one (the exercise cell holds it when a trial starts).
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


freeze = answer(FREEZE, **RIGHT_FREEZE)


head = answer(HEAD, p="dropout", body=f"self.linear(self.dropout({POOLED}))", classes="n_classes")


# Exercise 6: the right schedule with its stage or its result changed.
SCHEDULE = """
def unfreezing_schedule(step, total_steps, n_layers, top=2):
    stage = {stage}
    return {result}"""
RIGHT_SCHEDULE = dict(stage="3 * step // total_steps", result="(0, top, n_layers)[stage]")


schedule = answer(SCHEDULE, **RIGHT_SCHEDULE)


# Exercise 1: the right masking with one of its lines changed.
MASKING = """
def mask_tokens(ids, attention_mask, special, generator, *, mask_id, words, rate=0.15):
    can_choose = {can}
    chosen = {chosen}
    labels = {labels}
    draw = torch.rand(ids.shape, generator=generator)
    random_ids = {random_ids}
    inputs = {inputs}
    inputs = torch.where(chosen & {random_rule}, random_ids, inputs)
    return inputs, labels"""
RIGHT_MASKING = dict(can="attention_mask.bool() & ~special",
                     chosen="(torch.rand(ids.shape, generator=generator) < rate) & can_choose",
                     labels="ids.masked_fill(~chosen, -100)",
                     random_ids="torch.randint(words.start, words.stop, ids.shape, generator=generator)",
                     inputs="torch.where(chosen & (draw < 0.8), mask_id, ids)",
                     random_rule="(draw >= 0.8) & (draw < 0.9)")


masking = answer(MASKING, **RIGHT_MASKING)


WRONG = {
    "Exercise 1 (mask_tokens)": [
        ("special tokens chosen", masking(can="attention_mask.bool()"),
         r"special tokens \(\[CLS\], \[SEP\]\) are chosen"),
        ("padding chosen", masking(can="~special"), r"padding is chosen"),
        ("every position chosen, no exclusion", masking(can="torch.ones_like(special)"), r"padding is chosen"),
        ("whole sentences chosen", masking(
            chosen="(torch.rand(ids.shape[0], 1, generator=generator) < rate) & can_choose"),
         r"whole sentences are chosen or not"),
        ("exactly 15 % of the batch", masking(chosen="""torch.zeros_like(can_choose)
    where = can_choose.flatten().nonzero()[:, 0]
    pick = where[torch.randperm(len(where), generator=generator)[:round(rate * len(where))]]
    chosen = chosen.flatten().index_fill(0, pick, True).view_as(ids)"""), r"fixed share of the batch"),
        ("labels left on tokens not chosen", masking(labels="ids.clone()"),
         r"labels are left on tokens that were not chosen"),
        ("labels left on real tokens not chosen", masking(labels="ids.masked_fill(~can_choose, -100)"),
         r"labels are left on tokens that were not chosen"),
        ("labels hold the inputs", masking(inputs="torch.where(chosen & (draw < 0.8), mask_id, ids)\n"
                                                  "    labels = inputs.masked_fill(~chosen, -100)"),
         r"not the id it was replaced by"),
        ("[MASK] 100 % of the time", masking(inputs="torch.where(chosen, mask_id, ids)", random_rule="(draw > 2)"),
         r"every chosen token became \[MASK\]"),
        ("random tokens from the whole vocabulary", masking(
            random_ids="torch.randint(0, words.stop, ids.shape, generator=generator)"),
         r"random tokens are ids below words\.start"),
        ("random tokens from range(len(words))", masking(
            random_ids="torch.randint(len(words), ids.shape, generator=generator)"),
         r"random tokens are ids below words\.start"),
        ("one random word for all", masking(
            random_ids="torch.randint(words.start, words.stop, (1,), generator=generator).expand(ids.shape)"),
         r"random tokens take only 1 values"),
        ("separate draws for [MASK] and random", masking(
            random_rule="(torch.rand(ids.shape, generator=generator) < 0.1)"),
         r"expected 80 % \[MASK\], 10 % random"),
        ("10 % of the rest random, not half of it", masking(random_rule="(draw >= 0.8) & (draw < 0.82)"),
         r"expected 80 % \[MASK\], 10 % random"),
        ("rate hard-coded", masking(chosen="(torch.rand(ids.shape, generator=generator) < 0.15) & can_choose"),
         r"with rate=0\.4, .* use rate"),
        ("choose with rand > rate", masking(chosen="(torch.rand(ids.shape, generator=generator) > rate) & can_choose"),
         r"labels are left on tokens that were not chosen|of the real tokens are chosen"),
        # the random draws from the generator passed in, the arguments left alone, the types the text names
        ("global random generator", masking(chosen="(torch.rand(ids.shape) < rate) & can_choose"),
         r"draws from torch's global random generator"),
        ("a generator of its own", masking(can="attention_mask.bool() & ~special\n"
                                               "    generator = torch.Generator().manual_seed(0)"),
         r"generators of different seeds give the same tokens"),
        ("ids masked in place", masking(inputs="ids.masked_fill_(chosen & (draw < 0.8), mask_id)"),
         r"changed its arguments in place"),
        ("labels as floats", masking(labels="torch.where(chosen, ids.float(), -100.0)"),
         r"labels are torch\.float32: .*torch\.long"),
        ("returns a list", masking() + "\n\n\n_right_masking = mask_tokens\n\n\ndef mask_tokens(*args, **kwargs):\n"
                                       "    return list(_right_masking(*args, **kwargs))",
         r"returned list: return the pair"),
    ],
    "Exercise 2 (our_name)": [
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
    "Exercise 3 (mean_pooling)": [
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
    "Exercise 4 (ClassificationHead)": [
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
    "Exercise 5 (freeze)": [
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
    "Exercise 6 (unfreezing_schedule)": [
        ("everything first, the head last", schedule(result="(n_layers, top, 0)[stage]"),
         r"trains 6 layers at step 0: the first third of the steps trains the head alone"),
        ("top hard-coded", schedule(result="(0, 2, n_layers)[stage]"),
         r"never trains exactly top = 3 layers .*use the argument top"),
        ("the embeddings never trained", schedule(result="(0, top, n_layers - 1)[stage]"),
         r"trains 5 layers at the last step: the last third trains everything, n_layers = 6"),
        ("stage from a rounded fraction", schedule(stage="round(3 * step / total_steps)",
                                                    result="(0, top, n_layers, n_layers)[stage]"),
         r"trains 2 layers at step 6 of 0 to 29, expected 0: the second stage starts at the first step"),
        ("stage from step // (total_steps // 3)", schedule(stage="min(2, step // (total_steps // 3))"),
         r"trains 3 layers at step 33 of 0 to 99, expected 0: the second stage starts"),
        ("steps counted from 1", schedule(stage="min(2, 3 * (step + 1) // total_steps)"),
         r"trains 2 layers at step 9 of 0 to 29, expected 0: .*count steps from 0"),
        ("halves, not thirds", schedule(stage="2 * step // total_steps", result="(0, n_layers)[stage]"),
         r"never trains exactly top = 2 layers \(it trains \[0, 6\]\)"),
        ("the top layers counted from the bottom", schedule(result="(0, n_layers - top, n_layers)[stage]"),
         r"never trains exactly top = 2 layers \(it trains \[0, 4, 6\]\)"),
        ("layers frozen again in the last third", schedule(result="(0, top, n_layers - top)[stage]"),
         r"trains 4 layers at the last step"),
        # the return type the text names
        ("a float", schedule(result="float((0, top, n_layers)[stage])"),
         r"returned float: return a number of layers, a Python int"),
        ("a tensor", schedule(result="torch.tensor((0, top, n_layers)[stage])"),
         r"returned Tensor: return a number of layers, a Python int"),
        ("the default top changed", """
def unfreezing_schedule(step, total_steps, n_layers, top=1):
    return (0, top, n_layers)[3 * step // total_steps]""",
         r"unfreezing_schedule\(12, 30, 6\) trains 1 layers, expected 2"),
    ],
}
