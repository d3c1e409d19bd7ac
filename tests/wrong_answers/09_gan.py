"""Plausible wrong answers to the exercises of 09_gan and what each check must say (test_wrong_answers)."""


def d_step(body: str, end: str = "loss.item()", after: str = "") -> str:
    """A discriminator_step whose body is `body`, then backward, step, the lines `after` and `return end`."""
    return ("def discriminator_step(D, G, real, z, optimizer):\n"
            + "".join(f"    {line}\n" for line in body.strip().splitlines())
            + "    loss.backward()\n    optimizer.step()\n"
            + "".join(f"    {line}\n" for line in after.strip().splitlines()) + f"    return {end}\n")


def g_step(body: str, end: str = "loss.item()", after: str = "") -> str:
    """A generator_step whose body is `body`, then backward, step, the lines `after` and `return end`."""
    return ("def generator_step(D, G, z, optimizer):\n"
            + "".join(f"    {line}\n" for line in body.strip().splitlines())
            + "    loss.backward()\n    optimizer.step()\n"
            + "".join(f"    {line}\n" for line in after.strip().splitlines()) + f"    return {end}\n")


def proj(logits: str) -> str:
    return f"def projection_logit(h, labels, head, embed):\n    return {logits}\n"


BCE = "F.binary_cross_entropy_with_logits"
D_LOSS = f"loss = {BCE}(lr, torch.ones_like(lr)) + {BCE}(lf, torch.zeros_like(lf))"
D_RIGHT = f"""
optimizer.zero_grad()
lr, lf = D(real), D(G(z).detach())
{D_LOSS}
"""
G_LOSS = f"loss = {BCE}(lf, torch.ones_like(lf))"
G_RIGHT = f"""
optimizer.zero_grad()
lf = D(G(z))
{G_LOSS}
"""

