"""Install octgan from `settings.ini` (the nbdev 2 layout: one file holds the project's metadata)."""
from configparser import ConfigParser
from pathlib import Path
from setuptools.command.build_py import build_py
import setuptools, shlex, shutil

config = ConfigParser(delimiters=['='])
config.read('settings.ini', encoding='utf-8')
cfg = config['DEFAULT']

cfg_keys = 'version description keywords author author_email'.split()
expected = cfg_keys + "lib_name user branch license status min_python audience language".split()
for o in expected: assert o in cfg, f"missing expected setting: {o}"
setup_cfg = {o: cfg[o] for o in cfg_keys}

licenses = {'apache2': 'Apache-2.0'}
statuses = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable', '6 - Mature', '7 - Inactive']
py_versions = '3.9 3.10 3.11 3.12 3.13'.split()

requirements = shlex.split(cfg.get('requirements', ''))
dev_requirements = shlex.split(cfg.get('dev_requirements', ''))
lic = licenses[cfg['license'].lower()]
min_python = cfg['min_python']
lib_path = cfg['lib_path']
console_scripts = cfg.get('console_scripts', '').split()

class BuildPyWithData(build_py):
    """Ship the repository's `data/` (phantoms, MRI slices and their notices) inside the package, as `octgan/assets/data`:
    installed from a wheel there is no clone, and `octgan train-progan --data data/phantom` falls back to this copy."""
    def run(self):
        super().run()
        src = Path(__file__).resolve().parent / 'data'
        if getattr(self, 'editable_mode', False) or not src.is_dir(): return   # an editable install reads the clone's data/
        dst = Path(self.build_lib) / lib_path / 'assets' / 'data'
        for f in sorted(src.rglob('*')):
            if f.is_file() and not any(part.startswith('.') for part in f.relative_to(src).parts):
                target = dst / f.relative_to(src)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(f, target)

setuptools.setup(
    name=cfg['lib_name'],
    cmdclass={'build_py': BuildPyWithData},
    license=lic,
    classifiers=['Development Status :: ' + statuses[int(cfg['status'])],
                 'Intended Audience :: ' + cfg['audience'].title(),
                 'Natural Language :: ' + cfg['language'].title()] +
                ['Programming Language :: Python :: ' + o for o in py_versions[py_versions.index(min_python):]],
    url=cfg['git_url'],
    packages=setuptools.find_packages(include=[lib_path, f'{lib_path}.*']),
    include_package_data=True,
    package_data={lib_path: ['assets/*']},
    install_requires=requirements,
    extras_require={'dev': dev_requirements, 'mri': ['nibabel'], 'local-s3': ['moto[server]']},
    python_requires='>=' + cfg['min_python'],
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    zip_safe=False,
    entry_points={'console_scripts': console_scripts, 'nbdev': [f'{cfg.get("lib_path")}={cfg.get("lib_path")}._modidx:d']},
    **setup_cfg)
