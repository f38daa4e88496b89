"""The README's examples, run for real: every ```text block of ``$ searchnews …`` commands and their output.

An example block holds one or more commands, each a line starting with
``$ ``, followed by what it prints (stdout and stderr, as a terminal shows
them when piped). The blocks are run in README order in a fresh workspace
that holds a copy of the sample corpus as ``./corpus`` and no index yet
(the first example builds ``./index``), so every output shown is what the
sample corpus gives.

``tests/test_docs.py`` runs them and compares, ignoring what changes from
run to run (see :func:`normalise`). After a change that alters outputs
(cleaning, ranking, wording), rewrite them in place with::

    python tests/readme_examples.py --update

and review the diff of README.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CORPUS = ROOT / "corpus"
#: Where the README says the user's files are (absolute paths in outputs are shown under it).
SHOWN_HOME = "/home/me"

_BLOCK = re.compile(r"(```text\n)(.*?)(```)", re.S)


@dataclass
class Example:
    """One command of a README block and the output the README shows for it."""

    command: str
    output: str


def examples(text: str) -> list[tuple[re.Match[str], list[Example]]]:
    """The example blocks of a README text (those whose first line is a ``$`` command), with their commands."""
    found = []
    for match in _BLOCK.finditer(text):
        lines = match.group(2).splitlines()
        if not lines or not lines[0].startswith("$ searchnews"):
            continue
        commands: list[Example] = []
        for line in lines:
            if line.startswith("$ "):
                commands.append(Example(line[2:], ""))
            else:
                commands[-1].output += line + "\n"
        found.append((match, commands))
    return found


def _shell_command(command: str) -> str:
    """``command`` with ``searchnews`` and ``python`` run by this Python (whatever is on PATH)."""
    python = shlex.quote(sys.executable)
    parts = []
    for stage in command.split(" | "):
        words = stage.split(" ", 1)
        if words[0] == "searchnews":
            stage = f"{python} -m searchnews" + (" " + words[1] if len(words) > 1 else "")
        elif words[0] == "python":
            stage = python + (" " + words[1] if len(words) > 1 else "")
        parts.append(stage)
    return " | ".join(parts)


def run(command: str, workspace: Path) -> str:
    """Run one README command in ``workspace``; its output as the README would show it."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SEARCHNEWS_")}
    env.update({"COLUMNS": "120", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"})
    done = subprocess.run(_shell_command(command) + " 2>&1", shell=True, cwd=workspace, env=env,
                          capture_output=True, text=True, timeout=300)
    return done.stdout.replace(str(workspace.resolve()), SHOWN_HOME).replace(str(workspace), SHOWN_HOME)


def normalise(text: str) -> str:
    """What may differ between two runs of the same example: timings and article ids (hashes of paths)."""
    text = re.sub(r"\b[0-9a-f]{16}\b", "<id>", text)
    text = re.sub(r"(\(showing \d+-\d+, )\d+ ms\)", r"\1<t> ms)", text)
    text = re.sub(r"took \d+(?:\.\d+)? s(, [\d.]+ MB/s)?", "took <t> s", text)
    text = re.sub(r'"took": [0-9.e-]+', '"took": <t>', text)
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def workspace(folder: Path) -> Path:
    """A folder holding a copy of the sample corpus as ``corpus/`` and nothing else."""
    shutil.copytree(CORPUS, folder / "corpus")
    return folder


def run_all(text: str, folder: Path) -> list[tuple[Example, str]]:
    """Every example of ``text``, run in order in ``folder``: ``(example, actual output)``."""
    return [(example, run(example.command, folder)) for _, block in examples(text) for example in block]


def update(path: Path = README) -> int:
    """Rewrite the outputs of every example of the README at ``path``; returns how many changed."""
    text = path.read_text(encoding="utf-8")
    changed = 0
    # Always the same folder, so the article ids (hashes of paths) in the outputs do not change from one
    # update to the next: the README's diff shows what really changed.
    fixed = Path(tempfile.gettempdir()) / "searchnews-readme"
    shutil.rmtree(fixed, ignore_errors=True)
    fixed.mkdir()
    try:
        folder = workspace(fixed)
        pieces, last = [], 0
        for match, block in examples(text):
            lines = []
            for example in block:
                actual = run(example.command, folder)
                changed += normalise(actual) != normalise(example.output)
                lines.append(f"$ {example.command}\n{actual.rstrip()}\n" if actual.strip() else
                             f"$ {example.command}\n")
            pieces += [text[last:match.start(2)], "".join(lines)]
            last = match.end(2)
        pieces.append(text[last:])
    finally:
        shutil.rmtree(fixed, ignore_errors=True)
    path.write_text("".join(pieces), encoding="utf-8")
    return changed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--update", action="store_true", help="rewrite the outputs in README.md")
    args = parser.parse_args()
    if args.update:
        print(f"{update()} example(s) changed in {README}")
        return 0
    text = README.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="searchnews-readme-") as temp:
        failed = 0
        for example, actual in run_all(text, workspace(Path(temp))):
            if normalise(actual) != normalise(example.output):
                failed += 1
                print(f"differs: $ {example.command}")
    print(f"{failed} example(s) differ" if failed else "every example matches")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
