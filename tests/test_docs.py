"""The documentation site: every notebook converts to HTML, the site's files survive `nbdev_proc_nbs`, the sidebar lists
every notebook in reading order, tutorials open with their badges and setup cell, and the widgets' static twins work in
a real (headless) browser with no kernel behind them."""
import html, json, os, re, shutil, subprocess, sys, time
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / "nbs"
sys.path.insert(0, str(Path(__file__).parent))
from execute_nbs import execute_notebook, notebooks

# one worker for these tests (with --dist loadgroup). pytest-xdist 3.8 ignores the mark under pytest 9, so the costly
# `executed` fixture is also shared between workers through a file lock.
pytestmark = pytest.mark.xdist_group("docs")
ALL_NBS = notebooks(NBS)
TUTORIALS = sorted((NBS / "tutorials").glob("*.ipynb"))

def _yaml(path):
    import yaml
    return yaml.safe_load(Path(path).read_text())

def _html(nb, **kw) -> str:
    "nbconvert's HTML for a notebook node or path, with no network needed to open it (no CDN scripts)."
    import nbformat
    from nbconvert import HTMLExporter
    ex = HTMLExporter(mathjax_url="", require_js_url="", **kw)
    from execnb.nbio import nb2str
    node = nbformat.read(str(nb), as_version=4) if isinstance(nb, (str, Path)) else nbformat.reads(nb2str(nb), as_version=4)
    return ex.from_notebook_node(node)[0]

# ------------------------------------------------------------------------------------------------ every notebook
@pytest.mark.parametrize("nb", ALL_NBS, ids=[str(p.relative_to(NBS)) for p in ALL_NBS])
def test_markdown_is_markdown(nb):
    "No markdown cell written as commented-out Python (`# text` on every line): each line would render as a heading."
    import nbformat
    for i, c in enumerate(nbformat.read(str(nb), as_version=4).cells):
        lines = [l for l in c.source.splitlines() if l.strip()]
        if c.cell_type == "markdown" and len(lines) > 1:
            assert not all(l.startswith("#") for l in lines), f"{nb.name} cell {i} is commented out: {c.source[:120]!r}"

@pytest.mark.parametrize("nb", ALL_NBS, ids=[str(p.relative_to(NBS)) for p in ALL_NBS])
def test_notebook_converts_to_html(nb):
    import nbformat
    node = nbformat.read(str(nb), as_version=4)
    nbformat.validate(node)
    page = _html(nb)
    n_code = sum(c.cell_type == "code" for c in node.cells)
    assert page.count("jp-CodeCell") >= n_code, nb.name
    title = next(c.source for c in node.cells if c.cell_type == "markdown").lstrip("# ").splitlines()[0]
    assert title and html.escape(title, quote=False) in page

@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    "index and 12_widgets executed as the docs build does (tests/execute_nbs.py: no kernel, nbdev's skip flags), once per session."
    from filelock import FileLock
    from execnb.nbio import read_nb, write_nb
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"): root = root.parent          # shared by this session's workers
    out = root / "octgan-docs-executed"
    with FileLock(str(root / "octgan-docs-executed.lock")):
        if not (out / "done").exists():
            out.mkdir(exist_ok=True)
            for name in ("index.ipynb", "12_widgets.ipynb"):
                nb = execute_notebook(NBS / name)
                write_nb(nb, out / name)
                (out / name.replace(".ipynb", ".html")).write_text(_html(nb))
            (out / "done").touch()
    return {name: dict(nb=read_nb(out / name), html=out / name.replace(".ipynb", ".html")) for name in ("index.ipynb", "12_widgets.ipynb")}

def test_executed_notebooks_have_their_figures(executed):
    for name, r in executed.items():
        page = r["html"].read_text()
        outs = [o for c in r["nb"].cells for o in c.get("outputs", [])]
        assert not [o for o in outs if o.get("output_type") == "error"]
        pngs = ["".join(o["data"]["image/png"]).strip() for o in outs if "image/png" in o.get("data", {})]
        assert len(pngs) >= 2, (name, len(pngs))                     # matplotlib figures ...
        for png in pngs: assert f"data:image/png;base64,{png[:200]}" in page, name   # ... made it into the page

def test_widgets_output_is_the_static_twin_without_a_kernel(executed):
    nb = executed["12_widgets.ipynb"]["nb"]
    bundles = [o["data"] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if "data" in o]
    twins = [b for b in bundles if "octgan-static-widget" in "".join(b.get("text/html", ""))]
    assert len(twins) == 3                                          # alpha, latent, diffusion explorers
    assert not any("application/vnd.jupyter.widget-view+json" in b for b in bundles)   # what Quarto needs

