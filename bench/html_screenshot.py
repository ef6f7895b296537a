"""Render the fictional Harrow-like sample report to HTML and screenshot it in headless Chromium.

    .venv/bin/python bench/html_screenshot.py [OUT_DIR]

Writes OUT_DIR/report.html and OUT_DIR/report.png (default OUT_DIR: a new temp folder) and
prints their paths.  Exit code 0 when the screenshot was taken, 2 when no Chromium is
installed (Debian: ``apt-get install chromium``), 1 when Chromium failed.  The browser runs
with networking features off and a throwaway profile; the page needs no network anyway.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")


def find_browser() -> str | None:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def write_sample_html(path: Path) -> Path:
    from datetime import UTC, datetime

    from assistant.report import build_report, render
    from prompts import get_framework
    from tests.report_sample import harrow_like

    framework = get_framework()
    report = build_report(
        framework,
        harrow_like(framework),
        generated_at=datetime(2014, 10, 23, 9, tzinfo=UTC),
    )
    path.write_text(render(report, "html"), encoding="utf-8")
    return path


def screenshot(
    browser: str, html_file: Path, png: Path, size: str = "1200,2000", timeout: float = 90
) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="crprofile-") as profile:
        cmd = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--screenshot={png}",
            f"--window-size={size}",
            html_file.resolve().as_uri(),
        ]
        env = dict(os.environ, HOME=profile)
        return subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )


def main(argv: list[str]) -> int:
    out_dir = Path(argv[1]) if len(argv) > 1 else Path(tempfile.mkdtemp(prefix="report-html-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    html_file = write_sample_html(out_dir / "report.html")
    print(f"html: {html_file}")
    browser = find_browser()
    if browser is None:
        print("no chromium found: install it (Debian: apt-get install chromium)", file=sys.stderr)
        return 2
    png = out_dir / "report.png"
    result = screenshot(browser, html_file, png)
    if result.returncode != 0 or not png.exists() or png.stat().st_size == 0:
        print(f"chromium failed ({result.returncode}): {result.stderr[-2000:]}", file=sys.stderr)
        return 1
    print(f"png: {png} ({png.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
