"""Profile, device, seeding and run information: the one setup every notebook does."""

from __future__ import annotations

import os
import platform
import random
import reprlib

import numpy as np
import torch

PROFILES = ("smoke", "cpu", "full")
PROFILE_ENV = "COURSE_PROFILE"
ENV_KEY, METRICS_KEY = "course_env", "course_metrics"  # output tags read by tools/run_course.py
HEADLINE_KEY = "_headline"  # inside the metrics tag: which metric is the headline (JSON keys get sorted)


class ProfileError(ValueError):
    """An unknown profile, told in one line (no stack trace in a notebook or in tools/run_course.py)."""

    def _render_traceback_(self) -> list[str]:  # IPython calls this instead of printing a traceback
        return [f"{type(self).__name__}: {self}"]


def pick_profile(requested: str = "") -> str:
    """The profile to run: papermill's -p value, else $COURSE_PROFILE, else full on a GPU and cpu without."""
    env_profile = os.environ.get(PROFILE_ENV, "")
    profile = requested or env_profile or ("full" if torch.cuda.is_available() else "cpu")
    if profile not in PROFILES:
        source = "" if requested else f" (from ${PROFILE_ENV})"
        raise ProfileError(f"unknown profile {profile!r}{source}: choose one of {', '.join(PROFILES)}.")
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
    threads = torch.get_num_threads()
    return f"{device.type} ({threads} thread{'s' if threads != 1 else ''}, {platform.machine()})"


def setup(profile: str = "", seed: int = 0) -> tuple[str, torch.device]:
    """Pick profile and device, seed everything, print one line saying what runs where."""
    profile = pick_profile(profile)
    device = pick_device()
    seed_everything(seed)
    info = dict(profile=profile, device=device_name(device), torch=torch.__version__, seed=seed)
    text = f"Lesson size: {profile}. Computing on {info['device']} with torch {info['torch']}, random seed {seed}."
    _show(text, ENV_KEY, info)
    return profile, device


class SizeError(ValueError):
    """A size in the parameters cell is out of range, told in one sentence (no stack trace in a notebook)."""

    def _render_traceback_(self) -> list[str]:  # IPython calls this instead of printing a traceback
        return [f"{type(self).__name__}: {self}"]


def sizes(table: dict, profile: str, **limits: tuple[int | float, int | float]) -> tuple:
    """The values of `table[profile]` for the keys of `limits`, in that order, each checked against its range.

    `limits` maps each key to its allowed (lowest, highest) values; integer bounds ask for an integer, float
    bounds for any number. A missing, unexpected, out-of-range or wrongly typed value is refused with one
    sentence naming it, so a typo in SIZES (or in papermill's -p/-y) cannot run silently on the wrong data.
    """
    # papermill's -p SIZES foo makes SIZES a string, -y can make it anything: say so, not AttributeError
    if not isinstance(table, dict) or not all(isinstance(row, dict) for row in table.values()):
        raise SizeError(f"SIZES = {reprlib.repr(table)} is not a dict of dicts: give one dict of sizes per profile "
                        f"({', '.join(PROFILES)}); papermill passes a dict with -y, not -p.")
    row = table.get(profile) if isinstance(profile, str) else None
    if not isinstance(row, dict):
        raise SizeError(f"SIZES has no entry for {profile!r}: give one dict per profile ({', '.join(PROFILES)}).")
    unexpected = sorted(map(str, set(row) - set(limits)))  # str: -y can give keys that are not strings
    if unexpected:
        raise SizeError(f"SIZES[{profile!r}] has unknown key(s) {', '.join(unexpected)}: "
                        f"the keys are {', '.join(limits)}.")
    values = []
    for key, (low, high) in limits.items():
        if key not in row:
            raise SizeError(f"SIZES[{profile!r}] has no {key!r}: give a value from {low:,} to {high:,}.")
        value = row[key]
        whole = isinstance(low, int) and isinstance(high, int)
        kind_ok = isinstance(value, int) if whole else isinstance(value, int | float)
        if isinstance(value, bool) or not kind_ok or not low <= value <= high:
            kind = "an integer" if whole else "a number"
            raise SizeError(f"SIZES[{profile!r}][{key!r}] = {value!r} is not allowed: "
                            f"use {kind} from {low:,} to {high:,}.")
        values.append(value)
    return tuple(values)


def progress_enabled() -> bool:
    """Progress bars are on unless $TQDM_DISABLE is set (the tests set it)."""
    return os.environ.get("TQDM_DISABLE", "") in ("", "0", "false", "False")


def record_metrics(**metrics: float | int | str) -> None:
    """Show a notebook's headline metrics (the first one is the headline) and tag them for the runner."""
    text = "  ".join(f"{k} = {v:.4g}" if isinstance(v, float) else f"{k} = {v}" for k, v in metrics.items())
    _show("Results of this notebook: " + text, METRICS_KEY, {**metrics, HEADLINE_KEY: next(iter(metrics))})


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
