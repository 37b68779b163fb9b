"""The Debian package scripts/package builds, judged by dpkg and apt: its control fields,
its files, and a real install with apt (which must resolve every Depends from Debian's
archive), after which the installed units pass systemd-analyze verify where systemd
looks for them, the installed trafficgen runs with its installed NIC profiles, and a
purge leaves nothing behind.

    /usr/bin/python3 tests/provisioning/package_test.py build-package/trafficgen_*.deb
"""
import glob
import json
import os
import subprocess
import sys
import tempfile
import unittest

DEB = None
FILES = ["/usr/bin/trafficgen", "/usr/bin/trafficgen-orch", "/usr/bin/trafficgen-deploy",
         "/usr/lib/systemd/system/trafficgen-sink.service", "/usr/lib/systemd/system/trafficgen-generator.service",
         "/usr/lib/systemd/system/trafficgen-nic@.service", "/usr/libexec/trafficgen/trafficgen-host",
         "/usr/share/trafficgen/drivers-config/iavf.json"]


def run(argv, timeout=300):
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                          env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"), stdin=subprocess.DEVNULL)


def field(name):
    return run(["dpkg-deb", "-f", DEB, name]).stdout.strip()


class Package(unittest.TestCase):
    def test_control(self):
        self.assertEqual(field("Package"), "trafficgen")
        self.assertRegex(field("Version"), r"^\d+\.\d+\.\d+")
        depends = field("Depends")
        for lib in ("librte-eal23", "librte-ethdev23", "librte-mempool-ring23", "librte-net-af-packet23", "libssh-4"):
            self.assertIn(lib, depends)
        listing = run(["dpkg-deb", "-c", DEB]).stdout
        for f in FILES:
            self.assertIn("." + f + "\n", listing + "\n", f)

    def test_install_run_purge(self):
        if run(["dpkg-query", "-W", "trafficgen"]).returncode == 0:
            self.skipTest("trafficgen is installed on this machine already: not touching it")
        self.addCleanup(lambda: run(["apt-get", "purge", "-y", "-qq", "trafficgen"]))
        r = run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", os.path.abspath(DEB)], timeout=900)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for f in FILES:
            self.assertTrue(os.path.exists(f), f)
        self.assertIn(field("Version"), run(["/usr/bin/trafficgen", "--version"]).stdout)

        r = run(["systemd-analyze", "verify", "trafficgen-sink.service", "trafficgen-generator.service",
                 "trafficgen-nic@pci\\x3a0000\\x3a03\\x3a00.0.service"])
        self.assertEqual((r.returncode, r.stdout + r.stderr), (0, ""))

        # The installed program finds its installed profiles: net_ring is not one of
        # them, so the report names none; --driver-profile names one and it is used.
        with tempfile.TemporaryDirectory() as d:
            report = os.path.join(d, "r.json")
            r = run(["/usr/bin/trafficgen", "--loopback", "--vdev", "net_ring0", "--driver-profile", "af_packet",
                     "--duration", "0.3", "--quiet", "--json", report], timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(report, encoding="utf-8") as f:
                self.assertEqual(json.load(f)["port"]["driver_profile"]["name"], "af_packet")

        r = run(["/usr/libexec/trafficgen/trafficgen-host", "nic-up", "eth0"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("'eth0' is not a NIC", r.stderr)

        r = run(["apt-get", "purge", "-y", "-qq", "trafficgen"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for f in FILES:
            self.assertFalse(os.path.exists(f), f"{f} left behind")


if __name__ == "__main__":
    DEB = sys.argv.pop(1) if len(sys.argv) > 1 else (sorted(glob.glob("build-package/trafficgen_*.deb")) or [None])[-1]
    if not DEB or not os.path.exists(DEB):
        sys.exit("package_test: give the .deb scripts/package built")
    unittest.main()
