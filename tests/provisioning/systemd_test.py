"""The units under systemd itself: a container (systemd-nspawn, this machine's /usr, a
volatile root) boots systemd with the installed units and a rendered settings file, and
systemd judges them. A bad value in the rendered settings: the generator fails, is not
restarted, and its journal has trafficgen's one sentence. A run that ends is started
again 5 s later, as the network workload's units are, its report in the StateDirectory;
the sink stops gracefully on systemd's SIGTERM and writes its report."""
import json
import os
import shutil
import subprocess
import unittest

from helpers import read, render, temp_dir
from units_test import install_root

CHECK = r"""#!/bin/sh
# Runs inside the container (systemd.run=), then the container powers off.
gen=trafficgen-generator.service sink=trafficgen-sink.service
state() { systemctl show -p ActiveState -p Result -p NRestarts -p ExecMainStatus "$1"; }
wait_for() {  # UNIT KEY=VALUE SECONDS
    i=0
    while ! state "$1" | grep -qx "$2"; do
        i=$((i + 1)); [ $i -le $(($3 * 5)) ] || return 1; sleep 0.2
    done
}

cp /check/bad.conf /etc/trafficgen/trafficgen.conf
systemctl start $gen
wait_for $gen ActiveState=failed 30
sleep 7  # RestartSec=5 has passed: a restart would show
state $gen >/check/bad.show
journalctl -u $gen -o cat >/check/bad.journal
systemctl reset-failed $gen

cp /check/good.conf /etc/trafficgen/trafficgen.conf
systemctl start $gen
wait_for $gen NRestarts=1 60
state $gen >/check/good.show
cp /var/lib/trafficgen/generator.json /check/ 2>/dev/null
systemctl stop $gen

cp /check/sink.conf /etc/trafficgen/trafficgen.conf
systemctl start $sink
wait_for $sink ActiveState=active 30
sleep 2
systemctl stop $sink
state $sink >/check/sink.show
journalctl -u $sink -o cat >/check/sink.journal
cp /var/lib/trafficgen/sink.json /check/ 2>/dev/null
echo done >/check/done
"""


def show(path):
    with open(path, encoding="utf-8") as f:
        return dict(line.strip().split("=", 1) for line in f if "=" in line)


@unittest.skipUnless(shutil.which("systemd-nspawn"), "systemd-nspawn (systemd-container) is not installed")
class UnderSystemd(unittest.TestCase):
    def test_units_under_systemd(self):
        root = install_root(self)
        prefix = os.path.join(root, "usr", "local")
        check, etc, dropins = temp_dir(self), temp_dir(self), temp_dir(self)
        out = render(temp_dir(self), "--network-sctp-streams", "0")
        guest = os.path.join(out, "kubernetes", "guests", "trafficgen-01-generator")
        shutil.copy(os.path.join(guest, "trafficgen.conf"), os.path.join(check, "bad.conf"))
        shutil.copy(os.path.join(guest, "environment"), os.path.join(etc, "environment"))
        with open(os.path.join(check, "good.conf"), "w", encoding="utf-8") as f:
            f.write('vdev = "net_null0"\ndst-mac = "02:00:00:00:00:02"\nduration = "1"\nrate = "10000pps"\nlcores = "0@0,1@0"\nquiet = true\n')
        with open(os.path.join(check, "sink.conf"), "w", encoding="utf-8") as f:
            f.write('vdev = "net_null1"\nlcores = "0@1,1@1"\nquiet = true\n')
        with open(os.path.join(check, "run.sh"), "w", encoding="utf-8") as f:
            f.write(CHECK)
        os.chmod(os.path.join(check, "run.sh"), 0o755)
        # A sanitized build's leak suppressions, as the other suites give them.
        with open(os.path.join(dropins, "environment.conf"), "w", encoding="utf-8") as f:
            f.write("[Service]\n" + "".join(f"Environment={k}={os.environ[k]}\n" for k in ("LSAN_OPTIONS", "ASAN_OPTIONS", "UBSAN_OPTIONS")
                                              if k in os.environ))
        # Only /usr is this machine's in the container: a suppressions file elsewhere is bound in.
        binds = []
        for option in os.environ.get("LSAN_OPTIONS", "").split(":"):
            if option.startswith("suppressions="):
                binds.append("--bind-ro=" + option.split("=", 1)[1])
        machine = f"tgunits{os.getpid()}"
        argv = ["timeout", "-k", "10", "240", "systemd-nspawn", "-D", "/", "--volatile=yes", "--register=no", "--keep-unit",
                "-M", machine, "--bind-ro=" + prefix + ":/usr/local", "--bind=" + etc + ":/etc/trafficgen",
                "--bind=" + check + ":/check",
                "--bind-ro=" + dropins + ":/etc/systemd/system/trafficgen-generator.service.d",
                "--bind-ro=" + dropins + ":/etc/systemd/system/trafficgen-sink.service.d", *binds,
                "-b", "--", "systemd.firstboot=off", "systemd.run=/check/run.sh",
                "systemd.run_success_action=poweroff", "systemd.run_failure_action=poweroff"]
        boot = subprocess.run(argv, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
        self.assertTrue(os.path.exists(os.path.join(check, "done")), "the container ran the check:\n" + boot.stdout[-3000:])

        bad = show(os.path.join(check, "bad.show"))
        self.assertEqual((bad["ActiveState"], bad["Result"], bad["ExecMainStatus"], bad["NRestarts"]),
                         ("failed", "exit-code", "2", "0"), "failed for good: RestartPreventExitStatus=2")
        said = [line for line in read(os.path.join(check, "bad.journal")).splitlines() if line.startswith("trafficgen:")]
        self.assertEqual(len(said), 1, said)
        self.assertIn("network-sctp-streams 0 is out of range", said[0])

        good = show(os.path.join(check, "good.show"))
        self.assertEqual(good["NRestarts"], "1", "a run that ended is started again (Restart=always)")
        report = json.loads(read(os.path.join(check, "generator.json")))
        self.assertEqual(report["stopped_by"], "duration")
        self.assertGreater(report["generator"]["packets"], 0)

        sink = show(os.path.join(check, "sink.show"))
        self.assertEqual((sink["Result"], sink["ExecMainStatus"]), ("success", "0"), read(os.path.join(check, "sink.journal")))
        self.assertTrue(os.path.exists(os.path.join(check, "sink.json")), "SIGTERM: the sink wrote its report")


if __name__ == "__main__":
    unittest.main()
