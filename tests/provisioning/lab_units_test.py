"""The rendered units run for real on the built-in lab: the sink's and the generator's
ExecStart lines, as systemd would run them (their EnvironmentFile, ${STATE_DIRECTORY}),
each in its namespace with the settings file trafficgen-deploy rendered for that VM, and
the sink's own report says what arrived. Then the same run with trafficgen's flags in
place of the network workload's names: the same settings, frames and streams."""
import json
import os
import select
import shlex
import signal
import subprocess
import time
import unittest

from helpers import SOURCE, TRAFFICGEN, UNITS_DIR, read, render, run, temp_dir
from units_test import exec_start, systemd_environment

LAB = os.path.join(SOURCE, "scripts", "lab")
SEED_KEYS = {"network-protocols": "--proto", "network-udp-bandwidth": "--udp-rate",
             "network-udp-packet-size": "--udp-payload", "network-sctp-streams": "--streams",
             "network-protocol-duration": "--protocol-duration"}


class Lab:
    def __init__(self, test):
        r = run([LAB, "up"], timeout=60)
        test.assertEqual(r.returncode, 0, r.stderr)
        self.env = dict(shlex.split(line)[0].split("=", 1) for line in r.stdout.splitlines() if "=" in line)
        test.addCleanup(lambda: run([LAB, "down", self.env["TG_LAB_ID"]], timeout=60))

    def netns(self, role):
        return ["ip", "netns", "exec", self.env["TG_SINK_NS" if role == "sink" else "TG_GEN_NS"]]


