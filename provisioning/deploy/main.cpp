// trafficgen-deploy: renders what puts trafficgen pairs into VMs, for N pairs:
//   OUT/kubernetes/   the SR-IOV NetworkAttachmentDefinition, and per pair a Service and
//                     two KubeVirt VirtualMachines (kubectl apply -f OUT/kubernetes/)
//   OUT/libvirt/      per VM a domain XML and its cloud-init seed ISO
//   OUT/*/guests/VM/  what each guest gets: user-data, meta-data, trafficgen.conf, environment
// Exit codes: 0 rendered, 2 bad input (one sentence), 6 a file could not be written.
#include <CLI/CLI.hpp>

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <filesystem>
#include <iostream>

#include "deploy_settings.hpp"
#include "guest_files.hpp"
#include "kubernetes.hpp"
#include "libvirt_domain.hpp"
#include "orch_error.hpp"
#include "output.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace tg::deploy;
using tg::orch::OrchError;
namespace exit_code = tg::orch::exit_code;

void make_dir(const fs::path& p) {
    std::error_code ec;
    fs::create_directories(p, ec);
    if (ec) throw OrchError(exit_code::output, "cannot make " + p.string() + ": " + ec.message());
}

void write(const fs::path& p, const std::string& text) { tg::orch::write_atomically(p.string(), text); }

// key=value pairs for --set / --sink-set.
std::vector<std::pair<std::string, std::string>> settings_pairs(const std::vector<std::string>& items, const char* flag) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& item : items) {
        const auto eq = item.find('=');
        const std::string key = item.substr(0, eq);
        if (eq == std::string::npos || key.empty() || key.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
            throw OrchError(exit_code::bad_input, std::string(flag) + " '" + item +
                                                      "' is not KEY=VALUE with a trafficgen settings key, such as duration=60");
        }
        out.emplace_back(key, item.substr(eq + 1));
    }
    return out;
}

// The seed ISO (volume label cidata, as cloud-init's NoCloud looks for) with genisoimage
// where it is installed; without it the seed's files are there to make one.
bool make_seed_iso(const fs::path& dir, const fs::path& iso) {
    const std::string out = iso.string(), ud = (dir / "user-data").string(), md = (dir / "meta-data").string();
    std::vector<std::string> args = {"genisoimage", "-quiet", "-output", out, "-volid", "cidata", "-joliet", "-rock", ud, md};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (::posix_spawnp(&pid, "genisoimage", nullptr, nullptr, argv.data(), environ) != 0) return false;
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw OrchError(exit_code::output, "genisoimage could not make " + out);
    return true;
}

void render_guest(const fs::path& dir, const Settings& s, unsigned pair, Role r, Target t) {
    make_dir(dir);
    const NicSpec nic = guest_nic(s, r, t);
    write(dir / "user-data", user_data_text(user_data(s, pair, r, t)));
    write(dir / "meta-data", meta_data(s, pair, r));
    write(dir / "trafficgen.conf", trafficgen_conf(s, pair, r, nic));
    write(dir / "environment", environment_file(s, nic, t));
}

int render(const Settings& s, const std::string& pf) {
    check(s);
    const fs::path out(s.out_dir);
    const fs::path k8s = out / "kubernetes", virt = out / "libvirt";
    make_dir(k8s);
    make_dir(virt);
    write(k8s / "00-sriov-network.yaml", to_yaml_stream({network_attachment(s)}));
    bool isos = true;
    for (unsigned p = 1; p <= s.pairs; ++p) {
        write(k8s / ("pair-" + pair_label(p) + ".yaml"),
              to_yaml_stream({sink_service(s, p), virtual_machine(s, p, Role::sink), virtual_machine(s, p, Role::generator)}));
        for (Role r : {Role::sink, Role::generator}) {
            const std::string name = vm_name(s, p, r);
            render_guest(k8s / "guests" / name, s, p, r, Target::kubevirt);
            render_guest(virt / "guests" / name, s, p, r, Target::libvirt);
            write(virt / (name + ".xml"), domain_xml(s, p, r));
            if (isos) isos = make_seed_iso(virt / "guests" / name, virt / (name + "-seed.iso"));
        }
    }
    if (!pf.empty()) write(virt / "vf-network.xml", vf_network_xml(s, pf));
    std::cout << "trafficgen-deploy: " << s.pairs << " pair" << (s.pairs == 1 ? "" : "s") << " in " << out.string()
              << ": kubectl apply -f " << k8s.string() << "/; libvirt: " << virt.string() << "/*.xml";
    if (!isos) std::cout << " (no genisoimage: make each seed ISO from libvirt/guests/VM/ with cloud-localds)";
    std::cout << "\n";
    return exit_code::ok;
}

}  // namespace

