"""The systemd units as installed: systemd-analyze verify judges them in a root holding the
installed tree; systemctl enables them there as cloud-init does; and a bad value in a
rendered settings file makes the generator's ExecStart fail the way the unit stops on:
exit 2 (RestartPreventExitStatus), one sentence for the journal."""
import os
import shlex
import shutil
import unittest

from helpers import BUILD, UNITS_DIR, read, render, run, temp_dir, unit_value

SYSTEM_UNITS = "/usr/lib/systemd/system"
UNITS = ["trafficgen-sink.service", "trafficgen-generator.service", "trafficgen-nic@.service"]


def install_root(test):
    """meson's install of this build into a fresh root, with systemd's own units beside it."""
    root = temp_dir(test)
    r = run(["meson", "install", "-C", BUILD, "--destdir", root, "--no-rebuild", "--quiet"], timeout=300)
    test.assertEqual(r.returncode, 0, r.stdout + r.stderr)
    shutil.copytree(SYSTEM_UNITS, root + SYSTEM_UNITS, symlinks=True)
    os.makedirs(os.path.join(root, "etc/systemd/system"))
    return root


def systemd_environment(path):
    """KEY=VALUE lines of an EnvironmentFile, as systemd reads them."""
    env = {}
    for line in read(path).splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value
    return env


def exec_start(unit, conf, state_dir, program):
    """A unit's ExecStart as argv, as systemd would run it: ${STATE_DIRECTORY} expanded;
    the settings file and the program at the paths this test gives."""
    argv = shlex.split(unit_value(unit, "ExecStart").replace("${STATE_DIRECTORY}", state_dir))
    return [program] + [conf if a == "/etc/trafficgen/trafficgen.conf" else a for a in argv[1:]]


class Units(unittest.TestCase):
    def test_verify(self):
        root = install_root(self)
        unit_dir = None
        for d, _, files in os.walk(root):
            if "trafficgen-sink.service" in files:
                unit_dir = d
        self.assertIsNotNone(unit_dir, "the units are installed")
        for unit in UNITS:
            self.assertTrue(os.path.exists(os.path.join(unit_dir, unit)), unit)
        # Every program an ExecStart names is where the unit says.
        for unit in UNITS:
            for key in ("ExecStart", "ExecStop"):
                line = unit_value(os.path.join(unit_dir, unit), key)
                if line:
                    self.assertTrue(os.access(root + line.split()[0], os.X_OK), f"{unit}: {line}")
        # systemd-analyze verify turns down any unit name with a ':' ("Couldn't process aliases",
        # systemd's own systemd-backlight@backlight:acpi_video0.service too), though systemd
        # runs such instances; the escaped name has the same %I.
        instances = ["trafficgen-sink.service", "trafficgen-generator.service",
                     "trafficgen-nic@pci\\x3a0000\\x3a03\\x3a00.0.service",
                     "trafficgen-nic@sriov_env\\x3aPCIDEVICE_INTEL_COM_SRIOV.service"]
        r = run(["systemd-analyze", "verify", "--root=" + root, *instances])
        self.assertEqual((r.returncode, r.stdout + r.stderr), (0, ""), "no error and no warning")

        # As cloud-init enables them: the bind unit is required by the role's service.
        nic = "trafficgen-nic@sriov_env:PCIDEVICE_INTEL_COM_SRIOV.service"
        r = run(["systemctl", "--root=" + root, "enable", nic, "trafficgen-sink.service"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        etc = os.path.join(root, "etc/systemd/system")
        self.assertTrue(os.path.islink(os.path.join(etc, "multi-user.target.wants", "trafficgen-sink.service")))
        self.assertTrue(os.path.islink(os.path.join(etc, "trafficgen-sink.service.requires", nic)))

    def test_verify_can_fail(self):
        root = install_root(self)
        broken = os.path.join(root, "etc/systemd/system/trafficgen-broken.service")
        os.makedirs(os.path.dirname(broken), exist_ok=True)
        with open(broken, "w", encoding="utf-8") as f:
            f.write("[Service]\nExecStart=/usr/local/bin/trafficgen\nRestartt=always\n")
        r = run(["systemd-analyze", "verify", "--root=" + root, "trafficgen-broken.service"])
        self.assertIn("Restartt", r.stdout + r.stderr)

    def test_restart_as_the_network_workload(self):
        for unit in ("trafficgen-sink.service", "trafficgen-generator.service"):
            path = os.path.join(UNITS_DIR, unit)
            self.assertEqual(unit_value(path, "Restart"), "always", unit)
            self.assertEqual(unit_value(path, "RestartSec"), "5", unit)
            self.assertEqual(unit_value(path, "RestartPreventExitStatus"), "2", unit)

    def test_bad_value_fails_the_service_with_one_sentence(self):
        from helpers import TRAFFICGEN
        for key, bad, said in [("--network-sctp-streams", "0", "network-sctp-streams 0 "),
                               ("--network-protocols", "tcp,gre", "'gre'"),
                               ("--network-udp-bandwidth", "lots", "network-udp-bandwidth 'lots'"),
                               ("--network-udp-packet-size", "70000", "network-udp-packet-size 70000 "),
                               ("--network-protocol-duration", "0", "network-protocol-duration '0'")]:
            out = render(temp_dir(self), key, bad)
            guest = os.path.join(out, "kubernetes", "guests", "trafficgen-01-generator")
            state = temp_dir(self)
            argv = exec_start(os.path.join(UNITS_DIR, "trafficgen-generator.service"),
                              os.path.join(guest, "trafficgen.conf"), state, TRAFFICGEN)
            env = dict(os.environ, **systemd_environment(os.path.join(guest, "environment")))
            r = run(argv, timeout=30, env=env)
            self.assertEqual(r.returncode, 2, f"{key} {bad}: {r.stderr}")
            lines = r.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, r.stderr)
            self.assertIn(said, lines[0])
            self.assertEqual(os.listdir(state), [], "no report from a run that never started")

    def test_the_cards_command_takes_its_flags_over_the_rendered_settings(self):
        """`trafficgen --proto sctp --streams 4` in a deployed guest: the flags override the
        file's network-protocols and network-sctp-streams; the run gets past its settings
        and stops only at the port, which this machine does not have (exit 3)."""
        from helpers import TRAFFICGEN
        out = render(temp_dir(self))
        guest = os.path.join(out, "kubernetes", "guests", "trafficgen-01-generator")
        env = dict(os.environ, **systemd_environment(os.path.join(guest, "environment")))
        r = run([TRAFFICGEN, "--config", os.path.join(guest, "trafficgen.conf"), "--proto", "sctp", "--streams", "4",
                 "--count", "1", "--quiet"], timeout=60, env=env)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertNotIn("same thing", r.stderr)


if __name__ == "__main__":
    unittest.main()
