"""Plausible wrong answers to the exercises of 09_gan and what each check must say (test_wrong_answers)."""


def d_step(body: str) -> str:
    """A discriminator_step whose body is `body`, followed by backward, step and the returned loss."""
    return ("def discriminator_step(D, G, real, z, optimizer):\n"
            + "".join(f"    {line}\n" for line in body.strip().splitlines())
            + "    loss.backward()\n    optimizer.step()\n    return loss.item()\n")


def g_step(body: str) -> str:
    """A generator_step whose body is `body`, followed by backward, step and the returned loss."""
    return ("def generator_step(D, G, z, optimizer):\n"
            + "".join(f"    {line}\n" for line in body.strip().splitlines())
            + "    loss.backward()\n    optimizer.step()\n    return loss.item()\n")


def join(g_input: str, d_input: str) -> str:
    return ("def join_label(z, images, labels, g_embed, d_embed):\n"
            f"    return {g_input}, {d_input}\n")


BCE = "F.binary_cross_entropy_with_logits"
G_IN = "torch.cat([z, g_embed(labels)], dim=1)"
D_IN = "torch.cat([images, d_embed(labels).view(len(labels), 1, *images.shape[-2:])], dim=1)"

WRONG = {
    "Exercise 1 (discriminator_step)": [
        ("fakes not detached", d_step(f"""
optimizer.zero_grad()
lr, lf = D(real), D(G(z))
loss = {BCE}(lr, torch.ones_like(lr)) + {BCE}(lf, torch.zeros_like(lf))
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
loss = {BCE}(lr, torch.ones_like(lr)) + {BCE}(lf, torch.zeros_like(lf))
"""), r"stale gradients.*zero_grad"),
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
loss = {BCE}(lf, torch.ones_like(lf))
"""), r"generator did not move.*detach"),
    ],
    "Exercise 3 (join_label)": [
        ("conditioning the generator only", join(G_IN, "images"), r"discriminator's input is the bare images"),
        ("one-hot label instead of the embedding", join("torch.cat([z, F.one_hot(labels, 10).float()], dim=1)", D_IN),
         r"generator's input shape"),
        ("label map in the wrong shape", join(G_IN, "torch.cat([images, d_embed(labels).view(len(labels), 1, "
                                                     "images.shape[-1], images.shape[-2])], dim=1)"),
         r"raised RuntimeError|label channel"),
        ("label before the noise", join("torch.cat([g_embed(labels), z], dim=1)", D_IN), r"noise part"),
        ("one embedding for both players", join(G_IN, "torch.cat([images, g_embed(labels)], dim=1)"),
         r"raised RuntimeError|discriminator's input"),
    ],
}
