"""The course as a person meets it: JupyterLab in a real browser (headless Chromium driven by Playwright).

    python tools/browser_check.py                  # every student notebook + the solutions that hold widgets
    python tools/browser_check.py 01 03            # chosen lectures (both folders' notebooks that qualify)
    python tools/browser_check.py --out runs/browser --timeout 300

It starts its own JupyterLab (a token, autosave off, private settings, config and workspace folders), opens
each notebook, checks that the saved notebook shows no raw widget text, runs all cells on the small lesson
size, waits for the kernel, and asserts:
- no cell shows an error;
- every check cell prints ⏳ in a student notebook and ✅ in a solution notebook;
- every widget renders as a live control, and moving one (a slider step, or another choice and its button)
  changes the figure it draws;
- no progress bar without a total ("3/?") and no "model not found" in the page or the browser console;
- no notebook file on disk changed.
A screenshot of each notebook goes to --out for a person to look at. Prints "N passed, N failed".
Chromium: the system's (`chromium` on Debian; set $CHROMIUM to another executable).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from course import ROOT, SOLUTIONS, STUDENTS, WIDGET_VIEW, notebooks, read

sys.path.insert(0, str(ROOT))
from utils.data import DATA_ENV  # noqa: E402
from utils.env import PROFILE_ENV  # noqa: E402

WIDGET_PY = re.compile(r"\binteract(_manual)?\(|ipywidgets|widgets\.")
NO_TOTAL = re.compile(r"\b\d+/\?")  # tqdm's count when its iterable has no length
CONSOLE_BAD = re.compile(r"model not found|could not create (a )?(model|view)|class \S+ not found", re.I)

SETTINGS = {  # JupyterLab user settings: nothing written to disk behind our back, nothing fetched from outside
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                         "checkForUpdates": False},
}

CELLS_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  return panel.content.widgets.map((cell, i) => ({
    index: i, type: cell.model.type, tags: cell.model.getMetadata('tags') || [],
    source: cell.model.sharedModel.getSource(),
    count: cell.model.type === 'code' ? cell.model.executionCount : null,
    outputs: cell.model.type === 'code' ? cell.model.outputs.toJSON() : [],
    text: cell.node.innerText,
  }));
}"""

BUSY_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const pending = panel.content.widgets.some(c => c.model.type === 'code' &&
      (c.promptNode ? c.promptNode.textContent.includes('*') : false));
  return {status: kernel ? kernel.status : 'none', pending: pending, text: panel.content.node.innerText};
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def digests() -> dict[str, str]:
    """sha256 of every notebook file of both folders (what must not change)."""
    return {str(p.relative_to(ROOT)): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in (SOLUTIONS, STUDENTS) for p in sorted(folder.glob("*.ipynb"))}


def has_widgets(path: Path) -> bool:
    return any(c.cell_type == "code" and WIDGET_PY.search(c.source) for c in read(path).cells)


def chosen(wanted: list[str]) -> list[Path]:
    """Every student notebook, and the solution notebooks that hold widgets (their checks must show ✅)."""
    pick = lambda paths: [p for p in paths if not wanted or any(p.stem.startswith(w) for w in wanted)]
    return pick(notebooks(STUDENTS)) + [p for p in pick(notebooks(SOLUTIONS)) if has_widgets(p)]


