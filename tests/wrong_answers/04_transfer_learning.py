"""Plausible wrong answers to lecture 04's exercises (see tests/test_wrong_answers.py)."""

WRONG = {
    "Exercise 1 (replace_head)": [
        ("reads the 1000 ImageNet logits", """
def replace_head(model, num_classes):
    model.classifier = nn.Linear(1000, num_classes)
    return model""", r"1000 inputs, expected 1280.*pooled features"),
        ("stacks a layer on the old head", """
def replace_head(model, num_classes):
    model.classifier = nn.Sequential(model.classifier, nn.Linear(1000, num_classes))
    return model""", r"Sequential.*do not stack"),
        ("hard-codes two classes", """
def replace_head(model, num_classes):
    model.classifier = nn.Linear(model.num_features, 2)
    return model""", r"2 outputs for num_classes=5"),
        ("forgets the bias", """
def replace_head(model, num_classes):
    model.classifier = nn.Linear(model.num_features, num_classes, bias=False)
    return model""", r"no bias"),
        ("rebuilds the network without its pretrained weights", """
def replace_head(model, num_classes):
    return timm.create_model("tf_efficientnet_lite0", pretrained=False, num_classes=num_classes)""",
         r"outside the head.*different values"),
        ("puts the model in evaluation mode", """
def replace_head(model, num_classes):
    model.classifier = nn.Linear(model.num_features, num_classes)
    return model.eval()""", r"given in training mode\) in evaluation mode"),
        ("freezes the pretrained part", """
def replace_head(model, num_classes):
    for p in model.parameters():
        p.requires_grad = False  # keep the pretrained features
    model.classifier = nn.Linear(model.num_features, num_classes)
    return model""", r"replace_head froze conv_stem\.weight"),
        ("hard-codes 1280 inputs", """
def replace_head(model, num_classes):
    model.classifier = nn.Linear(1280, num_classes)
    return model""", r"model\.num_features = 24 the new head has 1280 inputs"),
    ],
    "Exercise 2 (cached_features)": [
        ("forgets eval mode", """
def cached_features(model, x, cache, key, batch_size=64):
    if key not in cache:
        with torch.no_grad():
            cache[key] = torch.cat([model.forward_head(model.forward_features(xb), pre_logits=True)
                                    for (xb,) in train.batches(x, batch_size=batch_size)])
    return cache[key]""", r"training mode.*model\.eval\(\)"),
        ("forgets torch.no_grad", """
def cached_features(model, x, cache, key, batch_size=64):
    if key not in cache:
        model.eval()
        cache[key] = torch.cat([model.forward_head(model.forward_features(xb), pre_logits=True).detach()
                                for (xb,) in train.batches(x, batch_size=batch_size)])
    return cache[key]""", r"gradients were tracked.*torch\.no_grad"),
        ("recomputes at every call", """
def cached_features(model, x, cache, key, batch_size=64):
    model.eval()
    with torch.no_grad():
        cache[key] = torch.cat([model.forward_head(model.forward_features(xb), pre_logits=True)
                                for (xb,) in train.batches(x, batch_size=batch_size)])
    return cache[key]""", r"second call ran the network again"),
        ("returns the logits", """
def cached_features(model, x, cache, key, batch_size=64):
    if key not in cache:
        model.eval()
        with torch.no_grad():
            cache[key] = torch.cat([model(xb) for (xb,) in train.batches(x, batch_size=batch_size)])
    return cache[key]""", r"features has shape \(10, 1000\), expected \(10, 1280\)"),
        ("one forward pass for all images", """
def cached_features(model, x, cache, key, batch_size=64):
    if key not in cache:
        model.eval()
        with torch.no_grad():
            cache[key] = model.forward_head(model.forward_features(x), pre_logits=True)
    return cache[key]""", r"got 10 images, more than batch_size=4"),
        ("caches under one fixed name", """
def cached_features(model, x, cache, key, batch_size=64):
    if "features" not in cache:
        model.eval()
        with torch.no_grad():
            cache["features"] = torch.cat([model.forward_head(model.forward_features(xb), pre_logits=True)
                                           for (xb,) in train.batches(x, batch_size=batch_size)])
    return cache["features"]""", r"holds the keys \['features'\]"),
        ("returns whatever is cached", """
def cached_features(model, x, cache, key, batch_size=64):
    if cache:
        return next(iter(cache.values()))
    model.eval()
    with torch.no_grad():
        cache[key] = torch.cat([model.forward_head(model.forward_features(xb), pre_logits=True)
                                for (xb,) in train.batches(x, batch_size=batch_size)])
    return cache[key]""", r"a call with a new key did not run the network"),
        ("removes the classifier to read the features", """
def cached_features(model, x, cache, key, batch_size=64):
    if key not in cache:
        model.eval()
        model.reset_classifier(0)  # the network now returns its pooled features
        with torch.no_grad():
            cache[key] = torch.cat([model(xb) for (xb,) in train.batches(x, batch_size=batch_size)])
    return cache[key]""", r"replaced the network's classifier"),
        ("returns numpy features for scikit-learn", """
def cached_features(model, x, cache, key, batch_size=64):
    if key not in cache:
        model.eval()
        with torch.no_grad():
            cache[key] = torch.cat([model.forward_head(model.forward_features(xb), pre_logits=True)
                                    for (xb,) in train.batches(x, batch_size=batch_size)]).numpy()
    return cache[key]""", r"returned a ndarray, expected one tensor"),
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
