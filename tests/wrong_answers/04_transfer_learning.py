"""Plausible wrong answers to lecture 04's exercises (see tests/test_wrong_answers.py).

Each exercise has one right answer written as a template; a wrong answer is that template with one or two of
its lines changed (`head(...)`, `features(...)`, `freezing(...)`, `optimizer(...)` with the changes).
"""

from answer_template import answer

# Exercise 1: the right head, with one of its lines changed.
HEAD = """
def replace_head(model, weight, bias):
    {start}
    p = next(model.parameters())
    head = nn.Linear({inputs}, {outputs}{where})
    {fill}
    model.classifier = {assign}
    return {returned}"""
COPY = """with torch.no_grad():
        head.weight.copy_({weight})
        head.bias.copy_({bias})"""
RIGHT_HEAD = dict(start="", inputs="model.num_features", outputs="len(weight)",
                  where=", device=p.device, dtype=p.dtype",
                  fill=COPY.format(weight="weight", bias="bias"), assign="head", returned="model")


head = answer(HEAD, **RIGHT_HEAD)


# Exercise 2: the right cache, with one of its lines changed.
FEATURES = """
def cached_features(extractor, x, cache, key, batch_size=64):
    if {hit}:
        return {cached}
    {mode}
    with {context}:
        {before}
        cache[{name}] = {compute}
    return {returned}"""
BATCHES = "[extractor(xb) for (xb,) in train.batches(x, batch_size=batch_size)]"
RIGHT_FEATURES = dict(hit="key in cache", cached="cache[key]", mode="extractor.eval()", context="torch.no_grad()",
                      before="", name="key", compute=f"torch.cat({BATCHES})", returned="cache[key]")


features = answer(FEATURES, **RIGHT_FEATURES)


# Exercise 3: the right freezing, with one of its lines changed.
FREEZE = """
def freeze(model, frozen):
    {unfreeze}
    for name in {listed}:
        module = {module}
        module.requires_grad_(False)
        {put_back}
    {after}
    return {count}"""
RIGHT_FREEZE = dict(unfreeze="for p in model.parameters():\n        p.requires_grad_(True)", listed="frozen",
                    module="timm.layers.freeze_batch_norm_2d(model.get_submodule(name))",
                    put_back="model.set_submodule(name, module)", after="",
                    count="sum(p.numel() for p in model.parameters() if p.requires_grad)")
PLAIN = "model.get_submodule(name)"  # the module as it is, its BatchNorm layers not converted


def every_batch_norm(line: str) -> str:
    """A loop over the BatchNorm layers of `module` that runs `line` on each (m)."""
    return f"for m in module.modules():\n            if isinstance(m, nn.BatchNorm2d):\n                {line}"


freezing = answer(FREEZE, **RIGHT_FREEZE)


# Exercise 4: the right optimiser, with one of its lines changed.
OPTIMIZER = """
def discriminative_optimizer(model, stages, base_lr, decay):
    groups = [{{"params": [{param} for n in names for p in model.get_submodule(n).parameters(){keep}],
               "lr": {lr}}} for i, names in enumerate(stages)]
    return torch.optim.{kind}({groups}, lr=base_lr, weight_decay=0.01)"""
RIGHT_OPTIMIZER = dict(param="p", keep=" if p.requires_grad", lr="base_lr * decay ** (len(stages) - 1 - i)",
                       kind="AdamW", groups="groups")


optimizer = answer(OPTIMIZER, **RIGHT_OPTIMIZER)


