"""The tutorials run on Colab and Kaggle, where only `pip install git+<repository>` is available: they must install from
the repository settings.ini names, and import only what that install brings (octgan's runtime requirements)."""
import ast, json, re, sys
from configparser import ConfigParser
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
TUTORIALS = sorted((ROOT / "nbs" / "tutorials").glob("*.ipynb"))
CFG = ConfigParser(delimiters=["="]); CFG.read(ROOT / "settings.ini", encoding="utf-8")
SETTINGS = CFG["DEFAULT"]
# import names of settings.ini's requirements (pip names differ for a few), the local-s3 extra's moto, Colab's own module
IMPORT_NAMES = {"pillow": "PIL", "tensorboard": "torch", "ipywidgets": "ipywidgets"}


def _runtime_modules() -> set[str]:
    names = {re.split(r"[<>=\[ ;]", r)[0].lower() for r in SETTINGS["requirements"].split()}
    return {IMPORT_NAMES.get(n, n) for n in names} | {"octgan", "google", "moto"}


def _code(nb: Path) -> list[str]:
    return ["".join(c["source"]) for c in json.loads(nb.read_text())["cells"] if c["cell_type"] == "code"]


def _imported(src: str) -> set[str]:
    lines = [l for l in src.splitlines() if not l.lstrip().startswith(("!", "%"))]
    mods = set()
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, ast.Import): mods |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0: mods.add(node.module.split(".")[0])
    return mods


def test_settings_urls_agree():
    url = SETTINGS["git_url"]
    assert url == f"https://github.com/{SETTINGS['user']}/{SETTINGS['repo']}", url
    assert SETTINGS["doc_host"] == f"https://{SETTINGS['user']}.github.io" and SETTINGS["doc_baseurl"] == f"/{SETTINGS['repo']}"
    assert "Apache License" in (ROOT / "LICENSE").read_text() and SETTINGS["license"] == "apache2"


@pytest.mark.parametrize("nb", TUTORIALS, ids=lambda p: p.name)
def test_tutorial_installs_from_settings_repo(nb):
    text = nb.read_text()
    url = SETTINGS["git_url"]
    assert f'REPO = \\"{url}\\"' in text, f"{nb.name}: its setup cell should install from REPO = {url!r} (settings.ini's git_url)"
    for found in re.findall(r"github\.com/([\w.-]+/[\w.-]+)", text):
        assert f"https://github.com/{found}" == url, f"{nb.name} links to github.com/{found}, not {url}"


@pytest.mark.parametrize("nb", TUTORIALS, ids=lambda p: p.name)
def test_tutorial_imports_only_runtime_dependencies(nb):
    allowed = _runtime_modules() | set(sys.stdlib_module_names)
    used = set().union(*map(_imported, _code(nb)))
    assert not used - allowed, f"{nb.name} imports {sorted(used - allowed)}, which `pip install octgan` does not bring"
    assert not {"fastcore", "nbdev"} & used
