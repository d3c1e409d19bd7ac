"""Plausible wrong answers to the exercises of 08_autoencoders and what each check must say (test_wrong_answers)."""


def denoising(body: str) -> str:
    """A denoising_epoch whose loop body is `body` (indented for the for loop)."""
    return ("def denoising_epoch(model, batches, corrupt, optimizer):\n"
            "    model.train()\n"
            "    total, count = 0.0, 0\n"
            "    for clean in batches:\n"
            + "".join(f"        {line}\n" for line in body.strip().splitlines())
            + "    return total / count\n")


STEP = """optimizer.zero_grad()
loss.backward()
optimizer.step()
total, count = total + loss.item() * len(clean), count + len(clean)"""


def size(formula: str) -> str:
    return f"def conv_transpose_output_size(i, k, s=1, p=0, output_padding=0):\n    return {formula}\n"


def reparameterise(body: str) -> str:
    return ("def reparameterise(mu, logvar, generator):\n"
            + "".join(f"    {line}\n" for line in body.strip().splitlines()))


def vae_loss(reconstruction: str, kl: str) -> str:
    return ("def vae_loss(logits, x, mu, logvar):\n"
            f"    return {reconstruction}, {kl}\n")


EPS = "eps = torch.randn(mu.shape, generator=generator, dtype=mu.dtype, device=mu.device)"
RECON = 'F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1).mean()'
KL = "0.5 * (mu**2 + logvar.exp() - logvar - 1).sum(1).mean()"

WRONG = {
    "Exercise 1 (denoising_epoch)": [
        ("noise added to the target too", denoising("noisy = corrupt(clean)\nloss = recon_loss(model(noisy), noisy)\n"
                                                    + STEP),
         r"corrupted digits: the target is the clean batch"),
        ("target corrupted by a second draw", denoising("loss = recon_loss(model(corrupt(clean)), corrupt(clean))\n"
                                                        + STEP),
         r"corrupt was called 4 times for 2 batches.*clean batch as the target"),
        ("model fed the clean digits", denoising("noisy = corrupt(clean)\nloss = recon_loss(model(clean), clean)\n"
                                                 + STEP),
         r"fed the clean digits: feed it corrupt\(clean\)"),
        ("no noise at all", denoising("loss = recon_loss(model(clean), clean)\n" + STEP),
         r"corrupt was called 0 times"),
        ("gradients never zeroed", denoising("loss = recon_loss(model(corrupt(clean)), clean)\nloss.backward()\n"
                                             "optimizer.step()\n"
                                             "total, count = total + loss.item() * len(clean), count + len(clean)"),
         r"never zeroes the gradients.*zero_grad"),
        ("zero_grad between backward and step", denoising("loss = recon_loss(model(corrupt(clean)), clean)\n"
                                                          "loss.backward()\noptimizer.zero_grad()\noptimizer.step()\n"
                                                          "total, count = total + loss.item() * len(clean), "
                                                          "count + len(clean)"),
         r"the weights after the epoch"),
        ("plain mean of the batch losses", denoising("loss = recon_loss(model(corrupt(clean)), clean)\n"
                                                     "optimizer.zero_grad()\nloss.backward()\noptimizer.step()\n"
                                                     "total, count = total + loss.item(), count + 1"),
         r"plain mean of the batch losses: weight each batch by its size"),
    ],
    "Exercise 2 (conv_transpose_output_size)": [
        ("the convolution's formula", size("(i + 2 * p - k) // s + 1"),
         r"output size of a convolution.*transposed convolution grows"),
        ("padding added", size("(i - 1) * s + k + 2 * p + output_padding"), r"padding p crops p pixels from each side"),
        ("padding counted once", size("(i - 1) * s + k - p + output_padding"), r"it removes 2p"),
        ("output_padding forgotten", size("(i - 1) * s + k - 2 * p"), r"output_padding adds"),
        ("i times s", size("i * s + k - 2 * p + output_padding"), r"the stride multiplies \(i − 1\), not i"),
        ("float division", size("(i - 1) * s + k - 2 * p + output_padding / 1"), r"expected an int"),
    ],
    "Exercise 3 (reparameterise, vae_loss)": [
        ("KL with the wrong sign", vae_loss(RECON, "0.5 * (1 + logvar - mu**2 - logvar.exp()).sum(1).mean()"),
         r"KL has the wrong sign"),
        ("KL without the ½", vae_loss(RECON, "(mu**2 + logvar.exp() - logvar - 1).sum(1).mean()"),
         r"misses the factor ½"),
        ("KL averaged over the latent dimensions", vae_loss(RECON, "0.5 * (mu**2 + logvar.exp() - logvar - 1).mean()"),
         r"mean over the latent dimensions"),
        ("σ used where σ² is expected", vae_loss(RECON, "0.5 * (mu**2 + (0.5 * logvar).exp() - logvar - 1)"
                                                        ".sum(1).mean()"),
         r"σ² = exp\(log σ²\) \(not σ\)"),
        ("log σ² taken for σ in the KL", vae_loss(RECON, "0.5 * (mu**2 + logvar**2 - torch.log(logvar**2) - 1)"
                                                         ".sum(1).mean()"),
         r"log σ² = 0.*the KL is 0.*σ² = exp\(log σ²\)"),
        ("reconstruction averaged over pixels", vae_loss("F.binary_cross_entropy_with_logits(logits, x)", KL),
         r"mean over pixels: sum over the 784 pixels"),
        ("sample scaled by σ²", reparameterise(EPS + "\nreturn mu + logvar.exp() * eps"),
         r"spread like σ² = exp\(log σ²\)"),
        ("log σ² used as σ", reparameterise(EPS + "\nreturn mu + logvar * eps"), r"you used log σ² as σ"),
        ("ε drawn without the generator", reparameterise("return mu + (0.5 * logvar).exp() * torch.randn_like(mu)"),
         r"draw ε with the generator passed in"),
        ("μ detached", reparameterise(EPS + "\nreturn mu.detach() + (0.5 * logvar).exp() * eps"),
         r"gradient of z with respect to μ should be 1"),
    ],
}
