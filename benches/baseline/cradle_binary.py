"""Build cradle in release mode and return the path of the binary.

The path comes from `cargo metadata`, so it honours CARGO_TARGET_DIR and
workspace layouts instead of assuming target/release.
"""

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cradle_binary():
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    meta = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    return str(Path(json.loads(meta)["target_directory"]) / "release" / "cradle")
