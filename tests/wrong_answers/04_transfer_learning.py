"""Plausible wrong answers to lecture 04's exercises (see tests/test_wrong_answers.py)."""

WRONG = {
    "Exercise 1 (replace_head)": [
        ("keeps the new head's random weights", """
def replace_head(model, weight, bias):
    p = next(model.parameters())
    model.classifier = nn.Linear(model.num_features, len(weight), device=p.device, dtype=p.dtype)
    return model""", r"head's weight \(a copy of `weight`\) is off"),
        ("copies the weight, not the bias", """
def replace_head(model, weight, bias):
    p = next(model.parameters())
    head = nn.Linear(model.num_features, len(weight), device=p.device, dtype=p.dtype)
    with torch.no_grad():
        head.weight.copy_(weight)
    model.classifier = head
    return model""", r"head's bias \(a copy of `bias`\) is off"),
        ("wraps the given tensors without copying them", """
def replace_head(model, weight, bias):
    head = nn.Linear(model.num_features, len(weight))
    head.weight = nn.Parameter(weight.to(next(model.parameters()).dtype))
    head.bias = nn.Parameter(bias.to(next(model.parameters()).dtype))
    model.classifier = head
    return model""", r"shares their memory, copy them"),
        ("assigns the tensors to .data", """
def replace_head(model, weight, bias):
    p = next(model.parameters())
    head = nn.Linear(model.num_features, len(weight), device=p.device, dtype=p.dtype)
    head.weight.data = weight
    head.bias.data = bias
    model.classifier = head
    return model""", r"float32 but the network's parameters are torch\.float64"),
        ("ignores the model's dtype", """
def replace_head(model, weight, bias):
    head = nn.Linear(model.num_features, len(weight))
    with torch.no_grad():
        head.weight.copy_(weight)
        head.bias.copy_(bias)
    model.classifier = head
    return model""", r"head is torch\.float32 but the network's parameters are torch\.float64.*dtype"),
        ("hard-codes 1280 inputs", """
def replace_head(model, weight, bias):
    p = next(model.parameters())
    head = nn.Linear(1280, len(weight), device=p.device, dtype=p.dtype)
    with torch.no_grad():
        head.weight[:, :weight.shape[1]] = weight
        head.bias.copy_(bias)
    model.classifier = head
    return model""", r"num_features = 24 the new head has 1280 inputs"),
        ("hard-codes two classes", """
def replace_head(model, weight, bias):
    p = next(model.parameters())
    head = nn.Linear(model.num_features, 2, device=p.device, dtype=p.dtype)
    with torch.no_grad():
        head.weight.copy_(weight[:2])
        head.bias.copy_(bias[:2])
    model.classifier = head
    return model""", r"2 outputs for a weight with 3 rows"),
        ("freezes the new head", """
def replace_head(model, weight, bias):
    p = next(model.parameters())
    head = nn.Linear(model.num_features, len(weight), device=p.device, dtype=p.dtype)
    with torch.no_grad():
        head.weight.copy_(weight)
        head.bias.copy_(bias)
    model.classifier = head.requires_grad_(False)
    return model""", r"not trainable parameters"),
        ("puts the model in evaluation mode", """
def replace_head(model, weight, bias):
    p = next(model.parameters())
    head = nn.Linear(model.num_features, len(weight), device=p.device, dtype=p.dtype)
    with torch.no_grad():
        head.weight.copy_(weight)
        head.bias.copy_(bias)
    model.classifier = head
    return model.eval()""", r"given in training mode\) in evaluation mode"),
        ("unfreezes the whole network", """
def replace_head(model, weight, bias):
    p = next(model.parameters())
    head = nn.Linear(model.num_features, len(weight), device=p.device, dtype=p.dtype)
    with torch.no_grad():
        head.weight.copy_(weight)
        head.bias.copy_(bias)
    model.classifier = head
    return model.requires_grad_(True)""", r"changed requires_grad of conv_stem\.weight"),
        ("returns a new model instead of changing the given one", """
def replace_head(model, weight, bias):
    model = copy.deepcopy(model)
    p = next(model.parameters())
    head = nn.Linear(model.num_features, len(weight), device=p.device, dtype=p.dtype)
    with torch.no_grad():
        head.weight.copy_(weight)
        head.bias.copy_(bias)
    model.classifier = head
    return model""", r"change the model it is given and return that model"),
    ],
    "Exercise 2 (cached_features)": [
        ("forgets eval mode", """
def cached_features(extractor, x, cache, key, batch_size=64):
    if key not in cache:
        with torch.no_grad():
            cache[key] = torch.cat([extractor(xb) for (xb,) in train.batches(x, batch_size=batch_size)])
    return cache[key]""", r"training mode.*extractor\.eval\(\)"),
        ("forgets torch.no_grad", """
def cached_features(extractor, x, cache, key, batch_size=64):
    if key not in cache:
        extractor.eval()
        cache[key] = torch.cat([extractor(xb).detach() for (xb,) in train.batches(x, batch_size=batch_size)])
    return cache[key]""", r"gradients were tracked.*torch\.no_grad"),
        ("recomputes at every call", """
def cached_features(extractor, x, cache, key, batch_size=64):
    extractor.eval()
    with torch.no_grad():
        cache[key] = torch.cat([extractor(xb) for (xb,) in train.batches(x, batch_size=batch_size)])
    return cache[key]""", r"second call ran the extractor again"),
        ("one forward pass for all images", """
def cached_features(extractor, x, cache, key, batch_size=64):
    if key not in cache:
        extractor.eval()
        with torch.no_grad():
            cache[key] = extractor(x)
    return cache[key]""", r"got 10 images, more than batch_size=4"),
        ("drops the last, incomplete batch", """
def cached_features(extractor, x, cache, key, batch_size=64):
    if key not in cache:
        extractor.eval()
        with torch.no_grad():
            cache[key] = torch.cat([extractor(x[i:i + batch_size])
                                    for i in range(0, len(x) - batch_size + 1, batch_size)])
    return cache[key]""", r"features has shape \(8, 5\), expected \(10, 5\)"),
        ("caches under one fixed name", """
def cached_features(extractor, x, cache, key, batch_size=64):
    if "features" not in cache:
        extractor.eval()
        with torch.no_grad():
            cache["features"] = torch.cat([extractor(xb) for (xb,) in train.batches(x, batch_size=batch_size)])
    return cache["features"]""", r"holds the keys \['features'\]"),
        ("returns whatever is cached", """
def cached_features(extractor, x, cache, key, batch_size=64):
    if cache:
        return next(iter(cache.values()))
    extractor.eval()
    with torch.no_grad():
        cache[key] = torch.cat([extractor(xb) for (xb,) in train.batches(x, batch_size=batch_size)])
    return cache[key]""", r"a call with a new key did not run the extractor"),
        ("returns the list of batches", """
def cached_features(extractor, x, cache, key, batch_size=64):
    if key not in cache:
        extractor.eval()
        with torch.no_grad():
            cache[key] = [extractor(xb) for (xb,) in train.batches(x, batch_size=batch_size)]
    return cache[key]""", r"returned a list, expected one tensor"),
        ("returns numpy features for scikit-learn", """
def cached_features(extractor, x, cache, key, batch_size=64):
    if key not in cache:
        extractor.eval()
        with torch.no_grad():
            cache[key] = torch.cat([extractor(xb) for (xb,) in train.batches(x, batch_size=batch_size)]).numpy()
    return cache[key]""", r"returned a ndarray, expected one tensor"),
        ("stores one tensor, returns another", """
def cached_features(extractor, x, cache, key, batch_size=64):
    if key not in cache:
        extractor.eval()
        with torch.no_grad():
            cache[key] = torch.cat([extractor(xb) for (xb,) in train.batches(x, batch_size=batch_size)])
    return cache[key].clone()""", r"is not the tensor you returned"),
        ("trains the extractor's BatchNorm statistics on the images first", """
def cached_features(extractor, x, cache, key, batch_size=64):
    if key not in cache:
        with torch.no_grad():
            extractor.train()(x)  # adapt the BatchNorm statistics to these images
            extractor.eval()
            cache[key] = torch.cat([extractor(xb) for (xb,) in train.batches(x, batch_size=batch_size)])
    return cache[key]""", r"training mode|off by|running_mean"),
    ],
    "Exercise 3 (freeze)": [
        ("puts frozen BatchNorm in eval mode only", """
def freeze(model, frozen):
    for p in model.parameters():
        p.requires_grad_(True)
    for name in frozen:
        module = model.get_submodule(name)
        module.requires_grad_(False)
        module.eval()
    return sum(p.numel() for p in model.parameters() if p.requires_grad)""", r"running_.*changed in training mode"),
        ("sets BatchNorm momentum to zero", """
def freeze(model, frozen):
    for p in model.parameters():
        p.requires_grad_(True)
    for name in frozen:
        module = model.get_submodule(name)
        module.requires_grad_(False)
        for m in module.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.momentum = 0.0
    return sum(p.numel() for p in model.parameters() if p.requires_grad)""", r"stored statistics, not the batch's"),
        ("never unfreezes", """
def freeze(model, frozen):
    for name in frozen:
        module = timm.layers.freeze_batch_norm_2d(model.get_submodule(name))
        module.requires_grad_(False)
        model.set_submodule(name, module)
    return sum(p.numel() for p in model.parameters() if p.requires_grad)""", r"freeze must also unfreeze"),
        ("counts tensors, not numbers", """
def freeze(model, frozen):
    for p in model.parameters():
        p.requires_grad_(True)
    for name in frozen:
        module = timm.layers.freeze_batch_norm_2d(model.get_submodule(name))
        module.requires_grad_(False)
        model.set_submodule(name, module)
    return len([p for p in model.parameters() if p.requires_grad])""", r"p\.numel\(\), not tensors"),
        ("freezes every BatchNorm of the network", """
def freeze(model, frozen):
    for p in model.parameters():
        p.requires_grad_(True)
    for name in frozen:
        model.get_submodule(name).requires_grad_(False)
    for name, child in list(model.named_children()):
        model.set_submodule(name, timm.layers.freeze_batch_norm_2d(child))
    return sum(p.numel() for p in model.parameters() if p.requires_grad)""", r"trainable parameters, expected"),
        ("returns the count as a tensor", """
def freeze(model, frozen):
    for p in model.parameters():
        p.requires_grad_(True)
    for name in frozen:
        module = timm.layers.freeze_batch_norm_2d(model.get_submodule(name))
        module.requires_grad_(False)
        model.set_submodule(name, module)
    return torch.tensor([p.numel() for p in model.parameters() if p.requires_grad]).sum()""",
         r"a Tensor: return a Python int"),
        ("freezes the FROZEN list, not its argument", """
def freeze(model, frozen):
    for p in model.parameters():
        p.requires_grad_(True)
    for name in FROZEN:
        module = timm.layers.freeze_batch_norm_2d(model.get_submodule(name))
        module.requires_grad_(False)
        model.set_submodule(name, module)
    return sum(p.numel() for p in model.parameters() if p.requires_grad)""",
         r"after freeze\(model, \['conv_stem', 'bn1', 'blocks\.0'\]\) on a fully frozen network"),
        ("stops BatchNorm tracking statistics", """
def freeze(model, frozen):
    for p in model.parameters():
        p.requires_grad_(True)
    for name in frozen:
        module = model.get_submodule(name)
        module.requires_grad_(False)
        for m in module.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.track_running_stats = False  # the statistics stay as they are
    return sum(p.numel() for p in model.parameters() if p.requires_grad)""",
         r"stored statistics, not the batch's"),
    ],
    "Exercise 4 (discriminative_optimizer)": [
        ("largest learning rate on the first stage", """
def discriminative_optimizer(model, stages, base_lr, decay):
    groups = [{"params": [p for n in names for p in model.get_submodule(n).parameters() if p.requires_grad],
               "lr": base_lr * decay ** i} for i, names in enumerate(stages)]
    return torch.optim.AdamW(groups, lr=base_lr, weight_decay=0.01)""", r"learning rates.*last stage gets base_lr"),
        ("one group for everything", """
def discriminative_optimizer(model, stages, base_lr, decay):
    params = [p for names in stages for n in names for p in model.get_submodule(n).parameters() if p.requires_grad]
    return torch.optim.AdamW(params, lr=base_lr, weight_decay=0.01)""", r"1 parameter group\(s\) for 4 stages"),
        ("off by one in the exponent", """
def discriminative_optimizer(model, stages, base_lr, decay):
    groups = [{"params": [p for n in names for p in model.get_submodule(n).parameters() if p.requires_grad],
               "lr": base_lr * decay ** (len(stages) - i)} for i, names in enumerate(stages)]
    return torch.optim.AdamW(groups, lr=base_lr, weight_decay=0.01)""", r"learning rates"),
        ("keeps frozen parameters", """
def discriminative_optimizer(model, stages, base_lr, decay):
    groups = [{"params": [p for n in names for p in model.get_submodule(n).parameters()],
               "lr": base_lr * decay ** (len(stages) - 1 - i)} for i, names in enumerate(stages)]
    return torch.optim.AdamW(groups, lr=base_lr, weight_decay=0.01)""", r"frozen parameters"),
        ("Adam instead of AdamW", """
def discriminative_optimizer(model, stages, base_lr, decay):
    groups = [{"params": [p for n in names for p in model.get_submodule(n).parameters() if p.requires_grad],
               "lr": base_lr * decay ** (len(stages) - 1 - i)} for i, names in enumerate(stages)]
    return torch.optim.Adam(groups, lr=base_lr, weight_decay=0.01)""", r"Adam, not AdamW"),
        ("hard-codes four stages", """
def discriminative_optimizer(model, stages, base_lr, decay):
    groups = [{"params": [p for n in names for p in model.get_submodule(n).parameters() if p.requires_grad],
               "lr": base_lr * decay ** (3 - i)} for i, names in enumerate(stages)]
    return torch.optim.AdamW(groups, lr=base_lr, weight_decay=0.01)""", r"learning rates \['0\.0025', '0\.005'\]"),
        ("learning rates as tensors", """
def discriminative_optimizer(model, stages, base_lr, decay):
    rates = base_lr * decay ** torch.arange(len(stages) - 1, -1, -1)
    groups = [{"params": [p for n in names for p in model.get_submodule(n).parameters() if p.requires_grad],
               "lr": rate} for rate, names in zip(rates, stages)]
    return torch.optim.AdamW(groups, lr=base_lr, weight_decay=0.01)""", r"give each group a Python float"),
        ("unfreezes every stage it optimises", """
def discriminative_optimizer(model, stages, base_lr, decay):
    groups = []
    for i, names in enumerate(stages):
        params = [p.requires_grad_(True) for n in names for p in model.get_submodule(n).parameters()]
        groups.append({"params": params, "lr": base_lr * decay ** (len(stages) - 1 - i)})
    return torch.optim.AdamW(groups, lr=base_lr, weight_decay=0.01)""", r"changed requires_grad of blocks\.5\.0"),
    ],
}
