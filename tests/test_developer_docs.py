"""The developer page (docs/developers.rst) names only files and objects that exist.

What the page writes in double backticks is checked:

* a path (``sklearn_nn/_losses.py``, ``_losses.py``, ``tests/test_network.py``,
  ``bench_*.py``, ``workloads/``) must exist, at the root or in one of the
  package's, the tests' or the benchmarks' folders;
* in the module map, every name listed next to a module is an attribute of
  that module (``Trainer``, ``Trainer.end_epoch``, ``check_rows``);
* anywhere on the page, a dotted name, a name with a capital letter first and
  a test function (``test_...``) must exist: in one of the modules of the map,
  as a builtin, as an importable module (``np.random.RandomState``,
  ``sklearn.linear_model.LogisticRegression``), or defined in a file the page
  mentions (a test file's ``FORMULAS``);
* a name written as a call of the package's code, ``Optimizer.step(params,
  grad, state, lr, penalty, n)``, lists exactly the parameters of the code
  (``*`` marks the keyword-only ones and may be left out; a final ``...``
  stands for the rest).

A file that does not exist yet (one the page asks to create) is written
without double backticks.
"""

import builtins
import importlib
import inspect
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "developers.rst"
FOLDERS = ["", "sklearn_nn", "sklearn_nn/cli", "tests", "tests/cli", "benchmarks", "benchmarks/workloads"]
FOLDERS += ["docs", "examples"]

LITERAL = re.compile(r"``(.+?)``")
PATH = re.compile(r"^[\w./*-]+(\.(py|md|toml|yaml|rst|txt)|/)$")
NAME = re.compile(r"^(?P<name>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?:\((?P<args>[^()]*)\))?$")


def literals(text):
    return [m.group(1) for m in LITERAL.finditer(text)]


def find_path(token):
    """The files a path of the page means (empty when there is none)."""
    if "/" in token.rstrip("/"):
        return list(ROOT.glob(token.rstrip("/")))
    return [p for folder in FOLDERS for p in (ROOT / folder).glob(token.rstrip("/"))]


def module_map():
    """{module: [names]} from the list-table of the section "Module map"."""
    text = PAGE.read_text(encoding="utf-8")
    section = text.split("\nModule map\n----------\n", 1)[1].split("\n-----", 1)[0]
    rows = re.split(r"^\s*\* - ", section.split(".. list-table::", 1)[1], flags=re.M)[2:]  # no header
    table = {}
    for row in rows:
        module_cell, names_cell = re.split(r"^\s*- ", row, maxsplit=1, flags=re.M)
        (path,) = literals(module_cell)
        module = path.removesuffix(".py").removesuffix("/").replace("/", ".").removesuffix(".__init__")
        table[module] = [token for token in literals(names_cell) if not PATH.match(token)]
    return table


def mentioned_files(text):
    return [p for token in literals(text) if PATH.match(token) for p in find_path(token) if p.is_file()]


def resolve(dotted, namespaces):
    """The object a dotted name means in the namespaces (modules), or as an importable module."""
    parts = dotted.split(".")
    candidates = [(getattr(ns, parts[0]), parts[1:]) for ns in namespaces if hasattr(ns, parts[0])]
    if hasattr(builtins, parts[0]):
        candidates.append((getattr(builtins, parts[0]), parts[1:]))
    for n in range(len(parts), 0, -1):  # sklearn.linear_model.LogisticRegression
        try:
            candidates.append((importlib.import_module(".".join(parts[:n])), parts[n:]))
            break
        except ImportError:
            continue
    for obj, rest in candidates:
        for attribute in rest:
            if not has_attribute(obj, attribute):
                break
            obj = getattr(obj, attribute, None)
        else:
            return True, obj
    return False, None


def has_attribute(obj, name):
    """An attribute, a dataclass field, or an attribute that the class's code sets on self."""
    if hasattr(obj, name) or name in getattr(obj, "__dataclass_fields__", {}):
        return True
    if inspect.isclass(obj):
        for klass in obj.__mro__:
            try:
                source = inspect.getsource(klass)
            except (OSError, TypeError):
                continue
            if re.search(rf"\bself\.{name}\b", source):
                return True
    return False


def check_arguments(token, obj, args):
    """The arguments written in ``name(a, b)`` against the signature of the package's object."""
    if obj is None or not getattr(obj, "__module__", "").startswith("sklearn_nn"):
        return
    written = [a.strip().split("=")[0] for a in args.split(",") if a.strip() and a.strip() not in "*/"]
    parameters = [p for p in inspect.signature(obj).parameters]
    if parameters[:1] == ["self"]:
        parameters = parameters[1:]
    if written[-1:] == ["..."]:
        written, parameters = written[:-1], parameters[: len(written) - 1]
    assert written == parameters, f"{token}: the code's parameters are {parameters}"


def defined_in(name, files):
    pattern = re.compile(rf"^\s*(def |class )?{re.escape(name)}\b\s*[(=:]", flags=re.M)
    return any(pattern.search(path.read_text(encoding="utf-8")) for path in files if path.suffix == ".py")


def test_the_page_exists_and_is_in_the_toctree():
    assert PAGE.is_file()
    index = (ROOT / "docs" / "index.rst").read_text(encoding="utf-8")
    assert re.search(r"^   developers$", index, flags=re.M)


def test_every_path_exists():
    missing = [t for t in literals(PAGE.read_text(encoding="utf-8")) if PATH.match(t) and not find_path(t)]
    assert not missing, f"docs/developers.rst names files that do not exist: {missing}"


def test_the_module_map_covers_every_module():
    mapped = {module.split(".")[1] for module in module_map() if "." in module}
    modules = {p.stem for p in (ROOT / "sklearn_nn").glob("*.py") if p.stem not in ("__init__", "__main__")}
    modules.add("cli")
    assert modules <= mapped, f"modules missing from the module map: {sorted(modules - mapped)}"


@pytest.mark.parametrize("module", sorted(module_map()))
def test_every_name_of_the_module_map_exists_in_its_module(module):
    names = module_map()[module]
    assert names, f"no names listed for {module}"
    namespace = importlib.import_module(module)
    for token in names:
        match = NAME.match(token)
        if match is None:  # a string such as 'epoch'
            continue
        found, obj = resolve(match["name"], [namespace])
        assert found, f"{token} is not in {module}"
        if match["args"] is not None:
            check_arguments(token, obj, match["args"])


def test_every_dotted_or_capitalised_name_on_the_page_exists():
    text = PAGE.read_text(encoding="utf-8")
    namespaces = [importlib.import_module(module) for module in module_map()]
    files = mentioned_files(text)
    missing = []
    for token in set(literals(text)):
        match = NAME.match(token)
        if PATH.match(token) or match is None:
            continue
        name = match["name"]
        checked = "." in name or match["args"] is not None or re.match(r"^_*[A-Z]\w", name)
        if name.startswith("test_"):
            if not defined_in(name, files):
                missing.append(token)
            continue
        if not checked:  # a parameter or attribute name such as ``solver``
            continue
        found, obj = resolve(name, namespaces)
        if not found and "." not in name and defined_in(name, files):
            continue
        if not found:
            missing.append(token)
        elif match["args"] is not None:
            check_arguments(token, obj, match["args"])
    assert not missing, f"docs/developers.rst names what does not exist: {sorted(missing)}"