# ------------------------------------------------------------------------------------------------ in a browser
def _chromium():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver = shutil.which("chromedriver")
    if not (binary and driver): pytest.skip("chromium and chromedriver are not installed (apt-get install chromium chromium-driver)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = binary
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND",
                 f"--user-data-dir={Path(os.environ.get('TMPDIR', '/tmp')) / f'octgan-chromium-{os.getpid()}-{time.time_ns()}'}"):
        opts.add_argument(flag)
    opts.page_load_strategy = "eager"
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=driver), options=opts)

@pytest.fixture(scope="module")
def browser():
    d = _chromium()
    yield d
    d.quit()

def _srcs(root): return [img.get_attribute("src") for img in root.find_elements("css selector", "img")]

def test_alpha_slider_changes_the_picture_in_chromium(executed, browser):
    from selenium.webdriver.common.keys import Keys
    browser.get(executed["12_widgets.ipynb"]["html"].as_uri())
    widgets = browser.find_elements("css selector", ".octgan-static-widget")
    assert len(widgets) == 3
    alpha = widgets[0]
    slider = alpha.find_element("css selector", "input[name=alpha]")
    before, frame0 = _srcs(alpha), alpha.get_attribute("data-frame")
    browser.execute_script("arguments[0].scrollIntoView()", slider)
    slider.send_keys(Keys.HOME)                                   # alpha 0.5 -> 0: a real keyboard event
    after = _srcs(alpha)
    assert alpha.find_element("css selector", "output").text == "0.00"
    assert alpha.get_attribute("data-frame") != frame0
    assert after[2] != before[2]                                  # the blend changed ...
    assert after[:2] == before[:2]                                # ... the old and new paths did not
    assert after[2] == after[0]                                   # alpha = 0: the blend is the old path
    slider.send_keys(Keys.END)
    assert _srcs(alpha)[2] == after[1]                            # alpha = 1: the new path
    res = alpha.find_element("css selector", "input[name=step]")
    browser.execute_script("arguments[0].value = 0; arguments[0].dispatchEvent(new Event('input'))", res)
    assert all(a != b for a, b in zip(_srcs(alpha), after))      # another resolution: every picture changes
    assert alpha.find_elements("css selector", "output")[1].text == "8×8"
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE" and "net::" not in e["message"]]  # CDN fetches fail offline
    assert not errors, errors

def test_every_static_twin_responds(executed, browser):
    browser.get(executed["12_widgets.ipynb"]["html"].as_uri())
    for w in browser.find_elements("css selector", ".octgan-static-widget"):
        for inp in w.find_elements("css selector", "input[type=range]"):
            before = _srcs(w)
            v = int(inp.get_attribute("value")); new = 0 if v else int(inp.get_attribute("max"))
            browser.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'))", inp, new)
            assert _srcs(w) != before, (w.get_attribute("data-frame"), inp.get_attribute("name"))

# ------------------------------------------------------------------------------------------------ a live kernel
def test_live_kernel_output_falls_back_to_the_static_twin_in_nbconvert(tmp_path):
    "In a real kernel the output carries the ipywidgets view and the static twin; nbconvert shows the twin when no widget state is saved."
    import nbformat
    from nbclient import NotebookClient
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import torch\nfrom octgan.widgets import Explorer, Control, in_live_kernel\nassert in_live_kernel()\n"
        "Explorer(lambda v: [torch.full((1, 4, 4), v)], [Control('v', [-1.0, 0.0, 1.0])], ['v'])")],
        metadata={"kernelspec": {"name": "python3", "display_name": "python3", "language": "python"}})
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}},
                   store_widget_state=False).execute()
    data = nb.cells[0].outputs[-1]["data"]
    assert "application/vnd.jupyter.widget-view+json" in data and "octgan-static-widget" in data["text/html"]
    page = _html(nb)
    assert 'class="octgan-static-widget"' in page and "application/vnd.jupyter.widget-view+json" not in page

# ------------------------------------------------------------------------------------------------ site config
def test_sidebar_lists_every_notebook_in_reading_order():
    side = _yaml(NBS / "sidebar.yml")["website"]["sidebar"]["contents"]
    flat, sections = [], {}
    for item in side:
        if isinstance(item, str): flat.append(item)
        else: sections[item["section"]] = item["contents"]; flat += item["contents"]
    assert flat[0] == "index.ipynb"
    listed = {str(p.relative_to(NBS)) for p in ALL_NBS}
    assert set(flat) == listed, (sorted(set(flat) - listed), sorted(listed - set(flat)))   # none missing, none dangling
    lib = [f for f in flat if "/" not in f and f != "index.ipynb"]
    assert lib == sorted(lib)                                         # 00_core ... 12_cli
    assert sections["Tutorials"] == sorted(str(p.relative_to(NBS)) for p in TUTORIALS)