class Service:
    """One unit's ExecStart started as systemd would, in the lab namespace of its VM."""

    def __init__(self, test, lab, role, guest, conf=None, extra=()):
        self.state = temp_dir(test)
        argv = exec_start(os.path.join(UNITS_DIR, f"trafficgen-{role}.service"),
                          conf or os.path.join(guest, "trafficgen.conf"), self.state, TRAFFICGEN)
        env = dict(os.environ, **systemd_environment(os.path.join(guest, "environment")))
        self.proc = subprocess.Popen(lab.netns(role) + argv + list(extra), env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        self.role = role
        test.addCleanup(self.kill)

    def wait_for(self, text, seconds):
        end, seen = time.monotonic() + seconds, ""
        while time.monotonic() < end:
            ready, _, _ = select.select([self.proc.stderr], [], [], 0.2)
            if ready:
                line = self.proc.stderr.readline()
                seen += line
                if text in line:
                    return seen
                if not line and self.proc.poll() is not None:
                    break
        raise AssertionError(f"{self.role} never said '{text}': {seen}")

    def stop(self):
        """systemctl stop: SIGTERM, then the unit's TimeoutStopSec."""
        self.proc.send_signal(signal.SIGTERM)
        return self.finish(60)

    def finish(self, seconds):
        _, err = self.proc.communicate(timeout=seconds)
        return self.proc.returncode, err

    def report(self):
        with open(os.path.join(self.state, f"{self.role}.json"), encoding="utf-8") as f:
            return json.load(f)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


class RenderedUnitsOnTheLab(unittest.TestCase):
    def setUp(self):
        self.lab = Lab(self)
        # KubeVirt pins each VF's MAC (macAddress); here the sink's veth gets the one the
        # generator's settings address.
        r = run(self.lab.netns("sink") + ["ip", "link", "set", "dev", self.lab.env["TG_SINK_IF"], "address", "02:74:67:00:01:02"])
        self.assertEqual(r.returncode, 0, r.stderr)
        # One CPU each: never two busy-polling processes on one CPU.
        self.out = render(temp_dir(self), "--pairs", "1", "--hugepages", "0",
                          "--generator-nic", "iface:" + self.lab.env["TG_GEN_IF"],
                          "--sink-nic", "iface:" + self.lab.env["TG_SINK_IF"],
                          "--network-protocols", "tcp,udp,sctp", "--network-protocol-duration", "2",
                          "--network-udp-bandwidth", "20M", "--network-udp-packet-size", "1000",
                          "--network-sctp-streams", "3", "--set", "rate=20M", "--set", "lcores=0@0,1@0",
                          "--sink-set", "lcores=0@1,1@1")
        self.guests = os.path.join(self.out, "libvirt", "guests")

    def one_run(self, generator_conf=None, extra=()):
        sink = Service(self, self.lab, "sink", os.path.join(self.guests, "trafficgen-01-sink"))
        sink.wait_for("sink on", 30)
        gen = Service(self, self.lab, "generator", os.path.join(self.guests, "trafficgen-01-generator"),
                      conf=generator_conf, extra=extra)
        code, err = gen.finish(60)
        self.assertEqual(code, 0, err)
        code, sink_log = sink.stop()
        self.assertEqual(code, 0, sink_log)
        return gen.report(), sink.report(), err

    def test_units_run_and_traffic_flows(self):
        gen, sink, log = self.one_run()
        # One rotation, in the settings' order, then the process ends for systemd to restart.
        self.assertLess(log.index("now sending udp"), log.index("now sending sctp"))
        self.assertEqual(gen["stopped_by"], "duration")
        received = sink["sink"]["protocols"]
        for proto in ("tcp", "udp", "sctp"):
            sent = gen["generator"]["protocols"][proto]["packets"]
            self.assertGreater(sent, 0, proto)
            self.assertGreater(received[proto]["packets"], 0, f"{proto} reached the sink")
            self.assertLessEqual(received[proto]["packets"], sent, proto)
            self.assertEqual(received[proto]["bad_l4_checksum"], 0, proto)
            self.assertEqual(received[proto]["bad_ip_checksum"], 0, proto)
        # 1000-byte UDP payloads (network-udp-packet-size), on three SCTP streams.
        udp = received["udp"]
        self.assertEqual(udp["payload_bytes"], 1000 * udp["packets"])
        streams = {s["stream"] for s in sink["sink"]["streams"] if s["protocol"] == "sctp"}
        self.assertEqual(streams, {0, 1, 2})
        self.assertEqual(len({s["flow"] for s in sink["sink"]["streams"] if s["protocol"] == "udp"}), 4)

    def test_seed_names_give_the_same_run_as_the_flags(self):
        seed_gen, seed_sink, _ = self.one_run()
        # The same settings file without the network workload's names, and the flags instead.
        rendered = os.path.join(self.guests, "trafficgen-01-generator", "trafficgen.conf")
        flags, kept = [], []
        for line in read(rendered).splitlines():
            key, _, value = line.partition("=")
            if key.strip() in SEED_KEYS:
                flags += [SEED_KEYS[key.strip()], value.strip().strip('"')]
            else:
                kept.append(line)
        self.assertEqual(len(flags), 10, "all five settings were in the rendered file")
        plain = os.path.join(temp_dir(self), "trafficgen.conf")
        with open(plain, "w", encoding="utf-8") as f:
            f.write("\n".join(kept) + "\n")
        flag_gen, flag_sink, _ = self.one_run(generator_conf=plain, extra=flags)

        def settings(report):
            return {k: v for k, v in report["settings"].items() if k != "command_line"}
        self.assertEqual(settings(seed_gen), settings(flag_gen))
        for proto in ("tcp", "udp", "sctp"):
            a, b = seed_sink["sink"]["protocols"][proto], flag_sink["sink"]["protocols"][proto]
            self.assertEqual(a["payload_bytes"] / a["packets"], b["payload_bytes"] / b["packets"], proto)
            self.assertEqual(a["bytes"] / a["packets"], b["bytes"] / b["packets"], proto)

        def streams(report):
            return sorted({(s["protocol"], s["flow"], s["stream"]) for s in report["sink"]["streams"]})
        self.assertEqual(streams(seed_sink), streams(flag_sink))


if __name__ == "__main__":
    unittest.main()