WRONG = {
    "Exercise 1 (replace_head)": [
        ("keeps the new head's random weights", head(fill=""), r"head's weight \(a copy of `weight`\) is off"),
        ("copies the weight, not the bias", head(fill="with torch.no_grad():\n        head.weight.copy_(weight)"),
         r"head's bias \(a copy of `bias`\) is off"),
        ("wraps the given tensors without copying them",
         head(fill="head.weight = nn.Parameter(weight.to(p.dtype))\n    head.bias = nn.Parameter(bias.to(p.dtype))"),
         r"shares their memory, copy them"),
        ("assigns the tensors to .data", head(fill="head.weight.data = weight\n    head.bias.data = bias"),
         r"float32 but the network's parameters are torch\.float64"),
        ("ignores the model's dtype", head(where=""),
         r"head is torch\.float32 but the network's parameters are torch\.float64.*dtype"),
        ("hard-codes 1280 inputs", head(inputs="1280", fill=COPY.format(weight="weight", bias="bias").replace(
            "head.weight.copy_(weight)", "head.weight[:, :weight.shape[1]] = weight")),
         r"num_features = 24 the new head has 1280 inputs"),
        ("hard-codes two classes", head(outputs="2", fill=COPY.format(weight="weight[:2]", bias="bias[:2]")),
         r"2 outputs for a weight with 3 rows"),
        ("freezes the new head", head(assign="head.requires_grad_(False)"), r"not trainable parameters"),
        ("puts the model in evaluation mode", head(returned="model.eval()"),
         r"given in training mode\) in evaluation mode"),
        ("unfreezes the whole network", head(returned="model.requires_grad_(True)"),
         r"changed requires_grad of conv_stem\.weight"),
        ("returns a new model instead of changing the given one", head(start="model = copy.deepcopy(model)"),
         r"change the model it is given and return that model"),
    ],
    "Exercise 2 (cached_features)": [
        ("forgets eval mode", features(mode=""), r"training mode.*extractor\.eval\(\)"),
        ("forgets torch.no_grad", features(context="torch.enable_grad()",
                                           compute=f"torch.cat({BATCHES.replace('(xb)', '(xb).detach()')})"),
         r"gradients were tracked.*torch\.no_grad"),
        ("recomputes at every call", features(hit="False"), r"second call ran the extractor again"),
        ("one forward pass for all images", features(compute="extractor(x)"), r"got 10 images, more than batch_size=4"),
        ("drops the last, incomplete batch", features(
            compute="torch.cat([extractor(x[i:i + batch_size])\n"
                    "                               for i in range(0, len(x) - batch_size + 1, batch_size)])"),
         r"features has shape \(8, 5\), expected \(10, 5\)"),
        ("caches under one fixed name", features(hit='"features" in cache', cached='cache["features"]',
                                                 name='"features"', returned='cache["features"]'),
         r"holds the keys \['features'\]"),
        ("returns whatever is cached", features(hit="cache", cached="next(iter(cache.values()))"),
         r"a call with a new key did not run the extractor"),
        ("returns the list of batches", features(compute=BATCHES), r"returned a list, expected one tensor"),
        ("returns numpy features for scikit-learn", features(compute=f"torch.cat({BATCHES}).numpy()"),
         r"returned a ndarray, expected one tensor"),
        ("stores one tensor, returns another", features(returned="cache[key].clone()"),
         r"is not the tensor you returned"),
        ("trains the extractor's BatchNorm statistics on the images first", features(
            before="extractor.train()(x)  # adapt the BatchNorm statistics to these images\n        extractor.eval()"),
         r"training mode|off by|running_mean"),
    ],
    "Exercise 3 (freeze)": [
        ("puts frozen BatchNorm in eval mode only", freezing(module=PLAIN, put_back="module.eval()"),
         r"running_.*changed in training mode"),
        ("sets BatchNorm momentum to zero", freezing(module=PLAIN, put_back=every_batch_norm("m.momentum = 0.0")),
         r"stored statistics, not the batch's"),
        ("never unfreezes", freezing(unfreeze=""), r"freeze must also unfreeze"),
        ("counts tensors, not numbers", freezing(count="len([p for p in model.parameters() if p.requires_grad])"),
         r"p\.numel\(\), not tensors"),
        ("freezes every BatchNorm of the network", freezing(
            module=PLAIN, put_back="",
            after="for name, child in list(model.named_children()):\n"
                  "        model.set_submodule(name, timm.layers.freeze_batch_norm_2d(child))"),
         r"trainable parameters, expected"),
        ("returns the count as a tensor",
         freezing(count="torch.tensor([p.numel() for p in model.parameters() if p.requires_grad]).sum()"),
         r"a Tensor: return a Python int"),
        ("freezes the FROZEN list, not its argument", freezing(listed="FROZEN"),
         r"after freeze\(model, \['conv_stem', 'bn1', 'blocks\.0'\]\) on a fully frozen network"),
        ("stops BatchNorm tracking statistics", freezing(
            module=PLAIN,
            put_back=every_batch_norm("m.track_running_stats = False  # the statistics stay as they are")),
         r"stored statistics, not the batch's"),
    ],
    "Exercise 4 (discriminative_optimizer)": [
        ("largest learning rate on the first stage", optimizer(lr="base_lr * decay ** i"),
         r"learning rates.*last stage gets base_lr"),
        ("one group for everything", optimizer(groups="[p for group in groups for p in group['params']]"),
         r"1 parameter group\(s\) for 4 stages"),
        ("off by one in the exponent", optimizer(lr="base_lr * decay ** (len(stages) - i)"), r"learning rates"),
        ("keeps frozen parameters", optimizer(keep=""), r"frozen parameters"),
        ("Adam instead of AdamW", optimizer(kind="Adam"), r"Adam, not AdamW"),
        ("hard-codes four stages", optimizer(lr="base_lr * decay ** (3 - i)"),
         r"learning rates \['0\.0025', '0\.005'\]"),
        ("learning rates as tensors", optimizer(lr="base_lr * decay ** torch.arange(len(stages) - 1, -1, -1)[i]"),
         r"give each group a Python float"),
        ("unfreezes every stage it optimises", optimizer(param="p.requires_grad_(True)", keep=""),
         r"changed requires_grad of blocks\.5\.0"),
    ],
}
