#!/usr/bin/env python3
"""Fails when a Markdown file in the repository links to a relative path that does not exist."""
import pathlib
import re
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
files = subprocess.run(["git", "ls-files", "*.md"], cwd=root, capture_output=True, text=True, check=True).stdout.split()
link = re.compile(r"\]\(([^)\s]+)\)")
dead = []
checked = 0
for name in files:
    path = root / name
    text = path.read_text(encoding="utf-8")
    # Code blocks hold commands, not links.
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    for target in link.findall(text):
        if re.match(r"^[a-z]+:", target) or target.startswith("#") or target.startswith("<"):
            continue
        checked += 1
        if not (path.parent / target.split("#")[0]).exists():
            dead.append(f"{name}: {target}")
for d in dead:
    print("dead link:", d)
print(f"doc links: {checked - len(dead)} passed, {len(dead)} failed")
sys.exit(1 if dead else 0)
