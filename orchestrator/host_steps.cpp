#include "host_steps.hpp"

#include <fstream>
#include <optional>
#include <sstream>

#include "check.hpp"
#include "host_scripts.hpp"
#include "orch_error.hpp"
#include "ssh.hpp"

namespace tg::orch {

namespace {

std::string get(const HostFacts& f, const char* k) { return f.count(k) != 0 ? f.at(k) : std::string(); }

bool installed(SshSession& s, const HostSpec& h) {
    return s.run({"sh", "-c", "command -v \"$1\" >/dev/null", "sh", h.trafficgen}, 30).ok();
}

// The inventory's package, copied over and installed with the host's package manager.
void install(SshSession& s, const HostSpec& h, std::ostream& out) {
    if (h.package.empty()) {
        throw OrchError(exit_code::step_failed, h.label + ": trafficgen is not installed (no '" + h.trafficgen +
                                                    "') and the inventory gives no \"package\" to install: give the "
                                                    "path of a trafficgen .deb or .rpm on this host");
    }
    std::ifstream in(h.package, std::ios::binary);
    if (!in) throw OrchError(exit_code::bad_input, "cannot read the package " + h.package + " for " + h.label);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    const bool deb = h.package.compare(h.package.size() - 4, 4, ".deb") == 0;
    const std::string remote = std::string("/tmp/trafficgen-orch-package") + (deb ? ".deb" : ".rpm");
    CommandResult r = s.run({"sh", "-c", "cat > \"$1\"", "sh", remote}, 300, bytes.str());
    if (!r.ok()) throw OrchError(exit_code::step_failed, h.label + ": cannot copy " + h.package + " over: " + r.failure());
    const std::vector<std::string> manager =
        deb ? std::vector<std::string>{"env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q", remote}
            : std::vector<std::string>{"dnf", "install", "-y", "-q", remote};
    r = s.run({"sh", "-c", "command -v \"$1\" >/dev/null", "sh", manager[deb ? 2 : 0]}, 30);
    if (!r.ok()) {
        throw OrchError(exit_code::step_failed, h.label + ": the package is a " + (deb ? "deb" : "rpm") + " and the host has no " +
                                                    (deb ? "apt-get" : "dnf") + " to install it with");
    }
    r = s.run(manager, 900);
    (void)s.run({"rm", "-f", remote}, 30);
    if (!r.ok()) throw OrchError(exit_code::step_failed, h.label + ": installing " + h.package + " failed: " + r.failure());
    if (!installed(s, h)) throw OrchError(exit_code::step_failed, h.label + ": " + h.package + " installed no '" + h.trafficgen + "'");
    out << h.label << ": installed " << h.package << "\n";
}

}  // namespace

std::string host_conf(const PairSpec& pair, const HostSpec& host, const std::string& pci, const std::string& iface) {
    const bool generator = &host == &pair.generator;
    std::ostringstream c;
    c << "# trafficgen settings for the " << (generator ? "generator" : "sink") << " of " << pair.name
      << ", written by trafficgen-orch provision; teardown puts back what was here before.\n";
    if (host.nic && host.nic->driver != "kernel" && !pci.empty()) c << "pci = " << pci << "\n";
    else if (!iface.empty()) c << "iface = " << iface << "\n";
    if (!host.lcores.empty()) c << "lcores = " << host.lcores << "\n";
    if (generator) {
        if (!pair.generator.data_ip.empty()) c << "src-ip = " << pair.generator.data_ip << "\n";
        if (!pair.sink.data_ip.empty()) c << "dst-ip = " << pair.sink.data_ip << "\n";
    }
    return c.str();
}

void provision_hosts(const Inventory& inv, const HostPaths& paths, std::ostream& out) {
    for (const PairSpec& p : inv.pairs) {
        for (const HostSpec* h : {&p.generator, &p.sink}) {
            SshSession s(*h);
            if (!installed(s, *h)) install(s, *h, out);
            std::string pci, iface;
            if (h->nic) {
                const CommandResult n = s.run_script(
                    host_script(), {"nic", to_string(h->nic->kind), h->nic->value, paths.sysfs_root, paths.state_dir}, 30);
                if (!n.ok()) throw OrchError(exit_code::step_failed, h->label + ": " + n.failure());
                const HostFacts f = parse_facts(n.out);
                pci = get(f, "pci");
                iface = get(f, "iface");
            }
            const bool vfio = h->nic && h->nic->driver == "vfio-pci";
            const CommandResult r = s.run_script(
                host_script(), {"provision", std::to_string(h->hugepages), vfio ? "yes" : "no", paths.sysfs_root,
                                     paths.state_dir, paths.etc_dir, host_conf(p, *h, pci, iface)},
                120);
            if (!r.ok()) throw OrchError(exit_code::step_failed, h->label + ": provision failed: " + r.failure());
            const HostFacts f = parse_facts(r.out);
            out << h->label << ": ";
            if (h->hugepages > 0) out << "hugepages " << get(f, "hugepages") << ", ";
            if (vfio) out << "vfio-pci " << get(f, "vfio_pci") << (get(f, "noiommu") == "Y" ? " (no-IOMMU mode)" : "") << ", ";
            out << "sctp " << get(f, "sctp") << ", settings in " << get(f, "conf") << "\n";
            if (!get(f, "hugepages_short").empty()) out << h->label << ": warning: " << get(f, "hugepages_short") << "\n";
        }
    }
}

void teardown_hosts(const Inventory& inv, const HostPaths& paths, std::ostream& out) {
    std::optional<OrchError> first;
    try {
        unbind_nics(inv, paths, out);
    } catch (const OrchError& e) {
        first = e;
    }
    for (const PairSpec& p : inv.pairs) {
        for (const HostSpec* h : {&p.generator, &p.sink}) {
            try {
                SshSession s(*h);
                const CommandResult r = s.run_script(host_script(), {"teardown", paths.sysfs_root, paths.state_dir}, 60);
                if (!r.ok()) throw OrchError(exit_code::step_failed, h->label + ": teardown failed: " + r.failure());
                const HostFacts f = parse_facts(r.out);
                out << h->label << ": ";
                if (get(f, "teardown") == "nothing") {
                    out << "nothing to put back\n";
                    continue;
                }
                if (!get(f, "hugepages").empty()) out << "hugepages back to " << get(f, "hugepages") << ", ";
                if (!get(f, "conf").empty()) out << "settings file " << get(f, "conf") << ", ";
                out << "done\n";
            } catch (const OrchError& e) {
                out << h->label << ": " << e.what() << "\n";
                if (!first) first = e;
            }
        }
    }
    if (first) throw *first;
}

}  // namespace tg::orch
