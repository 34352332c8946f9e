"""octgan: generative models of medical images (retinal OCT, brain MRI), taught in notebooks."""
__version__ = "0.1.0"

def __getattr__(name):
    # `octgan.load` without importing torch at `import octgan` time
    if name == "load":
        from .families import load
        return load
    raise AttributeError(f"module 'octgan' has no attribute {name!r}")
