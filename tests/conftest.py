import os
# Two pytest workers share the machine's cores: one thread each (and in the subprocesses the notebooks start)
# avoids oversubscription, which slows torch on CPU by an order of magnitude.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

def pytest_configure(config):
    import torch
    torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))

def pytest_addoption(parser):
    parser.addoption("--nb-flags", default="", metavar="FLAGS",
                     help="space-separated test flags whose notebook cells run too (as `nbdev_test --flags`), e.g. 'slow'")