def test_quarto_config():
    q = NBS / "_quarto.yml"
    assert q.is_symlink() and q.resolve() == (ROOT / "_quarto.yml").resolve()
    cfg = _yaml(q)
    assert cfg["project"]["type"] == "website"
    for f in cfg["metadata-files"]: assert (NBS / f).is_file(), f
    for item in cfg["website"]["navbar"]["left"]: assert (NBS / item["href"]).is_file(), item
    css = cfg["format"]["html"]["css"]; assert (NBS / css).is_file()
    assert ".octgan-static-widget" in (NBS / css).read_text()

def test_workflows():
    deploy, test = (ROOT / ".github/workflows/deploy.yaml").read_text(), (ROOT / ".github/workflows/test.yaml").read_text()
    assert "quarto-dev/quarto-actions/setup" in deploy and "nbdev_docs" in deploy
    # nbdev_docs renders the outputs the notebooks hold (it executes only show_doc cells), and the repo keeps them
    # without outputs: the notebooks must be executed first, or the site has no figures and no widgets
    assert "tests/execute_nbs.py" in deploy and deploy.index("tests/execute_nbs.py") < deploy.index("run: nbdev_docs"), \
        "deploy.yaml must run `python tests/execute_nbs.py nbs` before nbdev_docs"
    assert "pytest" in test and "chromium" in test

def test_nbdev_proc_nbs(tmp_path, executed):
    """`nbdev_proc_nbs` (the first half of `nbdev_docs`) on a copy of the project whose widgets notebook was executed as the
    deploy workflow does; a fake `quarto` on PATH, so nbdev doesn't try to install one."""
    proj = tmp_path / "proj"
    shutil.copytree(NBS, proj / "nbs", symlinks=True, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "_*.ipynb"))
    for f in ("settings.ini", "_quarto.yml"): shutil.copy2(ROOT / f, proj / f)
    shutil.copytree(ROOT / "octgan", proj / "octgan", ignore=shutil.ignore_patterns("__pycache__"))
    from execnb.nbio import write_nb
    write_nb(executed["12_widgets.ipynb"]["nb"], proj / "nbs" / "12_widgets.ipynb")
    bin_ = tmp_path / "bin"; bin_.mkdir()
    (bin_ / "quarto").write_text("#!/bin/sh\necho 'fake quarto' >&2\nexit 1\n"); (bin_ / "quarto").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_}{os.pathsep}{os.environ['PATH']}"}
    exe = Path(sys.executable).parent / "nbdev_proc_nbs"
    r = subprocess.run([str(exe), "--n_workers", "1"], cwd=proj, env=env, capture_output=True, text=True, timeout=300)
    failed = re.findall(r"^Exception: (Error in notebook: .*)$", r.stderr, re.M)
    assert r.returncode == 0, (failed[:1] or [r.stderr[-3000:]])[0]
    proc = proj / "_proc"
    for f in ("_quarto.yml", "sidebar.yml", "nbdev.yml", "styles.css", *[str(p.relative_to(NBS)) for p in ALL_NBS]):
        assert (proc / f).exists(), f
    w = json.loads((proc / "12_widgets.ipynb").read_text())
    src = "".join("".join(c["source"]) for c in w["cells"])
    assert "#| export" not in src and "#| hide" not in src                        # directives consumed
    outs = [o for c in w["cells"] for o in c.get("outputs", [])]
    docs = "".join("".join(o.get("data", {}).get("text/markdown", "")) for o in outs)
    for name in ("load_pretrained_progan", "alpha_explorer", "latent_explorer", "diffusion_explorer", "Explorer", "GaussianDenoiser"):
        assert f"### {name}" in docs, name                                      # the API reference, from show_doc
    twins = [o for o in outs if "octgan-static-widget" in "".join(o.get("data", {}).get("text/html", ""))]
    assert len(twins) == 3 and not any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outs)
    assert _yaml(proc / "sidebar.yml") == _yaml(NBS / "sidebar.yml")            # kept as written (custom_sidebar = True)

# ------------------------------------------------------------------------------------------------ tutorials
@pytest.mark.parametrize("nb", TUTORIALS, ids=[p.name for p in TUTORIALS])
def test_tutorial_opens_with_badges_and_setup(nb):
    import nbformat
    cells = nbformat.read(str(nb), as_version=4).cells
    head = cells[0].source
    assert cells[0].cell_type == "markdown" and head.startswith("# ")
    gh = f"github/octgan/octgan/blob/main/nbs/tutorials/{nb.name}"
    assert f"https://colab.research.google.com/{gh}" in head and "colab-badge.svg" in head
    assert f"https://kaggle.com/kernels/welcome?src=https://github.com/octgan/octgan/blob/main/nbs/tutorials/{nb.name}" in head
    setup = next(c.source for c in cells if c.cell_type == "code" and "google.colab" in c.source)
    for needle in ('"google.colab" in sys.modules', "pip install", "get_device()", "drive.mount", "OCT2017", "PHANTOM_DIR"):
        assert needle in setup, needle
