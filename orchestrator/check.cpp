#include "check.hpp"

#include <algorithm>
#include <sstream>

#include "orch_error.hpp"
#include "host_scripts.hpp"
#include "ssh.hpp"

namespace tg::orch {

namespace {

std::string get(const HostFacts& f, const std::string& k) {
    const auto it = f.find(k);
    return it == f.end() ? "" : it->second;
}

std::uint64_t number(const HostFacts& f, const std::string& k) {
    try {
        return std::stoull(get(f, k));
    } catch (...) {
        return 0;
    }
}

const char* level_name(CheckNote::Level l) {
    switch (l) {
        case CheckNote::Level::info: return "info";
        case CheckNote::Level::warning: return "warning";
        case CheckNote::Level::error: return "error";
    }
    return "?";
}

}  // namespace

HostFacts parse_facts(const std::string& probe_output) {
    HostFacts f;
    std::istringstream in(probe_output);
    for (std::string line; std::getline(in, line);) {
        const auto eq = line.find('=');
        if (eq == std::string::npos || eq == 0) continue;
        f[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return f;
}

profiles::MemoryPlan run_memory(const HostSpec& host, const HostFacts& f,
                               const std::vector<profiles::DriverProfile>& profiles) {
    // trafficgen gets --pci when the NIC is (or `bind` makes it) a DPDK-bound device.
    const auto dpdk_bound = [](const std::string& d) { return d == "vfio-pci" || d == "uio_pci_generic" || d == "igb_uio"; };
    std::string bind = host.nic ? host.nic->driver : "";
    if (host.nic && !host.nic->driver_given) {
        if (const auto p = profiles::find_by_kernel_driver(profiles, get(f, "nic_driver"))) bind = p->bind;
    }
    const bool pci = host.nic && host.nic->driver != "kernel" && (dpdk_bound(bind) || dpdk_bound(get(f, "nic_driver")));
    profiles::HostMemory m;
    m.hugepages_2m_free = std::max<std::uint64_t>(number(f, "hugepages_2m_free"), host.hugepages);
    m.hugepages_1g_free = number(f, "hugepages_1g_free");
    m.hugetlbfs_mounted = get(f, "hugetlbfs") == "mounted" || host.hugepages > 0;  // provision mounts it
    m.iommu = number(f, "iommu_groups") > 0;
    const std::string address = get(f, "nic_pci").empty() && host.nic ? host.nic->value : get(f, "nic_pci");
    return profiles::plan_memory(m, profiles::MemoryRequest::automatic, pci ? address : "", false, 512);
}

std::vector<CheckNote> judge(const HostSpec& host, const HostFacts& f, const std::vector<profiles::DriverProfile>& profiles) {
    using L = CheckNote::Level;
    std::vector<CheckNote> notes;
    auto note = [&](L level, std::string text) { notes.push_back({level, std::move(text)}); };

    if (get(f, "trafficgen") == "missing" || get(f, "trafficgen").empty()) {
        note(L::error, "trafficgen is not installed (no '" + host.trafficgen +
                           "' on the host): run `trafficgen-orch provision`, or give its path as \"trafficgen\"");
    }
    if (host.nic) {
        const NicSpec& n = *host.nic;
        if (n.kind == NicSpec::Kind::sriov_env && get(f, "sriov_env_value").empty()) {
            note(L::error, "the SR-IOV device plugin's variable " + n.value +
                               " is not set on the host: is the VF attached to this VM or pod?");
        } else if (get(f, "nic_present") == "no") {
            note(L::error, std::string("the NIC ") + (n.kind == NicSpec::Kind::iface ? "interface " : "") + n.value +
                               (get(f, "nic_pci").empty() || n.kind == NicSpec::Kind::pci ? "" : " (" + get(f, "nic_pci") + ")") +
                               " is not on the host");
        }
        const std::string sctp = get(f, "offload_tx_sctp");
        if (!get(f, "nic_iface").empty() && sctp != "on") {
            note(L::warning, "the NIC does not compute SCTP's CRC32c (tx-checksum-sctp " + (sctp.empty() ? "absent" : sctp) +
                                 "): trafficgen computes it in software, so SCTP rates are lower than UDP's and TCP's");
        }
    }
    if (const auto p = profiles::find_by_kernel_driver(profiles, get(f, "nic_driver"))) {
        note(L::info, "drivers-config profile " + p->name + ": bind to " + p->bind + ", SCTP CRC32c offload " +
                          (p->offloads.sctp_crc32c ? "yes" : "no (computed in software)"));
        for (const auto& q : p->quirks) note(L::info, p->name + ": " + q);
    }
    const std::string clock = get(f, "clocksource");
    if (!clock.empty() && clock != "tsc") {
        note(L::warning, "the clock source is " + clock +
                             ", not tsc: reading the time costs more, and latency percentiles are coarser");
    }
    const std::string tsc = get(f, "tsc_flags");
    if (tsc.find("constant_tsc") == std::string::npos || tsc.find("nonstop_tsc") == std::string::npos) {
        note(L::warning, "the TSC is not invariant (CPU flags: " + (tsc.empty() ? std::string("none") : tsc) +
                             "): rates and latencies measured on it may drift; give the VM an invariant TSC");
    }
    const std::uint64_t huge = number(f, "hugepages_2m"), huge_1g = number(f, "hugepages_1g");
    if (host.hugepages > 0 && huge < host.hugepages) {
        note(L::warning, std::to_string(huge) + " hugepages of 2 MB reserved, the inventory asks for " +
                             std::to_string(host.hugepages) + ": run `trafficgen-orch provision`");
    } else if (huge == 0 && huge_1g == 0) {
        note(L::warning, "no hugepages reserved: trafficgen runs without them (--no-huge), with fewer mbufs and "
                         "lower rates; give \"hugepages\" and run `trafficgen-orch provision`");
    }
    if (const profiles::MemoryPlan m = run_memory(host, f, profiles); !m.refusal.empty()) {
        note(L::error, "trafficgen will refuse to start: " + m.refusal);
    }
    const bool vfio = host.nic && host.nic->driver == "vfio-pci";
    if (vfio && number(f, "iommu_groups") == 0 && get(f, "noiommu") != "Y") {
        note(L::warning, "no IOMMU and vfio's no-IOMMU mode is off: vfio-pci cannot take the NIC (a guest without a "
                         "vIOMMU needs enable_unsafe_noiommu_mode, which `provision` sets)");
    }
    if (vfio && get(f, "vfio_pci") == "absent") note(L::error, "the vfio-pci module is not on the host: `bind` cannot work");
    if (get(f, "sctp") == "absent") {
        note(L::info, "the kernel has no sctp module: trafficgen's own SCTP works over DPDK, but kernel SCTP peers "
                      "cannot run here");
    }
    const std::string nic_node = get(f, "nic_numa_node");
    if (number(f, "numa_nodes") > 1 && !nic_node.empty() && nic_node != "-1") {
        note(L::info, "the NIC sits on NUMA node " + nic_node + ": give \"lcores\" on that node");
    }
    return notes;
}

std::vector<HostCheck> check_hosts(const Inventory& inv, const std::string& sysfs_root,
                                   const std::vector<profiles::DriverProfile>& profiles) {
    std::vector<HostCheck> out;
    for (const PairSpec& p : inv.pairs) {
        for (const HostSpec* h : {&p.generator, &p.sink}) {
            HostCheck c;
            c.host = h;
            try {
                SshSession s(*h);
                c.reached = true;
                const std::string kind = h->nic ? to_string(h->nic->kind) : "none";
                const std::string value = h->nic ? h->nic->value : "";
                const CommandResult r = s.run_script(host_script(), {"probe", kind, value, h->trafficgen, sysfs_root}, 30);
                if (!r.ok()) {
                    c.notes.push_back({CheckNote::Level::error, "the probe failed on the host (exit " +
                                                                    std::to_string(r.exit_status) + "): " + r.err});
                }
                c.facts = parse_facts(r.out);
                for (auto& n : judge(*h, c.facts, profiles)) c.notes.push_back(std::move(n));
            } catch (const OrchError& e) {
                c.error_code = e.code();
                c.notes.push_back({CheckNote::Level::error, e.what()});
            }
            out.push_back(std::move(c));
        }
    }
    return out;
}

namespace {

nlohmann::json memory_json(const profiles::MemoryPlan& m) {
    if (!m.refusal.empty()) return {{"refused", m.refusal}};
    return {{"hugepages", m.hugepages}, {"why", m.why}};
}

}  // namespace

std::string check_text(const std::vector<HostCheck>& checks) {
    std::ostringstream o;
    for (const HostCheck& c : checks) {
        const HostFacts& f = c.facts;
        o << c.host->label << " (" << c.host->user << "@" << c.host->address << ":" << c.host->port << ")\n";
        if (c.reached) {
            o << "  kernel " << get(f, "kernel") << ", " << get(f, "cpus") << " CPUs (" << get(f, "cpu_model") << "), "
              << get(f, "numa_nodes") << " NUMA node(s)\n";
            o << "  clock source " << get(f, "clocksource") << ", TSC " << (get(f, "tsc_flags").empty() ? "-" : get(f, "tsc_flags")) << "\n";
            if (c.host->nic) {
                o << "  NIC " << c.host->nic->value << ": PCI " << (get(f, "nic_pci").empty() ? "-" : get(f, "nic_pci"))
                  << ", driver " << (get(f, "nic_driver").empty() ? "-" : get(f, "nic_driver")) << ", interface "
                  << (get(f, "nic_iface").empty() ? "-" : get(f, "nic_iface")) << ", NUMA node "
                  << (get(f, "nic_numa_node").empty() ? "-" : get(f, "nic_numa_node")) << "\n";
                o << "  offloads: SCTP CRC32c " << (get(f, "offload_tx_sctp").empty() ? "-" : get(f, "offload_tx_sctp"))
                  << ", IP/L4 checksums " << (get(f, "offload_tx_ip").empty() ? get(f, "offload_tx_ipv4") : get(f, "offload_tx_ip"))
                  << ", RX checksums " << get(f, "offload_rx") << "\n";
            }
            o << "  IOMMU groups " << get(f, "iommu_groups") << ", noiommu " << (get(f, "noiommu").empty() ? "-" : get(f, "noiommu"))
              << "; hugepages 2 MB " << get(f, "hugepages_2m") << " (free " << get(f, "hugepages_2m_free") << "), 1 GB "
              << (get(f, "hugepages_1g").empty() ? "0" : get(f, "hugepages_1g")) << "\n";
            o << "  modules: sctp " << get(f, "sctp") << ", vfio-pci " << get(f, "vfio_pci") << "; trafficgen "
              << get(f, "trafficgen") << "\n";
            const profiles::MemoryPlan m = run_memory(*c.host, f);
            if (m.refusal.empty()) o << "  memory: a run takes " << (m.hugepages ? "hugepages" : "no hugepages") << " (" << m.why << ")\n";
        }
        for (const CheckNote& n : c.notes) o << "  " << level_name(n.level) << ": " << n.text << "\n";
    }
    return o.str();
}

nlohmann::json check_json(const std::vector<HostCheck>& checks) {
    nlohmann::json hosts = nlohmann::json::array();
    for (const HostCheck& c : checks) {
        nlohmann::json notes = nlohmann::json::array();
        for (const CheckNote& n : c.notes) notes.push_back({{"level", level_name(n.level)}, {"text", n.text}});
        hosts.push_back({{"host", c.host->label},
                         {"address", c.host->address},
                         {"port", c.host->port},
                         {"reached", c.reached},
                         {"facts", c.facts},
                         {"memory", memory_json(run_memory(*c.host, c.facts))},
                         {"notes", notes}});
    }
    return {{"schema", "trafficgen.orch.check"}, {"schema_version", 1}, {"hosts", hosts}};
}

int check_exit_code(const std::vector<HostCheck>& checks) {
    int code = exit_code::ok;
    for (const HostCheck& c : checks) {
        if (c.error_code != 0) return c.error_code == exit_code::bad_input ? exit_code::bad_input : exit_code::unreachable;
        for (const CheckNote& n : c.notes) {
            if (n.level == CheckNote::Level::error) code = exit_code::step_failed;
        }
    }
    return code;
}

}  // namespace tg::orch
