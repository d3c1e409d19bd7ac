"""Plausible wrong answers to the exercises of 08_autoencoders and what each check must say (test_wrong_answers)."""


def denoising(body: str) -> str:
    """A denoising_epoch whose loop body is `body` (indented for the for loop)."""
    return ("def denoising_epoch(model, batches, corrupt, optimizer):\n"
            "    model.train()\n"
            "    total, count = 0.0, 0\n"
            "    for clean in batches:\n"
            + "".join(f"        {line}\n" for line in body.strip().splitlines())
            + "    return total / count\n")


LOSS = "loss = recon_loss(model(corrupt(clean)), clean)"
STEP = """optimizer.zero_grad()
loss.backward()
optimizer.step()"""
TOTAL = "total, count = total + loss.item() * len(clean), count + len(clean)"


def sizes(body: str) -> str:
    """A spatial_sizes whose loop body is `body` (indented for the for loop)."""
    return ("def spatial_sizes(layers, size):\n"
            "    sizes = []\n"
            "    for layer in layers:\n"
            + "".join(f"        {line}\n" for line in body.strip().splitlines())
            + "        sizes.append(size)\n"
            "    return sizes\n")


def conv_body(span: str = "d * (k - 1) + 1", up: str = "(size - 1) * s - 2 * p + span + layer.output_padding[0]",
              down: str = "(size + 2 * p - span) // s + 1") -> str:
    return sizes(f"""if isinstance(layer, (nn.Conv2d, nn.ConvTranspose2d)):
    k, s, p, d = layer.kernel_size[0], layer.stride[0], layer.padding[0], layer.dilation[0]
    span = {span}
    if isinstance(layer, nn.ConvTranspose2d):
        size = {up}
    else:
        size = {down}""")


def reparameterise(body: str) -> str:
    return ("def reparameterise(mu, logvar, generator):\n"
            + "".join(f"    {line}\n" for line in body.strip().splitlines()))


def vae_loss(reconstruction: str, kl: str) -> str:
    return ("def vae_loss(logits, x, mu, logvar):\n"
            f"    return {reconstruction}, {kl}\n")


EPS = "eps = torch.randn(mu.shape, generator=generator, dtype=mu.dtype, device=mu.device)"
SIGMA = "(0.5 * logvar).exp()"
RECON = 'F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1).mean()'
KL = "0.5 * (mu**2 + logvar.exp() - logvar - 1).sum(1).mean()"

