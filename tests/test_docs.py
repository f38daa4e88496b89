"""The README is part of the product: its quick start runs, and every command is documented."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from searchnews.cli import cli

ROOT = Path(__file__).resolve().parent.parent

README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", section, re.S)]


def test_quick_start_is_two_commands():
    commands = quick_start_commands()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)
    assert commands[0].startswith("pip install . && searchnews index ./corpus && searchnews query")
    assert commands[1].startswith('pip install ".[test]" && ')


def test_ci_runs_the_readme_test_command():
    test_command = quick_start_commands()[1].split(" && ", 1)[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_quick_start_main_job_runs(tmp_path):
    """Run the searchnews part of the first command, as a real process, in a fresh folder."""
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus")
    steps = quick_start_commands()[0].split(" && ")[1:]
    outputs = []
    for step in steps:
        args = re.findall(r'"[^"]*"|\S+', step)
        args = [a.strip('"') for a in args]
        assert args[0] == "searchnews"
        done = subprocess.run([sys.executable, "-m", "searchnews", *args[1:]], cwd=tmp_path,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert "45 added" in outputs[0]
    assert "articles match" in outputs[1] and "ICBM" in outputs[1]


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_is_in_the_readme(command):
    assert f"searchnews {command}" in README


def test_every_query_field_is_documented():
    from searchnews.index.schema import FIELD_ALIASES

    syntax = README.split("## Query syntax", 1)[1].split("\n## ", 1)[0]
    for alias in FIELD_ALIASES:
        if alias in ("id", "text", "captions", "authors", "language", "title", "agency", "headline", "body",
                     "date", "source"):
            continue
        assert f"{alias}:" in syntax, alias


def test_field_weights_in_readme_match_the_code():
    from searchnews.index.schema import BM25_B, FIELD_WEIGHTS

    ranking = README.split("## Ranking", 1)[1].split("\n## ", 1)[0]
    for field, weight in FIELD_WEIGHTS.items():
        assert re.search(rf"\| {field} \| {weight} \| {BM25_B[field]} \|", ranking), field


def test_every_environment_variable_is_documented():
    source = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "searchnews").glob("*.py"))
    names = set(re.findall(r'"(SEARCHNEWS_[A-Z_]+)"', source))
    assert names, "the package reads environment variables"
    settings = README.split("## Settings", 1)[1].split("\n## ", 1)[0]
    for name in names:
        assert f"`{name}`" in settings, name


def test_query_help_matches_the_ranking():
    from click.testing import CliRunner

    text = CliRunner().invoke(cli, ["query", "--help"]).output
    assert "BM25F" in text and "all the plain words" in text
