"""Profile, device, seeding and run information: the one setup every notebook does."""

from __future__ import annotations

import os
import platform
import random

import numpy as np
import torch

PROFILES = ("smoke", "cpu", "full")
PROFILE_ENV = "COURSE_PROFILE"
ENV_KEY, METRICS_KEY = "course_env", "course_metrics"  # output tags read by tools/run_course.py
HEADLINE_KEY = "_headline"  # inside the metrics tag: which metric is the headline (JSON keys get sorted)


def pick_profile(requested: str = "") -> str:
    """The profile to run: papermill's -p value, else $COURSE_PROFILE, else full on a GPU and cpu without."""
    profile = requested or os.environ.get(PROFILE_ENV, "") or ("full" if torch.cuda.is_available() else "cpu")
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}: choose one of {', '.join(PROFILES)}")
    return profile


def pick_device() -> torch.device:
    """CUDA if present, then Apple's MPS, else the CPU."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def seed_everything(seed: int = 0) -> None:
    """Seed Python, NumPy and torch (all devices) so that a rerun gives the same numbers."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def device_name(device: torch.device) -> str:
    """A human name for the device, e.g. 'NVIDIA H100 80GB HBM3' or 'cpu (2 threads)'."""
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return f"{device.type} ({torch.get_num_threads()} threads, {platform.machine()})"


def setup(profile: str = "", seed: int = 0) -> tuple[str, torch.device]:
    """Pick profile and device, seed everything, print one line saying what runs where."""
    profile = pick_profile(profile)
    device = pick_device()
    seed_everything(seed)
    info = dict(profile=profile, device=device_name(device), torch=torch.__version__, seed=seed)
    _show(" | ".join(f"{k}={v}" for k, v in info.items()), ENV_KEY, info)
    return profile, device


def progress_enabled() -> bool:
    """Progress bars are on unless $TQDM_DISABLE is set (the tests set it)."""
    return os.environ.get("TQDM_DISABLE", "") in ("", "0", "false", "False")


def record_metrics(**metrics: float | int | str) -> None:
    """Show a notebook's headline metrics (the first one is the headline) and tag them for the runner."""
    text = "  ".join(f"{k} = {v:.4g}" if isinstance(v, float) else f"{k} = {v}" for k, v in metrics.items())
    _show("headline metrics: " + text, METRICS_KEY, {**metrics, HEADLINE_KEY: next(iter(metrics))})


def _show(text: str, key: str, data: dict) -> None:
    """Print `text`; in a notebook, also tag the output with `data` under `key` for tools/run_course.py."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None
    if get_ipython is None or get_ipython() is None:
        print(text)
    else:
        display({"text/plain": text}, raw=True, metadata={key: data})