int main(int argc, char** argv) {
    Settings s;
    std::string generator_nic, sink_nic, pf;
    std::vector<std::string> gen_set, sink_set;
    CLI::App app{"trafficgen-deploy: cloud-init, systemd, Kubernetes/KubeVirt and libvirt files for N trafficgen pairs"};
    app.set_version_flag("--version", "trafficgen-deploy 0.1.0");
    app.add_option("--pairs", s.pairs, "How many sink/generator VM pairs (1..250)")->capture_default_str();
    app.add_option("--out", s.out_dir, "Directory to write into")->required();
    app.add_option("--name", s.name, "Name prefix: NAME-01-sink, NAME-01-generator, ...")->capture_default_str();
    app.add_option("--namespace", s.namespace_name, "Kubernetes namespace of the objects (default: none named)");
    auto* g = "Guest";
    app.add_option("--package", s.package, "trafficgen as an apt package name, or the URL of its .deb")->group(g)->capture_default_str();
    app.add_option("--apt-source", s.apt_source, "A sources.list line for the repository that has the package")->group(g);
    app.add_option("--hugepages", s.hugepages, "2 MB hugepages each guest reserves (0: none)")->group(g)->capture_default_str();
    app.add_option("--bind-driver", s.bind_driver, "Driver the data NIC is bound to: vfio-pci, uio_pci_generic, igb_uio or none")
        ->group(g)->capture_default_str();
    app.add_option("--generator-nic", generator_nic,
                   "The generator guest's data NIC: pci:ADDRESS, iface:NAME (af_xdp, not bound) or sriov_env:VARIABLE "
                   "(default: the device plugin's variable on KubeVirt, --guest-pci on libvirt)")->group(g);
    app.add_option("--sink-nic", sink_nic, "The sink guest's data NIC, as --generator-nic")->group(g);
    app.add_option("--guest-pci", s.guest_pci, "Guest PCI address the data NIC is pinned at")->group(g)->capture_default_str();
    auto* t = "Traffic (the network workload's settings, its defaults)";
    app.add_option("--network-protocols", s.protocols, "Protocols, rotated: tcp, udp, sctp, comma-separated")->group(t)->capture_default_str();
    app.add_option("--network-udp-bandwidth", s.udp_bandwidth, "UDP's target rate")->group(t)->capture_default_str();
    app.add_option("--network-udp-packet-size", s.udp_packet_size, "UDP payload bytes")->group(t)->capture_default_str();
    app.add_option("--network-sctp-streams", s.sctp_streams, "SCTP streams")->group(t)->capture_default_str();
    app.add_option("--network-protocol-duration", s.protocol_duration, "Seconds per protocol")->group(t)->capture_default_str();
    app.add_option("--flows", s.flows, "Flows, one destination port each from --data-port")->group(t)->capture_default_str();
    app.add_option("--data-port", s.data_port, "First destination port")->group(t)->capture_default_str();
    app.add_option("--set", gen_set, "More generator settings, KEY=VALUE as in trafficgen.conf (repeatable)")->group(t);
    app.add_option("--sink-set", sink_set, "More sink settings, KEY=VALUE as in trafficgen.conf (repeatable)")->group(t);
    auto* k = "KubeVirt";
    app.add_option("--image", s.image, "containerDisk image of the guests")->group(k)->capture_default_str();
    app.add_option("--sriov-resource", s.sriov_resource, "SR-IOV device plugin resource of the VFs")->group(k)->capture_default_str();
    app.add_option("--sriov-network", s.sriov_network, "Name of the NetworkAttachmentDefinition")->group(k)->capture_default_str();
    app.add_option("--vlan", s.vlan, "VLAN the SR-IOV CNI puts the VFs on")->group(k);
    app.add_option("--cpus", s.cpus, "vCPUs per VM")->group(k)->capture_default_str()->check(CLI::Range(2u, 256u));
    app.add_option("--memory", s.memory_mib, "MiB of memory per VM")->group(k)->capture_default_str()->check(CLI::Range(1024u, 1048576u));
    auto* v = "libvirt";
    app.add_option("--images", s.libvirt_images, "Directory of the root disks (VM.qcow2) and seeds (VM-seed.iso)")->group(v)->capture_default_str();
    app.add_option("--mgmt-network", s.libvirt_network, "libvirt network of the management NIC")->group(v)->capture_default_str();
    app.add_option("--hostdev", s.hostdevs, "Host PCI addresses to pass through, two per pair: sink, generator (repeatable)")->group(v);
    app.add_option("--vf-network", s.vf_network, "libvirt hostdev network the VFs come from (default trafficgen-vfs)")->group(v);
    app.add_option("--pf", pf, "Physical function the VF network draws from: also writes vf-network.xml")->group(v);
    try {
        app.parse(argc, argv);
        if (!generator_nic.empty()) s.generator_nic = NicSpec::parse(generator_nic, "--generator-nic");
        if (!sink_nic.empty()) s.sink_nic = NicSpec::parse(sink_nic, "--sink-nic");
        s.generator_extra = settings_pairs(gen_set, "--set");
        s.sink_extra = settings_pairs(sink_set, "--sink-set");
        return render(s, pf);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "trafficgen-deploy: " << e.what() << "\n";
        return exit_code::bad_input;
    } catch (const OrchError& e) {
        std::cerr << "trafficgen-deploy: " << e.what() << "\n";
        return e.code();
    }
}
