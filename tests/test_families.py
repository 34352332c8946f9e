"""Every model family has the same shape: it trains from the registry with the same core arguments, resumes, and
`octgan.load(run).sample(n)` draws from it; conditional families take labels by index or by class name."""
import inspect
import pytest, torch
import octgan
from octgan.data import OCT_CLASSES
from octgan.families import get_family, family_names, generate
from octgan.phantom import write_phantom_dataset

FAMILIES = ["progan", "dcgan", "diffusion", "diffusion_gan", "ddgan", "latent_diffusion"]
UNET = dict(base=8, channel_mults=(1, 2), attn_resolutions=())
DISC = dict(base=8, num_levels=2)
TINY = {"progan": dict(size=8, start_res=8, z_dim=16, in_channels=16, factors=[1] * 9),
        "dcgan": dict(size=16, z_dim=8, base_channels=8),
        "diffusion": dict(size=16, unet_kwargs=UNET, sample_steps=2),
        "diffusion_gan": dict(size=16, unet_kwargs=UNET, disc_kwargs=DISC, sample_steps=2),
        "ddgan": dict(size=16, num_steps=2, z_dim=8, unet_kwargs=UNET, disc_kwargs=DISC),
        "latent_diffusion": dict(size=16, unet_kwargs=UNET, sample_steps=2,
                                 autoencoder_kwargs=dict(base=8, disc_base=8, disc_layers=2))}
QUIET = dict(batch_size=8, seed=0, progress=False, tensorboard=False, sample_every=0, log_every=1)

@pytest.fixture(scope="module")
def phantoms(tmp_path_factory):
    return write_phantom_dataset(tmp_path_factory.mktemp("data") / "phantom", n=32, size=(32, 32), seed=0)

def test_registry_knows_every_family():
    assert family_names() == sorted(FAMILIES + ["mask_diffusion"])   # mask_diffusion samples from masks: nbs/15_masks tests it
    core = {"data", "out_dir", "size", "epochs", "batch_size", "lr", "seed", "resume", "cbs", "fit"}
    for name in FAMILIES:
        fam = get_family(name)
        assert fam.name == name and callable(fam.build) and callable(fam.sample)
        missing = core - set(inspect.signature(fam.train).parameters)
        assert not missing, f"train_{name} lacks the core arguments {missing}"
    assert [get_family(n).conditional for n in FAMILIES] == [False, True, True, True, True, True]

@pytest.mark.parametrize("name", FAMILIES)
def test_train_load_sample_resume(name, phantoms, tmp_path):
    fam = get_family(name)
    run = tmp_path / name
    tr = fam.train(phantoms, run, max_steps=2, **TINY[name], **QUIET)
    assert tr.iteration == 2
    model = octgan.load(run)
    assert model.family is fam and model.ema and model.step == 2
    size = TINY[name]["size"]
    imgs = model.sample(8)
    assert imgs.shape == (8, 1, size, size) and imgs.dtype == torch.float32
    assert imgs.min() >= -1 and imgs.max() <= 1 and torch.isfinite(imgs).all()
    assert torch.equal(model.sample(4, seed=5), model.sample(4, seed=5))
    if fam.conditional:
        assert model.classes == list(OCT_CLASSES) and model.num_classes == 4
        assert torch.equal(model.sample(3, labels="DME", seed=1), model.sample(3, labels=1, seed=1))
        with pytest.raises(ValueError, match="is not a class of this model"): model.sample(2, labels="GLAUCOMA")
    else:
        assert model.classes is None
        with pytest.raises(ValueError, match="no classes"): model.sample(2, labels=0)
    files = generate(run, n=4, out_dir=tmp_path / "gen", seed=2)
    assert torch.equal(files, model.sample(4, seed=2)) and (tmp_path / "gen" / "grid.png").exists()
    tr = fam.train(phantoms, run, max_steps=3, resume=run, **TINY[name], **QUIET)   # continues from step 2
    assert tr.iteration == 3 and octgan.load(run).step == 3

def test_unconditional_runs_of_conditional_families(phantoms, tmp_path):
    fam = get_family("dcgan")
    fam.train(phantoms, tmp_path / "u", max_steps=1, num_classes=None, **TINY["dcgan"], **QUIET)
    model = octgan.load(tmp_path / "u")
    assert model.num_classes is None and model.classes is None
    with pytest.raises(ValueError, match="no classes"): model.sample(2, labels="DME")

def test_load_rejects_what_is_not_an_octgan_run(tmp_path):
    from octgan.core import save_atomic
    save_atomic({"state_dict": {"w": torch.zeros(2)}}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="other.pt"): octgan.load(tmp_path / "other.pt")
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(RuntimeError, match="junk.pt"): octgan.load(tmp_path / "junk.pt")
    with pytest.raises(FileNotFoundError): octgan.load(tmp_path / "missing")