WRONG = {
    "Exercise 1 (discriminator_step)": [
        ("fakes not detached", d_step(f"""
optimizer.zero_grad()
lr, lf = D(real), D(G(z))
{D_LOSS}
"""), r"generator received gradients.*detach"),
        ("labels swapped between real and fake", d_step(f"""
optimizer.zero_grad()
lr, lf = D(real), D(G(z).detach())
loss = {BCE}(lr, torch.zeros_like(lr)) + {BCE}(lf, torch.ones_like(lf))
"""), r"labels are swapped"),
        ("mean of the two terms", d_step(f"""
optimizer.zero_grad()
lr, lf = D(real), D(G(z).detach())
loss = ({BCE}(lr, torch.ones_like(lr)) + {BCE}(lf, torch.zeros_like(lf))) / 2
"""), r"mean of the two terms.*sum"),
        ("fake batch forgotten", d_step(f"""
optimizer.zero_grad()
lr = D(real)
loss = {BCE}(lr, torch.ones_like(lr))
"""), r"only the real term"),
        ("gradients not zeroed", d_step(f"""
lr, lf = D(real), D(G(z).detach())
{D_LOSS}
"""), r"stale gradients.*zero_grad"),
        # family 3: a tensor where the text asks for a float
        ("loss returned as a tensor", d_step(D_RIGHT, end="loss"),
         r"returns a Tensor: return loss.item\(\), a Python float"),
        ("loss returned detached", d_step(D_RIGHT, end="loss.detach()"), r"returns a Tensor"),
        # family 4: stale gradients, a generator frozen or switched to eval and never restored, the optimizer's state
        ("zero_grad after the step", d_step(f"""
lr, lf = D(real), D(G(z).detach())
{D_LOSS}
""", after="optimizer.zero_grad()"), r"stale gradients.*zero_grad"),
        ("generator frozen and never unfrozen", d_step(f"""
optimizer.zero_grad()
G.requires_grad_(False)  # the discriminator step must not train G
lr, lf = D(real), D(G(z))
{D_LOSS}
"""), r"generator's parameters are left frozen"),
        ("generator switched to eval mode for the fakes", d_step(f"""
optimizer.zero_grad()
G.eval()
lr, lf = D(real), D(G(z).detach())
{D_LOSS}
"""), r"generator is left in eval mode"),
        ("a new optimizer at each step", d_step(f"""
optimizer = torch.optim.SGD(D.parameters(), lr=0.5)
{D_RIGHT}
"""), r"weights after step 2.*optimizer passed in"),
        # family 2: the real and the fake batches have their own sizes
        ("fake targets sized from the real batch", d_step(f"""
optimizer.zero_grad()
lr, lf = D(real), D(G(z).detach())
loss = {BCE}(lr, torch.ones(len(real), 1)) + {BCE}(lf, torch.zeros(len(real), 1))
"""), r"8 real images and 6 fakes: give each batch targets shaped like its own logits"),
        ("fakes scored on the real batch's noise size", d_step(f"""
optimizer.zero_grad()
lr, lf = D(real), D(G(z[:len(real)]).detach())
{D_LOSS}
"""), r"the returned loss of step 2 \(with 7 real images and 9 fakes, each term the mean over its own batch\)"),
    ],
    "Exercise 2 (generator_step)": [
        ("saturating loss", g_step("""
optimizer.zero_grad()
loss = torch.log(1 - torch.sigmoid(D(G(z)))).mean()
"""), r"saturating loss.*-log D\(G\(z\)\)"),
        ("fakes labelled fake", g_step(f"""
optimizer.zero_grad()
lf = D(G(z))
loss = {BCE}(lf, torch.zeros_like(lf))
"""), r"target 0.*target 1"),
        ("fakes detached", g_step(f"""
optimizer.zero_grad()
lf = D(G(z).detach())
{G_LOSS}
"""), r"generator did not move.*detach"),
        # family 3
        ("loss returned as a tensor", g_step(G_RIGHT, end="loss"),
         r"returns a Tensor: return loss.item\(\), a Python float"),
        # family 4: the discriminator frozen (or in eval mode) for the step and never restored; stale gradients
        ("discriminator frozen and never unfrozen", g_step(f"""
optimizer.zero_grad()
D.requires_grad_(False)  # only G learns here
lf = D(G(z))
{G_LOSS}
"""), r"discriminator's parameters are left frozen"),
        ("discriminator frozen parameter by parameter", g_step(f"""
optimizer.zero_grad()
for p in D.parameters():
    p.requires_grad = False
lf = D(G(z))
{G_LOSS}
"""), r"discriminator's parameters are left frozen"),
        ("discriminator switched to eval mode", g_step(f"""
optimizer.zero_grad()
D.eval()
lf = D(G(z))
{G_LOSS}
"""), r"discriminator is left in eval mode"),
        ("zero_grad after the step", g_step(f"""
lf = D(G(z))
{G_LOSS}
""", after="optimizer.zero_grad()"), r"stale gradients.*zero_grad"),
        ("the discriminator's gradients zeroed instead", g_step(f"""
D.zero_grad()
lf = D(G(z))
{G_LOSS}
"""), r"stale gradients.*zero_grad"),
        ("a new optimizer at each step", g_step(f"""
optimizer = torch.optim.SGD(G.parameters(), lr=0.5)
{G_RIGHT}
"""), r"weights after step 2.*optimizer passed in"),
    ],
    "Exercise 3 (projection_logit)": [
        ("label term forgotten", proj("head(h)"), r"label term e_y · h is missing"),
        ("head term forgotten", proj("(embed(labels) * h).sum(dim=1, keepdim=True)"), r"head's term ψ\(h\) is missing"),
        ("the head's bias dropped", proj("h @ head.weight.T + (embed(labels) * h).sum(dim=1, keepdim=True)"),
         r"head's bias is missing"),
        ("embedding rows in order instead of by label",
         proj("head(h) + (embed.weight[:len(h)] * h).sum(dim=1, keepdim=True)"), r"order 0, 1, 2.*embed\(labels\)"),
        # family 2: the shape the text names (N × 1), with N != F so a transposed product shows
        ("sum without keepdim", proj("head(h) + (embed(labels) * h).sum(dim=1)"), r"logits' shape.*N × 1"),
        ("a matrix product instead of a row-wise one", proj("head(h) + embed(labels) @ h.T"), r"logits' shape"),
        ("summed over the batch", proj("head(h) + (embed(labels) * h).sum(dim=0)"),
         r"raised RuntimeError|logits' shape"),
        ("logits squeezed to N", proj("(head(h) + (embed(labels) * h).sum(dim=1, keepdim=True)).squeeze(1)"),
         r"logits' shape.*N × 1"),
        # family 3: inputs left alone, gradients through every part
        ("h multiplied in place", "def projection_logit(h, labels, head, embed):\n"
         "    scores = head(h)\n    h *= embed(labels)\n    return scores + h.sum(dim=1, keepdim=True)\n",
         r"changed h or labels in place"),
        ("embedding detached", proj("head(h) + (embed(labels).detach() * h).sum(dim=1, keepdim=True)"),
         r"no gradient reaches embed"),
        ("whole table used", proj("head(h) + (embed.weight.sum(0) * h).sum(dim=1, keepdim=True)"),
         r"label term|order 0, 1, 2|not in the batch|logits head"),
    ],
}
