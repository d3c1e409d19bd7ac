"""Test settings that reach the notebook kernels too (they inherit this environment)."""

import os

os.environ.setdefault("COURSE_PROFILE", "smoke")  # nbval re-executes notebooks on the small real subset
os.environ.setdefault("COURSE_STRICT_CHECKS", "1")  # a failing check in a solution notebook fails the test
os.environ.setdefault("TQDM_DISABLE", "1")  # no progress bars in compared outputs
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # tests never reach a model hub
