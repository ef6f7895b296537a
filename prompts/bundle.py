"""Make the validated forms of the bundled frameworks (``prompts.shipped``).

    python -m prompts.bundle           write prompts/validated/<id>.json for each bundled file
    python -m prompts.bundle --check   exit 1 if any is missing or not what the code makes now

Run it after changing a bundled framework file or the code that validates frameworks
(``prompts.shipped.CODE``); ``tests/test_shipped_framework.py`` fails until it is run, so a
release never carries a stale form (a stale one is only ignored: the app then validates the
file itself, about 130 ms slower to start).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from checked import to_data
from prompts.loader import _parse_text, load_data
from prompts.shipped import BUNDLED_DIR, VALIDATED_DIR, validated_form


def made(path: Path) -> bytes:
    """The validated form of one bundled file, as it is written."""
    raw = path.read_bytes()
    framework = load_data(_parse_text(str(path), raw.decode("utf-8"), path.suffix), str(path))
    form = validated_form(raw, to_data(framework))
    return (json.dumps(form, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for path in sorted(BUNDLED_DIR.glob("*.toml")):
        target = VALIDATED_DIR / f"{path.stem}.json"
        data = made(path)
        current = target.read_bytes() if target.exists() else None
        if current == data:
            continue
        if check:
            stale.append(target)
            continue
        VALIDATED_DIR.mkdir(exist_ok=True)
        target.write_bytes(data)
        print(f"wrote {target}")
    for target in stale:
        print(f"{target}: missing or stale; run: python -m prompts.bundle", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
