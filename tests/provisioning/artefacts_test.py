"""Every file trafficgen-deploy renders, for 1 pair and for 8, judged by the tools made to
judge it: cloud-init's schema, yamllint, our JSON Schema of the Kubernetes and KubeVirt
objects, virt-xml-validate; and what the files must say to each other (the Service's
protocols, the NIC the guest binds, the VM's embedded user-data)."""
import copy
import glob
import json
import os
import unittest

import jsonschema

from helpers import SCHEMA, YAMLLINT_CONFIG, load_all, read, render, run, settings_file, temp_dir


class Rendered(unittest.TestCase):
    def rendered(self, pairs, *args):
        out = render(temp_dir(self), "--pairs", str(pairs), "--pf", "ens1f0", *args)
        k8s = sorted(glob.glob(os.path.join(out, "kubernetes", "*.yaml")))
        objects = [d for f in k8s for d in load_all(f)]
        return out, k8s, objects

    def check_all(self, pairs):
        out, k8s, objects = self.rendered(pairs)
        user_data = sorted(glob.glob(os.path.join(out, "*", "guests", "*", "user-data")))
        meta_data = sorted(glob.glob(os.path.join(out, "libvirt", "guests", "*", "meta-data")))
        domains = sorted(glob.glob(os.path.join(out, "libvirt", "*.xml")))
        self.assertEqual(len(k8s), pairs + 1, "one file per pair and the network")
        self.assertEqual(len(user_data), 4 * pairs, "each VM's user-data for KubeVirt and for libvirt")
        self.assertEqual(len(domains), 2 * pairs + 1, "each VM's domain and the VF network")

        # yamllint, strict: warnings fail too.
        lint = run(["yamllint", "--strict", "-c", YAMLLINT_CONFIG, *k8s, *user_data, *meta_data])
        self.assertEqual(lint.returncode, 0, lint.stdout + lint.stderr)

        # Our JSON Schema, on every object.
        with open(SCHEMA, encoding="utf-8") as f:
            validator = jsonschema.Draft202012Validator(json.load(f))
        for o in objects:
            errors = [e.message for e in validator.iter_errors(o)]
            self.assertEqual(errors, [], f"{o['kind']} {o['metadata']['name']}")

        kinds = [o["kind"] for o in objects]
        self.assertEqual(kinds.count("VirtualMachine"), 2 * pairs)
        self.assertEqual(kinds.count("Service"), pairs)
        self.assertEqual(kinds.count("NetworkAttachmentDefinition"), 1)
        names = [o["metadata"]["name"] + "/" + o["kind"] for o in objects]
        self.assertEqual(len(names), len(set(names)), "no two objects of a kind share a name")

        for svc in (o for o in objects if o["kind"] == "Service"):
            ports = svc["spec"]["ports"]
            self.assertEqual({p["protocol"] for p in ports if p["port"] == 5201}, {"TCP", "UDP", "SCTP"}, svc["metadata"]["name"])
            by_port = {}
            for p in ports:
                by_port.setdefault(p["port"], set()).add(p["protocol"])
            self.assertTrue(all(v == {"TCP", "UDP", "SCTP"} for v in by_port.values()), by_port)
            # Its selector picks exactly the pair's sink VM.
            picked = [vm["metadata"]["name"] for vm in objects if vm["kind"] == "VirtualMachine" and
                      all(vm["spec"]["template"]["metadata"]["labels"].get(k) == v for k, v in svc["spec"]["selector"].items())]
            self.assertEqual(picked, [svc["metadata"]["name"]])

        nad = next(o for o in objects if o["kind"] == "NetworkAttachmentDefinition")
        cni = json.loads(nad["spec"]["config"])
        self.assertEqual(cni["type"], "sriov")
        resource = nad["metadata"]["annotations"]["k8s.v1.cni.cncf.io/resourceName"]
        variable = "PCIDEVICE_" + "".join(c.upper() if c.isalnum() else "_" for c in resource)

        for vm in (o for o in objects if o["kind"] == "VirtualMachine"):
            spec = vm["spec"]["template"]["spec"]
            name = vm["metadata"]["name"]
            ifaces = {i["name"] for i in spec["domain"]["devices"]["interfaces"]}
            self.assertEqual(ifaces, {n["name"] for n in spec["networks"]}, "each interface has its network")
            disks = {d["name"] for d in spec["domain"]["devices"]["disks"]}
            self.assertEqual(disks, {v["name"] for v in spec["volumes"]}, "each disk has its volume")
            data = next(i for i in spec["domain"]["devices"]["interfaces"] if "sriov" in i)
            multus = next(n for n in spec["networks"] if n["name"] == data["name"])["multus"]
            self.assertEqual(multus["networkName"], nad["metadata"]["name"])
            embedded = next(v for v in spec["volumes"] if "cloudInitNoCloud" in v)["cloudInitNoCloud"]["userData"]
            guest = os.path.join(out, "kubernetes", "guests", name)
            self.assertEqual(embedded, read(os.path.join(guest, "user-data")))
            # The guest takes its VF from the device plugin's variable, which its environment
            # file sets to where the VM pins the VF.
            conf = settings_file(os.path.join(guest, "trafficgen.conf"))
            self.assertEqual(conf["pci-env"], variable)
            env = read(os.path.join(guest, "environment"))
            self.assertIn(f"{variable}={data['pciAddress']}\n", env)
            self.assertIn(f"trafficgen-nic@sriov_env:{variable}.service", embedded)
            if name.endswith("-generator"):
                sink = next(o for o in objects if o["kind"] == "VirtualMachine" and o["metadata"]["name"] == name[:-10] + "-sink")
                sink_mac = next(i for i in sink["spec"]["template"]["spec"]["domain"]["devices"]["interfaces"] if "sriov" in i)["macAddress"]
                self.assertEqual(conf["dst-mac"], sink_mac, "the generator addresses its own sink's VF")

        # cloud-init's own schema check, on every user-data.
        for f in user_data:
            r = run(["cloud-init", "schema", "--config-file", f])
            self.assertEqual(r.returncode, 0, f"{f}: {r.stdout}{r.stderr}")

        for f in domains:
            r = run(["virt-xml-validate", f])
            self.assertEqual(r.returncode, 0, f"{f}: {r.stdout}{r.stderr}")
        for iso in glob.glob(os.path.join(out, "libvirt", "*-seed.iso")):
            listing = run(["isoinfo", "-i", iso, "-J", "-f"]).stdout.split()
            self.assertEqual(sorted(listing), ["/meta-data", "/user-data"], iso)
            self.assertIn("cidata", run(["isoinfo", "-d", "-i", iso]).stdout)
        return out, objects

    def test_one_pair(self):
        self.check_all(1)

    def test_eight_pairs(self):
        _, objects = self.check_all(8)
        macs = [i["macAddress"] for o in objects if o["kind"] == "VirtualMachine"
                for i in o["spec"]["template"]["spec"]["domain"]["devices"]["interfaces"] if "macAddress" in i]
        self.assertEqual(len(macs), 16)
        self.assertEqual(len(set(macs)), 16, "every VF its own MAC")

    def test_libvirt_passthrough(self):
        devices = ["--hostdev=0000:81:00.0", "--hostdev=0000:81:00.1"]
        out, _, _ = self.rendered(1, *devices)
        xml = read(os.path.join(out, "libvirt", "trafficgen-01-generator.xml"))
        self.assertIn("<hostdev mode=\"subsystem\" type=\"pci\" managed=\"yes\">", xml)
        self.assertIn("bus=\"0x81\" slot=\"0x00\" function=\"0x1\"", xml)
        r = run(["virt-xml-validate", os.path.join(out, "libvirt", "trafficgen-01-generator.xml")])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        conf = settings_file(os.path.join(out, "libvirt", "guests", "trafficgen-01-generator", "trafficgen.conf"))
        self.assertEqual(conf["pci"], "0000:00:10.0", "the guest names the address the domain pins")

    def test_the_judges_can_fail(self):
        """Each judge refuses a broken copy of what passed: the checks above are live."""
        out, _, objects = self.rendered(1)
        with open(SCHEMA, encoding="utf-8") as f:
            validator = jsonschema.Draft202012Validator(json.load(f))
        svc = copy.deepcopy(next(o for o in objects if o["kind"] == "Service"))
        svc["spec"]["ports"] = [p for p in svc["spec"]["ports"] if p["protocol"] != "SCTP"]
        self.assertTrue(list(validator.iter_errors(svc)), "a Service without SCTP is refused")
        vm = copy.deepcopy(next(o for o in objects if o["kind"] == "VirtualMachine"))
        vm["spec"]["template"]["spec"]["domain"]["devices"]["interfaces"][1]["sriovv"] = {}
        self.assertTrue(list(validator.iter_errors(vm)), "a misspelt field is refused")

        bad = os.path.join(out, "bad-user-data")
        with open(bad, "w", encoding="utf-8") as f:
            f.write(read(os.path.join(out, "libvirt", "guests", "trafficgen-01-sink", "user-data")).replace("runcmd:", "runcmd: 5\nx:"))
        self.assertNotEqual(run(["cloud-init", "schema", "--config-file", bad]).returncode, 0)
        domain = os.path.join(out, "libvirt", "trafficgen-01-sink.xml")
        with open(domain + ".bad.xml", "w", encoding="utf-8") as f:
            f.write(read(domain).replace("<vcpu placement=\"static\">", "<vcpu placement=\"everywhere\">"))
        self.assertNotEqual(run(["virt-xml-validate", domain + ".bad.xml"]).returncode, 0)


class BadInput(unittest.TestCase):
    def test_one_sentence_and_exit_2(self):
        from helpers import DEPLOY
        for args, named in [(["--pairs", "0"], "--pairs 0"), (["--pairs", "251"], "--pairs 251"),
                            (["--name", "Bad_Name"], "Bad_Name"), (["--generator-nic", "eth0"], "'eth0'"),
                            (["--hostdev", "0000:81:00.0"], "two per pair"), (["--set", "=1"], "'=1'"),
                            (["--network-sctp-streams", "4\"\nlcores = 0"], "line break"),
                            (["--bind-driver", "e1000"], "'e1000'")]:
            r = run([DEPLOY, "--out", temp_dir(self), *args])
            self.assertEqual(r.returncode, 2, f"{args}: {r.stderr}")
            lines = r.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, r.stderr)
            self.assertIn(named, lines[0])

    def test_unwritable_out(self):
        from helpers import DEPLOY
        r = run([DEPLOY, "--out", "/proc/trafficgen-deploy"])
        self.assertEqual(r.returncode, 6, r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)


if __name__ == "__main__":
    unittest.main()
