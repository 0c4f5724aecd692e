"""A minimal in-tree PEP 517 build backend for the lfl Python package (pure Python, no dependencies), so
``pip install ./python`` needs nothing from the network but numpy (PEP 517 hooks: build_wheel, build_sdist,
build_editable; PEP 427 wheel layout; PEP 660 editable install through a .pth file).

It packages python/lfl/*.py with metadata from pyproject.toml's [project] table."""
from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # python/
PACKAGE = "lfl"


def _project() -> dict:
    """[project] of pyproject.toml (tomllib where available, else a reader for the simple syntax we use)."""
    path = os.path.join(HERE, "pyproject.toml")
    try:
        import tomllib  # Python >= 3.11

        with open(path, "rb") as f:
            return tomllib.load(f)["project"]
    except ImportError:
        pass
    text = open(path, encoding="utf-8").read()
    section, out = None, {}
    for raw in re.sub(r"\[\s*\n", "[", re.sub(r",\s*\n\s*", ", ", text)).splitlines():
        line = raw.split(" #")[0].strip()
        if not line or line.startswith("#"):
            continue
        m = re.fullmatch(r"\[([^\]]+)\]", line)
        if m:
            section = m.group(1)
            continue
        key, _, value = (s.strip() for s in line.partition("="))
        value = eval(value, {"__builtins__": {}}, {"true": True, "false": False})  # strings and lists of strings
        if section == "project":
            out[key.strip('"')] = value
        elif section == "project.optional-dependencies":
            out.setdefault("optional-dependencies", {})[key.strip('"')] = value
    return out


def _metadata() -> str:
    p = _project()
    lines = ["Metadata-Version: 2.1", f"Name: {p['name']}", f"Version: {p['version']}", f"Summary: {p.get('description', '')}"]
    if "requires-python" in p:
        lines.append(f"Requires-Python: {p['requires-python']}")
    for dep in p.get("dependencies", []):
        lines.append(f"Requires-Dist: {dep}")
    for extra, deps in p.get("optional-dependencies", {}).items():
        lines.append(f"Provides-Extra: {extra}")
        lines += [f"Requires-Dist: {d}; extra == \"{extra}\"" for d in deps]
    if isinstance(p.get("license"), dict) and "text" in p["license"]:
        lines.append(f"License: {p['license']['text']}")
    return "\n".join(lines) + "\n"


def _dist_info() -> str:
    p = _project()
    return f"{p['name'].replace('-', '_')}-{p['version']}.dist-info"


def _wheel_name() -> str:
    p = _project()
    return f"{p['name'].replace('-', '_')}-{p['version']}-py3-none-any.whl"


def _sources() -> "list[tuple[str, bytes]]":
    out = []
    root = os.path.join(HERE, PACKAGE)
    for name in sorted(os.listdir(root)):
        if name.endswith(".py"):
            with open(os.path.join(root, name), "rb") as f:
                out.append((f"{PACKAGE}/{name}", f.read()))
    return out


def _write_wheel(directory: str, files: "list[tuple[str, bytes]]") -> str:
    info = _dist_info()
    files = files + [
        (f"{info}/METADATA", _metadata().encode()),
        (f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: lfl_build_backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
    ]
    record = []
    for name, data in files:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(data)}")
    record.append(f"{info}/RECORD,,")
    files.append((f"{info}/RECORD", ("\n".join(record) + "\n").encode()))
    path = os.path.join(directory, _wheel_name())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            zi = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            zi.external_attr = 0o644 << 16
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)
    return os.path.basename(path)


# ── PEP 517 / 660 hooks ──
def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    info = os.path.join(metadata_directory, _dist_info())
    os.makedirs(info, exist_ok=True)
    with open(os.path.join(info, "METADATA"), "w", encoding="utf-8") as f:
        f.write(_metadata())
    return _dist_info()


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, _sources())


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, [(f"_{PACKAGE}_editable.pth", (HERE + "\n").encode())])


def build_sdist(sdist_directory, config_settings=None):
    p = _project()
    base = f"{p['name']}-{p['version']}"
    path = os.path.join(sdist_directory, f"{base}.tar.gz")
    members = ["pyproject.toml", "README.md", "_build/lfl_build_backend.py"] + [n for n, _ in _sources()]
    pkg_info = _metadata().encode()
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for rel in members:
            full = os.path.join(HERE, rel)
            if os.path.exists(full):
                tar.add(full, arcname=f"{base}/{rel}")
        ti = tarfile.TarInfo(f"{base}/PKG-INFO")
        ti.size = len(pkg_info)
        tar.addfile(ti, io.BytesIO(pkg_info))
    return os.path.basename(path)
