#include "guest_files.hpp"

#include <algorithm>

#include "orch_error.hpp"

namespace tg::deploy {

namespace {

constexpr const char* conf_path = "/etc/trafficgen/trafficgen.conf";
constexpr const char* env_path = "/etc/trafficgen/environment";
constexpr const char* sysctl_path = "/etc/sysctl.d/80-trafficgen-hugepages.conf";
constexpr const char* modules_path = "/etc/modules-load.d/trafficgen.conf";

// A settings value, quoted as trafficgen's settings file reads it.
std::string value(const std::string& key, const std::string& v) {
    if (v.find_first_of("\"\n\r\\") != std::string::npos) {
        std::string shown;
        for (char ch : v) shown += ch == '\n' ? std::string("\\n") : ch == '\r' ? std::string("\\r") : std::string(1, ch);
        throw orch::OrchError(orch::exit_code::bad_input,
                              "the value of " + key + " ('" + shown + "') has a quote, backslash or line break: give it without");
    }
    return key + " = \"" + v + "\"\n";
}

std::string port_key(const NicSpec& nic) {
    if (nic.kind == "pci") return value("pci", nic.value);
    if (nic.kind == "iface") return value("iface", nic.value);
    return value("pci-env", nic.value);
}

}  // namespace

NicSpec guest_nic(const Settings& s, Role r, Target t) {
    const NicSpec& given = r == Role::sink ? s.sink_nic : s.generator_nic;
    if (!given.kind.empty()) return given;
    if (t == Target::kubevirt) return {"sriov_env", device_plugin_variable(s.sriov_resource)};
    return {"pci", s.guest_pci};
}

std::string trafficgen_conf(const Settings& s, unsigned pair, Role r, const NicSpec& nic) {
    std::string c = "# trafficgen.conf of " + vm_name(s, pair, r) + ", rendered by trafficgen-deploy.\n";
    c += r == Role::sink ? "# Read by trafficgen-sink.service (`trafficgen sink`); `trafficgen --help` lists the keys.\n"
                         : "# Read by trafficgen-generator.service. The network workload's settings (network-*)\n"
                           "# keep its names, defaults and meaning; `trafficgen --help` lists the other keys.\n";
    c += port_key(nic);
    if (s.hugepages > 0 && nic.kind != "iface") c += "hugepages = true\n";
    if (r == Role::generator) {
        c += value("src-ip", data_ip(pair, Role::generator));
        c += value("dst-ip", data_ip(pair, Role::sink));
        c += value("dst-mac", data_mac(pair, Role::sink));
        const unsigned last = s.data_port + s.flows - 1;
        c += value("dst-port", s.flows == 1 ? std::to_string(s.data_port)
                                            : std::to_string(s.data_port) + "-" + std::to_string(last));
        c += "flows = " + std::to_string(s.flows) + "\n";
        c += "stats-interval = 10\n";
        c += value("network-protocols", s.protocols);
        c += value("network-udp-bandwidth", s.udp_bandwidth);
        c += value("network-udp-packet-size", s.udp_packet_size);
        c += value("network-sctp-streams", s.sctp_streams);
        c += value("network-protocol-duration", s.protocol_duration);
        for (const auto& [k, v] : s.generator_extra) c += value(k, v);
    } else {
        c += "stats-interval = 10\n";
        // The sink's own options go in [sink], the port's and the others above it.
        // Its data address: it answers ARP, neighbour discovery and ping for it.
        const bool ip_given = std::any_of(s.sink_extra.begin(), s.sink_extra.end(), [](const auto& kv) { return kv.first == "ip"; });
        std::string section = ip_given ? "" : value("ip", data_ip(pair, Role::sink));
        for (const auto& [k, v] : s.sink_extra) {
            const bool own = k == "max-streams" || k == "shared-clock" || k == "reflect" || k == "idle-timeout" || k == "ip";
            (own ? section : c) += value(k, v);
        }
        if (!section.empty()) c += "\n[sink]\n" + section;
    }
    return c;
}

std::string environment_file(const Settings& s, const NicSpec& nic, Target t) {
    std::string e = "# The environment of the trafficgen units (EnvironmentFile=), rendered by trafficgen-deploy.\n";
    if (s.bind_driver != "none") e += "TRAFFICGEN_BIND_DRIVER=" + s.bind_driver + "\n";
    if (nic.kind == "sriov_env" && t == Target::kubevirt) {
        e += "# The SR-IOV device plugin sets " + nic.value +
             " in the VM's virt-launcher pod, with the VF's host\n"
             "# address; in the guest the VF sits where the VirtualMachine pins it (pciAddress).\n";
        e += nic.value + "=" + s.guest_pci + "\n";
    }
    return e;
}

std::vector<std::string> enabled_units(const Settings& s, Role r, const NicSpec& nic) {
    std::vector<std::string> units;
    if (s.bind_driver != "none" && nic.kind != "iface") units.push_back("trafficgen-nic@" + nic.to_string() + ".service");
    units.push_back(r == Role::sink ? "trafficgen-sink.service" : "trafficgen-generator.service");
    return units;
}

ordered_json user_data(const Settings& s, unsigned pair, Role r, Target t) {
    const NicSpec nic = guest_nic(s, r, t);
    ordered_json u;
    u["hostname"] = vm_name(s, pair, r);
    if (!s.apt_source.empty()) u["apt"] = {{"sources", {{"trafficgen", {{"source", s.apt_source}}}}}};
    const bool from_url = s.package.find("://") != std::string::npos;
    u["package_update"] = true;
    u["packages"] = from_url ? ordered_json::array({"curl"}) : ordered_json::array({s.package});
    ordered_json files = ordered_json::array();
    files.push_back({{"path", conf_path}, {"permissions", "0644"}, {"content", trafficgen_conf(s, pair, r, nic)}});
    files.push_back({{"path", env_path}, {"permissions", "0644"}, {"content", environment_file(s, nic, t)}});
    if (s.hugepages > 0) {
        files.push_back({{"path", sysctl_path},
                         {"permissions", "0644"},
                         {"content", "# 2 MB hugepages for trafficgen (DPDK)\nvm.nr_hugepages = " + std::to_string(s.hugepages) + "\n"}});
    }
    files.push_back({{"path", modules_path},
                     {"permissions", "0644"},
                     {"content", "# trafficgen: the NIC's DPDK driver, and SCTP for kernel peers\n" +
                                     (s.bind_driver == "none" ? std::string() : s.bind_driver + "\n") + "sctp\n"}});
    u["write_files"] = files;
    ordered_json run = ordered_json::array();
    if (from_url) {
        run.push_back({"sh", "-c",
                       "curl -fsSL --retry 5 -o /var/cache/trafficgen.deb \"$1\" && apt-get install -y /var/cache/trafficgen.deb",
                       "install-trafficgen", s.package});
    }
    if (s.hugepages > 0) run.push_back({"sysctl", "--load", sysctl_path});
    // Hardened images may blacklist sctp: trafficgen's own SCTP does not need the module.
    run.push_back({"sh", "-c", "modprobe sctp || echo 'trafficgen: sctp not loaded; kernel SCTP peers need it'"});
    // The bind unit loads vfio-pci, in no-IOMMU mode where the guest has no vIOMMU.
    run.push_back({"systemctl", "daemon-reload"});
    ordered_json enable = {"systemctl", "enable", "--now"};
    for (const auto& unit : enabled_units(s, r, nic)) enable.push_back(unit);
    run.push_back(enable);
    u["runcmd"] = run;
    return u;
}

std::string user_data_text(const ordered_json& user_data) { return "#cloud-config\n---\n" + to_yaml(user_data); }

}  // namespace tg::deploy
