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


# -- the README's examples and the --help examples are real output of the sample corpus ---------


@pytest.fixture(scope="module")
def readme_run(tmp_path_factory):
    """Every README example run in order in a fresh workspace: ``(workspace, [(example, actual output)])``."""
    import readme_examples

    folder = readme_examples.workspace(tmp_path_factory.mktemp("readme"))
    return folder, readme_examples.run_all(README, folder)


def test_the_readme_has_examples_of_every_command_that_prints(readme_run):
    _folder, done = readme_run
    commands = {example.command.split()[1] for example, _ in done}
    assert {"index", "query", "timeline", "clean"} <= commands


def test_every_readme_example_prints_what_the_readme_shows(readme_run):
    """If this fails after a change that alters outputs, run ``python tests/readme_examples.py --update``."""
    import difflib

    import readme_examples

    _folder, done = readme_run
    differ = []
    for example, actual in done:
        expected, got = readme_examples.normalise(example.output), readme_examples.normalise(actual)
        if expected != got:
            diff = "\n".join(difflib.unified_diff(expected.splitlines(), got.splitlines(), "README", "actual",
                                                  lineterm=""))
            differ.append(f"$ {example.command}\n{diff}")
    assert not differ, "\n\n".join(differ)


def _help_examples() -> list[tuple[str, str]]:
    from click.testing import CliRunner

    found = []
    runner = CliRunner()
    for name in [None, *sorted(cli.commands)]:
        text = runner.invoke(cli, ([name] if name else []) + ["--help"]).output
        found += [(name or "searchnews", line.strip()) for line in text.splitlines()
                  if line.strip().startswith("searchnews ") and "--help" not in line and "COMMAND" not in line]
    return found


def test_every_command_help_has_examples():
    commands = {name for name, _ in _help_examples()}
    assert commands >= {"searchnews", "index", "query", "similar", "timeline", "clean"}


@pytest.mark.parametrize("command", [example for _, example in _help_examples()])
def test_help_examples_run_and_find_something(readme_run, command):
    import readme_examples

    folder, _ = readme_run
    output = readme_examples.run(command, folder)
    assert "Error" not in output and "Traceback" not in output, output
    assert "No articles match" not in output and "no dated articles" not in output, output
    assert '"total": 0' not in output and '"hits": []' not in output, output
