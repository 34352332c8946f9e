"""The live widgets in a real Jupyter kernel, driven the way a front-end drives them: this test is the front-end. It
starts an ipykernel, displays ProGAN's alpha explorer, reads the widget models the kernel opens (Jupyter's comm
protocol, as JupyterLab receives them), moves the alpha slider by sending the slider's model an `update` message
(what dragging it in JupyterLab sends), and checks the image the kernel sends back. The static twin is tested in
Chromium (tests/test_docs.py)."""
import sys, time
from pathlib import Path
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from execute_nbs import kernel_env

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

@pytest.fixture
def kernel(tmp_path):
    from jupyter_client.manager import start_new_kernel
    km, kc = start_new_kernel(kernel_name="python3", startup_timeout=120, env=kernel_env(), cwd=str(tmp_path))
    try: yield kc
    finally:
        kc.stop_channels(); km.shutdown_kernel(now=True)

def _until_idle(kc, parent_id, timeout=300):
    "The kernel's iopub messages answering `parent_id`, up to its `idle`; a Python error in the kernel fails the test."
    msgs, deadline = [], time.monotonic() + timeout
    while True:
        m = kc.get_iopub_msg(timeout=max(1.0, deadline - time.monotonic()))
        if m["parent_header"].get("msg_id") != parent_id: continue
        if m["msg_type"] == "error": pytest.fail("the kernel raised:\n" + "\n".join(m["content"]["traceback"]), pytrace=False)
        msgs.append(m)
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle": return msgs

def _state(m) -> dict:
    "A widget comm message's state, its binary fields (an Image's PNG bytes) put back in place."
    data = m["content"]["data"]
    state = dict(data.get("state", {}))
    for path, buf in zip(data.get("buffer_paths", []), m.get("buffers", [])): state[path[0]] = bytes(buf)
    return state

def _models(msgs) -> dict:
    "comm_id -> the state of each widget the kernel opened, with the updates it sent afterwards (a redraw fills the images)."
    models = {m["content"]["comm_id"]: _state(m) for m in msgs
              if m["msg_type"] == "comm_open" and m["content"].get("target_name") == "jupyter.widget"}
    for i, state in _updates(msgs).items():
        if i in models: models[i].update(state)
    return models

def _updates(msgs) -> dict:
    "comm_id -> the state fields the kernel pushed to the front-end (later updates win)."
    out = {}
    for m in msgs:
        if m["msg_type"] == "comm_msg" and m["content"]["data"].get("method") == "update":
            out.setdefault(m["content"]["comm_id"], {}).update(_state(m))
    return out

def _tree(models, root) -> list:
    "Model ids reachable from `root` through `children`, depth first (the order the widget is laid out in)."
    out = [root]
    for child in models[root].get("children", []): out += _tree(models, child.removeprefix("IPY_MODEL_"))
    return out

def test_alpha_slider_redraws_the_live_widget_in_a_kernel(kernel):
    kc = kernel
    msgs = _until_idle(kc, kc.execute("from octgan.widgets import alpha_explorer, in_live_kernel\n"
                                      "assert in_live_kernel()\n"
                                      "ax = alpha_explorer(alphas=3, seeds=(0,))\nax"))
    shown = [m["content"]["data"] for m in msgs if m["msg_type"] in ("execute_result", "display_data")]
    assert len(shown) == 1 and WIDGET_VIEW in shown[0], "in a kernel the explorer shows the live widget"
    assert "octgan-static-widget" in shown[0]["text/html"]                     # and carries its static twin
    models = _models(msgs)
    tree = [models[i] | {"id": i} for i in _tree(models, shown[0][WIDGET_VIEW]["model_id"])]
    slider = next(w for w in tree if w["_model_name"] == "FloatSliderModel" and w["description"] == "alpha")
    old, new, blend = [w for w in tree if w["_model_name"] == "ImageModel"]
    assert slider["value"] == 0.5 and len({old["value"], new["value"], blend["value"]}) == 3

    def drag(value):
        "What JupyterLab sends when the slider is dragged to `value`: an update of the slider's model."
        msg = kc.session.msg("comm_msg", {"comm_id": slider["id"], "data": {"method": "update", "state": {"value": value},
                                                                              "buffer_paths": []}})
        kc.shell_channel.send(msg)
        return _updates(_until_idle(kc, msg["header"]["msg_id"]))

    up = drag(0.0)
    assert blend["id"] in up, "moving the slider must send a redrawn blend image to the front-end"
    at0 = up[blend["id"]]["value"]
    assert at0 != blend["value"]                                                # the picture changed ...
    assert at0 == old["value"]                                                  # ... to the old path (alpha = 0)
    assert all(up.get(w["id"], {}).get("value", w["value"]) == w["value"] for w in (old, new))   # the others did not
    assert drag(1.0)[blend["id"]]["value"] == new["value"]                      # alpha = 1: the new block's image