WRONG = {
    "Exercise 1 (denoising_epoch)": [
        ("noise added to the target too", denoising("noisy = corrupt(clean)\nloss = recon_loss(model(noisy), noisy)\n"
                                                    + STEP + "\n" + TOTAL),
         r"corrupted digits: the target is the clean batch"),
        ("target corrupted by a second draw", denoising("loss = recon_loss(model(corrupt(clean)), corrupt(clean))\n"
                                                        + STEP + "\n" + TOTAL),
         r"corrupt was called 4 times for 2 batches.*clean batch as the target"),
        ("model fed the clean digits", denoising("noisy = corrupt(clean)\nloss = recon_loss(model(clean), clean)\n"
                                                 + STEP + "\n" + TOTAL),
         r"fed the clean digits: feed it corrupt\(clean\)"),
        ("no noise at all", denoising("loss = recon_loss(model(clean), clean)\n" + STEP + "\n" + TOTAL),
         r"corrupt was called 0 times"),
        ("gradients never zeroed", denoising(f"{LOSS}\nloss.backward()\noptimizer.step()\n{TOTAL}"),
         r"never zeroes the gradients.*zero_grad"),
        ("zero_grad between backward and step", denoising(f"{LOSS}\nloss.backward()\noptimizer.zero_grad()\n"
                                                          f"optimizer.step()\n{TOTAL}"),
         r"between loss.backward\(\) and optimizer.step\(\).*the weights after the epoch did not move"),
        ("plain mean of the batch losses", denoising(f"{LOSS}\n{STEP}\ntotal, count = total + loss.item(), count + 1"),
         r"plain mean of the batch losses: weight each batch by its size"),
        # family 4: state the loop finds (gradients left by an earlier step), the mode it leaves, its inputs
        ("zero_grad after the step", denoising(f"{LOSS}\nloss.backward()\noptimizer.step()\noptimizer.zero_grad()\n"
                                               + TOTAL),
         r"only after the step.*left over from before the epoch.*zero_grad\(\) before loss.backward\(\)"),
        ("model left in eval mode", denoising(f"{LOSS}\n{STEP}\n{TOTAL}\nmodel.eval()  # done with this batch"),
         r"left in eval mode.*model.train\(\)"),
        ("clean batch clamped in place", denoising(f"clean.clamp_(0.1, 0.9)  # keep the pixels off the edges\n{LOSS}\n"
                                                   f"{STEP}\n{TOTAL}"),
         r"changed the clean batches in place"),
        # family 3: a tensor where the text asks for a Python number
        ("loss tensor accumulated", denoising(f"{LOSS}\n{STEP}\n"
                                              "total, count = total + loss * len(clean), count + len(clean)"),
         r"returns a Tensor: return a Python float.*loss.item\(\)"),
        ("detached loss tensor accumulated", denoising(f"{LOSS}\n{STEP}\n"
                                                       "total, count = total + loss.detach() * len(clean), "
                                                       "count + len(clean)"),
         r"returns a Tensor: return a Python float"),
        # family 2: the batch size and the number of pixels are different numbers
        ("batch weighted by its number of pixels", denoising(f"{LOSS}\n{STEP}\n"
                                                             "total, count = total + loss.item() * clean.shape[1], "
                                                             "count + clean.shape[1]"),
         r"plain mean of the batch losses: weight each batch by its size"),
    ],
    "Exercise 2 (spatial_sizes)": [
        ("dilation left out", conv_body(span="k"), r"the dilation is left out.*d\(k − 1\) \+ 1 pixels"),
        ("dilated kernel spans d·k", conv_body(span="d * k"), r"count the pixels a dilated kernel covers once more"),
        ("dilated kernel spans d·(k − 1)", conv_body(span="d * (k - 1)"),
         r"count the pixels a dilated kernel covers once more"),
        ("dilation only in the convolution", conv_body(up="(size - 1) * s - 2 * p + k + layer.output_padding[0]"),
         r"ConvTranspose2d.*the dilation is left out"),
        ("the convolution's formula for both", conv_body(up="(size + 2 * p - span) // s + 1"),
         r"ConvTranspose2d.*formula of the other kind of layer.*transposed convolution grows"),
        ("output_padding forgotten", conv_body(up="(size - 1) * s - 2 * p + span"), r"output_padding adds"),
        ("padding added to the transposed size",
         conv_body(up="(size - 1) * s + 2 * p + span + layer.output_padding[0]"),
         r"ConvTranspose2d.*PyTorch gives \d+, you return \d+"),
        ("true division", conv_body(down="(size + 2 * p - span) / s + 1"), r"of type float, expected a Python int"),
        ("ceil instead of floor", "import math\n\n\n" + conv_body(down="math.ceil((size + 2 * p - span) / s) + 1"),
         r"Conv2d.*PyTorch gives \d+, you return \d+"),
        # family 2: one layer taken for the other
        ("transposed layers skipped", sizes("""if isinstance(layer, nn.Conv2d):
        k, s, p, d = layer.kernel_size[0], layer.stride[0], layer.padding[0], layer.dilation[0]
        size = (size + 2 * p - d * (k - 1) - 1) // s + 1"""), r"ConvTranspose2d.*PyTorch gives \d+, you return \d+"),
        # family 3: types and structure of what comes back
        ("sizes as tensors", conv_body(down="torch.tensor((size + 2 * p - span) // s + 1)"),
         r"of type Tensor, expected a Python int"),
        ("only the convolutions reported", """def spatial_sizes(layers, size):
        sizes = []
        for layer in layers:
            if isinstance(layer, (nn.Conv2d, nn.ConvTranspose2d)):
                k, s, p, d = layer.kernel_size[0], layer.stride[0], layer.padding[0], layer.dilation[0]
                span = d * (k - 1) + 1
                if isinstance(layer, nn.ConvTranspose2d):
                    size = (size - 1) * s - 2 * p + span + layer.output_padding[0]
                else:
                    size = (size + 2 * p - span) // s + 1
                sizes.append(size)
        return sizes
    """, r"sizes for \d+ layers: one size after each layer"),
        # family 4: the layers run instead of read
        ("layers run on a dummy input", """def spatial_sizes(layers, size):
        x, sizes = torch.zeros(1, 1, size, size), []
        for layer in layers:
            x = layer(x)
            sizes.append(x.shape[-1])
        return sizes
    """, r"ran a layer: compute the sizes from the settings"),
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
        ("ε drawn without the generator", reparameterise(f"return mu + {SIGMA} * torch.randn_like(mu)"),
         r"draw ε with the generator passed in"),
        ("μ detached", reparameterise(EPS + f"\nreturn mu.detach() + {SIGMA} * eps"),
         r"gradient of z with respect to μ should be 1"),
        # family 5: what a mean over many draws could only catch by chance is now compared draw for draw
        ("σ taken as half of σ²", reparameterise(EPS + "\nreturn mu + 0.5 * logvar.exp() * eps"),
         r"½ exp\(log σ²\) = σ²/2"),
        ("ε drawn from a uniform", reparameterise("eps = torch.rand(mu.shape, generator=generator, dtype=mu.dtype)\n"
                                                  f"return mu + {SIGMA} * eps"),
         r"ε is uniform \(torch.rand\)"),
        ("noise subtracted", reparameterise(EPS + f"\nreturn mu - {SIGMA} * eps"), r"you subtract the noise"),
        # family 2: μ and σ (or μ and log σ²) in each other's place
        ("μ and σ swapped", reparameterise(EPS + f"\nreturn {SIGMA} + mu * eps"), r"μ and σ are swapped"),
        ("μ and log σ² swapped in the KL", vae_loss(RECON, "0.5 * (logvar**2 + mu.exp() - mu - 1).sum(1).mean()"),
         r"μ and log σ² are swapped in the KL"),
        ("logits and target swapped", vae_loss('F.binary_cross_entropy_with_logits(x, logits, reduction="none")'
                                               ".sum(1).mean()", KL),
         r"arguments of the cross-entropy are swapped"),
        ("sigmoid before the logits loss", vae_loss("F.binary_cross_entropy_with_logits(torch.sigmoid(logits), x, "
                                                    'reduction="none").sum(1).mean()', KL),
         r"went through a sigmoid before binary_cross_entropy_with_logits"),
        # family 3: dtype, shape, return type
        ("ε drawn in float32", reparameterise("eps = torch.randn(mu.shape, generator=generator)\n"
                                              f"return mu + {SIGMA} * eps"),
         r"ε was drawn in float32.*dtype=mu.dtype"),
        ("one ε for the whole batch", reparameterise("eps = torch.randn(mu.shape[-1], generator=generator, "
                                                     f"dtype=mu.dtype)\nreturn mu + {SIGMA} * eps"),
         r"one ε is shared by all the digits"),
        ("terms returned as floats", vae_loss(RECON + ".item()", KL + ".item()"),
         r"the reconstruction term is a float: return a tensor holding one number, without .item\(\)"),
        ("KL kept per digit", vae_loss(RECON, "0.5 * (mu**2 + logvar.exp() - logvar - 1).sum(1)"),
         r"the KL term is a Tensor of shape \(4,\)"),
        ("KL built from a detached μ", vae_loss(RECON, "0.5 * (mu.detach()**2 + logvar.exp() - logvar - 1)"
                                                       ".sum(1).mean()"),
         r"gradient of reconstruction \+ KL with respect to μ|no gradient reaches μ"),
        # family 4: a generator reseeded at each call, inputs changed in place
        ("generator reseeded at each call", reparameterise("generator.manual_seed(1)\n" + EPS
                                                           + f"\nreturn mu + {SIGMA} * eps"),
         r"two calls with one generator drew the same ε"),
        ("a new generator at each call", reparameterise("generator = torch.Generator().manual_seed(0)\n" + EPS
                                                        + f"\nreturn mu + {SIGMA} * eps"),
         r"two calls with one generator drew the same ε"),
        ("log σ² halved in place", reparameterise(EPS + "\nreturn mu + logvar.mul_(0.5).exp() * eps"),
         r"changed mu or logvar in place"),
    ],
}
