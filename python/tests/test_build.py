"""The in-tree build backend (what `pip install ./python` runs): a valid wheel (RECORD hashes) that imports."""
import base64
import csv
import hashlib
import io
import os
import subprocess
import sys
import tempfile
import unittest
import zipfile

import _path

sys.path.insert(0, os.path.join(_path.ROOT, "_build"))
import lfl_build_backend as backend  # noqa: E402


class BuildTest(unittest.TestCase):
    def test_wheel_installs_and_imports(self):
        d = tempfile.mkdtemp()
        name = backend.build_wheel(d)
        self.assertEqual(name, "lfl-0.1.0-py3-none-any.whl")
        with zipfile.ZipFile(os.path.join(d, name)) as z:
            names = z.namelist()
            for mod in ("__init__", "history", "sb3", "reward", "policy", "_nn"):
                self.assertIn(f"lfl/{mod}.py", names)
            meta = z.read("lfl-0.1.0.dist-info/METADATA").decode()
            self.assertIn("Requires-Dist: numpy\n", meta)
            self.assertEqual([l for l in meta.splitlines() if l.startswith("Requires-Dist") and "extra" not in l], ["Requires-Dist: numpy"])
            for row in csv.reader(io.StringIO(z.read("lfl-0.1.0.dist-info/RECORD").decode())):
                if row[1]:
                    data = z.read(row[0])
                    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                    self.assertEqual(row[1], f"sha256={digest}", row[0])
            z.extractall(os.path.join(d, "site"))
        out = subprocess.run([sys.executable, "-c", "import lfl, lfl.sb3; print(lfl.__file__)"], cwd=d, capture_output=True, text=True,
                             env={**os.environ, "PYTHONPATH": os.path.join(d, "site")})
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertTrue(out.stdout.startswith(os.path.join(d, "site")))

    def test_editable_and_sdist(self):
        d = tempfile.mkdtemp()
        with zipfile.ZipFile(os.path.join(d, backend.build_editable(d))) as z:
            self.assertEqual(z.read("_lfl_editable.pth").decode().strip(), _path.ROOT)
        self.assertTrue(backend.build_sdist(d).endswith(".tar.gz"))
        self.assertEqual(backend.get_requires_for_build_wheel(), [])


if __name__ == "__main__":
    unittest.main()
