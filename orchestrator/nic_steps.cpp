#include "nic_steps.hpp"

#include <optional>

#include "check.hpp"
#include "host_scripts.hpp"
#include "orch_error.hpp"
#include "ssh.hpp"

namespace tg::orch {

namespace {

bool leaves_alone(const HostSpec& h) { return !h.nic || h.nic->driver == "kernel"; }

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

}  // namespace

void bind_nics(const Inventory& inv, const HostPaths& paths, std::ostream& out,
               const std::vector<profiles::DriverProfile>& profiles) {
    for (const PairSpec& p : inv.pairs) {
        for (const HostSpec* h : {&p.generator, &p.sink}) {
            if (leaves_alone(*h)) continue;
            SshSession s(*h);
            std::string want = h->nic->driver;
            if (!h->nic->driver_given && !profiles.empty()) {
                // The profile of the driver the NIC has now says what DPDK wants of it.
                const CommandResult n = s.run_script(
                    host_script(), {"nic", to_string(h->nic->kind), h->nic->value, paths.sysfs_root, paths.state_dir}, 30);
                const HostFacts f = parse_facts(n.out);
                const auto profile = profiles::find_by_kernel_driver(profiles, f.count("driver") != 0 ? f.at("driver") : "");
                if (profile && profile->bind == "kernel") {
                    out << h->label << ": NIC " << h->nic->value << " stays with its driver (drivers-config profile "
                        << profile->name << ": DPDK drives it through the kernel's)\n";
                    continue;
                }
                if (profile) want = profile->bind;
            }
            const CommandResult r = s.run_script(
                host_script(), {"bind", to_string(h->nic->kind), h->nic->value, want, paths.sysfs_root, paths.state_dir}, 30);
            if (!r.ok()) throw OrchError(exit_code::step_failed, h->label + ": cannot bind its NIC: " + r.failure());
            const HostFacts f = parse_facts(r.out);
            out << h->label << ": NIC " << f.at("pci") << " (" << or_dash(f.count("iface") ? f.at("iface") : "")
                << ") bound to " << f.at("bound") << ", was " << or_dash(f.count("was") ? f.at("was") : "") << "\n";
        }
    }
}

void unbind_nics(const Inventory& inv, const HostPaths& paths, std::ostream& out) {
    std::optional<OrchError> first;
    for (const PairSpec& p : inv.pairs) {
        for (const HostSpec* h : {&p.generator, &p.sink}) {
            if (leaves_alone(*h)) continue;
            try {
                SshSession s(*h);
                const CommandResult r = s.run_script(
                    host_script(), {"unbind", to_string(h->nic->kind), h->nic->value, paths.sysfs_root, paths.state_dir}, 30);
                if (!r.ok()) throw OrchError(exit_code::step_failed, h->label + ": cannot restore its NIC: " + r.failure());
                const HostFacts f = parse_facts(r.out);
                if (f.count("restored") == 0 || f.at("restored") == "none") {
                    out << h->label << ": NIC " << h->nic->value << " was not bound by trafficgen-orch: left as it is\n";
                } else {
                    out << h->label << ": NIC " << f.at("pci") << " back to " << f.at("restored") << "\n";
                }
            } catch (const OrchError& e) {
                out << h->label << ": " << e.what() << "\n";
                if (!first) first = e;
            }
        }
    }
    if (first) throw *first;
}

}  // namespace tg::orch
