"""The README's command-line examples run as written, and the files it points to exist."""

import re
import shlex

import pandas as pd

from sklearn_nn.cli import main

from .helpers import ROOT


def _commands(text):
    """The ``sklearn-nn`` command lines of the bash blocks of ``text`` (Markdown or reST), joined."""
    blocks = re.findall(r"```bash\n(.*?)```", text, flags=re.S)
    blocks += re.findall(r"\.\. code-block:: bash\n\n((?:    .*\n|\n)+)", text)
    commands = []
    for block in blocks:
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words[:1] == ["sklearn-nn"]:
                commands.append(words[1:])
    return commands


def _section(text, title):
    return text.split(title, 1)[1].split("\n## ", 1)[0]


def test_readme_train_and_predict_examples_run_as_written(capsys, monkeypatch, tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [c for c in _commands(_section(readme, "## Command line")) if c[0] != "compare"]
    assert [c[:2] for c in commands] == [
        ["train", "--model"],
        ["datasets", "export"],
        ["train", "--model"],
        ["predict", "wines.skops"],
        ["export", "digits.skops"],
    ]
    monkeypatch.chdir(tmp_path)  # an empty folder
    for argv in commands:
        assert main(argv) == 0, (argv, capsys.readouterr().err)
    capsys.readouterr()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "digits.onnx",
        "digits.skops",
        "predictions.csv",
        "wines.csv",
        "wines.skops",
    ]
    predictions, wines = pd.read_csv(tmp_path / "predictions.csv"), pd.read_csv(tmp_path / "wines.csv")
    assert list(predictions.columns) == ["prediction", "proba_0", "proba_1", "proba_2"]
    assert len(predictions) == len(wines) == 178
    assert (predictions["prediction"] == wines["cultivar"]).mean() > 0.9


def test_cli_docs_datasets_example_runs(capsys, monkeypatch, tmp_path):
    text = (ROOT / "docs" / "cli.rst").read_text(encoding="utf-8")
    commands = _commands(text.split("``sklearn-nn datasets``\n---", 1)[1].split("\n---", 1)[0])
    assert commands[0] == ["datasets"] and commands[1][:2] == ["datasets", "export"]
    monkeypatch.chdir(tmp_path)
    for argv in commands:
        assert main(argv) == 0, (argv, capsys.readouterr().err)
    out = capsys.readouterr().out
    assert "wine           classification  wine cultivars, 3 classes" in out
    assert "Classification: wines.csv (178 samples, 13 features, 3 classes), 3-fold stratified CV" in out


def test_files_the_readme_points_to_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    paths = set(re.findall(r"`((?:docs|examples|benchmarks|tests|sklearn_nn)/[\w./-]+)`", readme))
    paths |= set(re.findall(r"\]\(((?!https?:)[^)#]+)\)", readme))
    assert "docs/scaling_out.rst" in paths
    built = {path for path in paths if "/_build/" in path}  # made by the docs build
    missing = sorted(path for path in paths - built if not (ROOT / path).exists())
    assert missing == []
