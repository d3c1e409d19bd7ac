"""Test settings that reach the notebook kernels too (they inherit this environment)."""

import os

os.environ.setdefault("COURSE_PROFILE", "smoke")  # nbval re-executes notebooks on the small real subset
os.environ.setdefault("COURSE_STRICT_CHECKS", "1")  # a failing check in a solution notebook fails the test
os.environ.setdefault("TQDM_DISABLE", "1")  # no progress bars in compared outputs
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # tests never reach a model hub
if os.environ.get("PYTEST_XDIST_WORKER"):  # two workers, two cores: one thread each, or threads spin
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")
