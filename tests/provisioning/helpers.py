"""What the provisioning tests share: the programs under test (from meson's environment),
rendering into a temporary directory, and running a judge with a time bound."""
import os
import subprocess
import tempfile

import yaml

DEPLOY = os.environ["TG_DEPLOY"]
TRAFFICGEN = os.environ["TRAFFICGEN"]
UNITS_DIR = os.environ["TG_UNITS_DIR"]          # the units as meson rendered them
SOURCE = os.environ["TG_SOURCE_ROOT"]
BUILD = os.environ["TG_BUILD_ROOT"]
YAMLLINT_CONFIG = os.path.join(SOURCE, "provisioning", "yamllint.yaml")
SCHEMA = os.path.join(SOURCE, "provisioning", "schema", "kubernetes-objects.schema.json")


def run(argv, timeout=60, **kw):
    """Runs argv to completion (bounded), output captured as text."""
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kw)


def render(out_dir, *args):
    r = run([DEPLOY, "--out", out_dir, *args])
    if r.returncode != 0:
        raise AssertionError(f"trafficgen-deploy {' '.join(args)} failed ({r.returncode}): {r.stderr}")
    return out_dir


def temp_dir(test):
    d = tempfile.TemporaryDirectory(prefix="tg-provisioning-")
    test.addCleanup(d.cleanup)
    return d.name


def load_all(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def settings_file(path):
    """trafficgen.conf as key -> value (top level only; [sink] keys as sink.KEY)."""
    values, section = {}, ""
    for line in read(path).splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line.strip("[]") + "."
            continue
        key, _, value = line.partition("=")
        values[section + key.strip()] = value.strip().strip('"')
    return values


def unit_value(unit_path, key):
    """The value of KEY= in a unit file (the last one, as systemd reads it)."""
    found = None
    for line in read(unit_path).splitlines():
        if line.startswith(key + "="):
            found = line[len(key) + 1:]
    return found