class Lab:
    """A JupyterLab server of our own in the repository root, stopped on exit."""

    def __init__(self, home: Path, profile: str):
        self.port, self.token = free_port(), secrets.token_hex(16)
        settings = home / "settings"
        for name, values in SETTINGS.items():
            (settings / name).parent.mkdir(parents=True, exist_ok=True)
            (settings / name).write_text(json.dumps(values))
        env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(settings), "JUPYTER_CONFIG_DIR": str(home / "config"),
               "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
               PROFILE_ENV: profile, "HF_HUB_OFFLINE": "1", "COURSE_STRICT_CHECKS": "0"}
        env.pop("TQDM_DISABLE", None)  # progress bars are part of what a student sees
        if os.environ.get(DATA_ENV):
            env[DATA_ENV] = str(Path(os.environ[DATA_ENV]).resolve())
        self.log = open(home / "jupyterlab.log", "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={self.port}", "--ip=127.0.0.1",
             f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={ROOT}",
             "--LabApp.expose_app_in_browser=True", "--ServerApp.allow_root=True"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_ready()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}?token={self.token}"

    def api(self, path: str, method: str = "GET"):
        req = urllib.request.Request(self.url(f"api/{path}"), method=method)
        with urllib.request.urlopen(req, timeout=10) as r:
            body = r.read()
        return json.loads(body) if body else None

    def wait_ready(self, seconds: float = 90) -> None:
        end = time.time() + seconds
        while time.time() < end:
            if self.proc.poll() is not None:
                raise SystemExit(f"JupyterLab stopped at start; see {self.log.name}")
            try:
                self.api("status")
                return
            except OSError:
                time.sleep(0.5)
        raise SystemExit(f"JupyterLab did not answer in {seconds:.0f} s; see {self.log.name}")

    def shutdown_kernels(self) -> None:
        for kernel in self.api("kernels"):
            self.api(f"kernels/{kernel['id']}", method="DELETE")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def run_all(page, timeout: float, seen_text: list[str]) -> bool:
    """Run every cell and wait until the kernel is idle with no cell pending; False on time-out."""
    page.evaluate("() => { void window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    end, quiet = time.time() + timeout, 0
    time.sleep(1.0)
    while time.time() < end:
        state = page.evaluate(BUSY_JS)
        seen_text.append(state["text"])  # progress bars vanish when done: look at them while they run
        quiet = quiet + 1 if state["status"] == "idle" and not state["pending"] else 0
        if quiet >= 3:
            return True
        time.sleep(1.0)
    return False


def output_text(cell: dict) -> str:
    parts = []
    for out in cell["outputs"]:
        if out.get("output_type") == "stream":
            parts.append("".join(out.get("text", "")))
        for key in ("text/plain", "text/markdown"):
            value = out.get("data", {}).get(key)
            if value:
                parts.append("".join(value))
    return "\n".join(parts)


def images_of(page, index: int) -> list[str]:
    return page.evaluate("""(i) => {
      const cell = window.jupyterapp.shell.currentWidget.content.widgets[i];
      return Array.from(cell.node.querySelectorAll('.jp-OutputArea img')).map(img => img.src.slice(-200));
    }""", index)


def move_a_control(page, index: int) -> str:
    """Move the first control of the widget in cell `index` one step; returns what was done ('' if none)."""
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    handle = cell.locator(".noUi-handle").first  # ipywidgets 8 sliders
    if handle.count():
        at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
        key = "ArrowLeft" if at_max else "ArrowRight"  # a slider that starts at its end moves back
        handle.focus()
        page.keyboard.press(key)
        page.keyboard.press(key)
        return f"slider moved two steps ({key})"
    select = cell.locator(".jupyter-widgets select").first
    if select.count():
        options = select.locator("option").all_inner_texts()
        current = select.input_value()
        other = next(o for o in options if o != current)
        select.select_option(label=other)
        button = cell.locator(".jupyter-widgets button").first
        if button.count():
            button.click()
        return f"chose {other!r}"
    return ""


def check_widgets(page, cells: list[dict]) -> list[str]:
    """Every widget output is a live control; the first one with a figure changes it when moved."""
    problems, moved = [], False
    for cell in cells:
        if not WIDGET_PY.search(cell["source"]) or not any(WIDGET_VIEW in o.get("data", {}) for o in cell["outputs"]):
            continue  # progress bars are widgets too, but nothing to move
        i = cell["index"]
        live = page.evaluate("""(i) => {
          const cell = window.jupyterapp.shell.currentWidget.content.widgets[i];
          return cell.node.querySelectorAll('.jp-OutputArea .jupyter-widgets input, '
              + '.jp-OutputArea .jupyter-widgets select, .jp-OutputArea .noUi-handle').length;
        }""", i)
        if not live:
            problems.append(f"cell {i}: a widget output with no live control ({cell['text'][:80]!r})")
            continue
        if moved:
            continue
        cell_locator = page.locator(".jp-Notebook .jp-Cell").nth(i)
        cell_locator.scroll_into_view_if_needed()
        before = images_of(page, i)
        action = move_a_control(page, i)
        end = time.time() + 60
        while time.time() < end and images_of(page, i) == before:
            time.sleep(0.5)
        if images_of(page, i) == before:
            problems.append(f"cell {i}: {action or 'no control to move'}, but its figure did not change")
        moved = True
    return problems


def check_notebook(page, lab: Lab, path: Path, shots: Path, timeout: float, console: list[str]) -> list[str]:
    rel = path.relative_to(ROOT).as_posix()
    student = path.parent == STUDENTS
    console.clear()
    page.goto(lab.url(f"lab/tree/{rel}") + "&reset", wait_until="domcontentloaded")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget && "
                           "window.jupyterapp.shell.currentWidget.sessionContext && "
                           "window.jupyterapp.shell.currentWidget.sessionContext.session && "
                           "window.jupyterapp.shell.currentWidget.sessionContext.session.kernel && "
                           "window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'",
                           timeout=120_000)
    problems = []
    opened = page.evaluate(BUSY_JS)["text"]
    if "interactive(children" in opened:
        problems.append("the saved notebook shows a widget's raw text (interactive(children=...)) before it runs")
    seen: list[str] = []
    if not run_all(page, timeout, seen):
        problems.append(f"still running after {timeout:.0f} s")
    cells = page.evaluate(CELLS_JS)
    for cell in cells:
        for out in cell["outputs"]:
            if out.get("output_type") == "error":
                problems.append(f"cell {cell['index']}: {out.get('ename')}: {out.get('evalue', '')[:200]}")
        if "check" in cell["tags"]:
            text, want = output_text(cell), "⏳" if student else "✅"
            if cell["count"] is None:
                problems.append(f"check cell {cell['index']} did not run")
            elif want not in text or "❌" in text:
                problems.append(f"check cell {cell['index']} shows {text.strip()[:120]!r}, expected {want}")
    problems += check_widgets(page, cells)
    no_total = sorted({m.group() for text in seen for m in NO_TOTAL.finditer(text)})
    if no_total:
        problems.append(f"a progress bar without a total: {', '.join(no_total[:3])}")
    final = page.evaluate(BUSY_JS)["text"]
    if "Error displaying widget" in final:
        problems.append("a widget shows 'Error displaying widget'")
    problems += [f"browser console: {line[:200]}" for line in console if CONSOLE_BAD.search(line)]
    page.screenshot(path=str(shots / f"{path.parent.name}_{path.stem}.png"))
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("lectures", nargs="*", help="lecture numbers or names (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "runs" / "browser", help="screenshots and logs")
    parser.add_argument("--profile", default="smoke", help="lesson size the kernels run (default: smoke)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds for one notebook's run-all")
    args = parser.parse_args()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("browser check: Playwright is not installed (pip install playwright)", file=sys.stderr)
        return 2
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("browser check: no Chromium found (apt-get install chromium, or set $CHROMIUM)", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    paths = chosen(args.lectures)
    before = digests()
    passed, failed = 0, 0
    with tempfile.TemporaryDirectory(prefix="course-lab-") as home, sync_playwright() as pw:
        lab = Lab(Path(home), args.profile)
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"] if os.geteuid() == 0 else [])
        try:
            for path in paths:
                console: list[str] = []
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.on("console", lambda msg, sink=console: sink.append(f"{msg.type}: {msg.text}")
                        if msg.type in ("error", "warning") else None)
                page.on("pageerror", lambda err, sink=console: sink.append(f"pageerror: {err}"))
                start = time.time()
                try:
                    problems = check_notebook(page, lab, path, args.out, args.timeout, console)
                except Exception as err:  # a time-out or a page that never loaded: this notebook fails, go on
                    problems = [f"{type(err).__name__}: {str(err).splitlines()[0][:200]}"]
                page.close()
                lab.shutdown_kernels()
                name = path.relative_to(ROOT).as_posix()
                if problems:
                    failed += 1
                    print(f"FAIL {name} ({time.time() - start:.0f} s)")
                    for p in problems:
                        print(f"     {p}")
                else:
                    passed += 1
                    print(f"ok   {name} ({time.time() - start:.0f} s)")
                sys.stdout.flush()
        finally:
            browser.close()
            lab.stop()
            shutil.copy(Path(home) / "jupyterlab.log", args.out / "jupyterlab.log")
    changed = [name for name, digest in digests().items() if before.get(name) != digest]
    if changed:
        failed += 1
        print(f"FAIL notebooks changed on disk: {', '.join(changed)}")
    print(f"screenshots: {args.out}")
    print(f"browser: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
