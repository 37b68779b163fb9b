#include "kubernetes.hpp"

#include "guest_files.hpp"

#include <cctype>
#include <vector>

namespace tg::deploy {

namespace {

ordered_json metadata(const Settings& s, const std::string& name, const ordered_json& labels) {
    ordered_json m;
    m["name"] = name;
    if (!s.namespace_name.empty()) m["namespace"] = s.namespace_name;
    m["labels"] = labels;
    return m;
}

std::string lower(std::string text) {
    for (auto& c : text) c = char(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

ordered_json labels(unsigned pair, Role r) {
    return {{"app.kubernetes.io/name", "trafficgen"}, {"trafficgen.io/pair", pair_label(pair)}, {"trafficgen.io/role", to_string(r)}};
}

}  // namespace

ordered_json network_attachment(const Settings& s) {
    ordered_json cni = {{"cniVersion", "0.3.1"}, {"name", s.sriov_network}, {"type", "sriov"}};
    if (s.vlan >= 0) cni["vlan"] = s.vlan;
    // The guest binds the VF to DPDK and addresses frames itself: no IPAM.
    cni["ipam"] = ordered_json::object();
    ordered_json m = metadata(s, s.sriov_network, {{"app.kubernetes.io/name", "trafficgen"}});
    m["annotations"] = {{"k8s.v1.cni.cncf.io/resourceName", s.sriov_resource}};
    return {{"apiVersion", "k8s.cni.cncf.io/v1"}, {"kind", "NetworkAttachmentDefinition"}, {"metadata", m},
            {"spec", {{"config", cni.dump()}}}};
}

ordered_json virtual_machine(const Settings& s, unsigned pair, Role r) {
    const std::string name = vm_name(s, pair, r);
    ordered_json interfaces = ordered_json::array();
    interfaces.push_back({{"name", "default"}, {"masquerade", ordered_json::object()}});
    interfaces.push_back({{"name", "data"}, {"sriov", ordered_json::object()}, {"macAddress", data_mac(pair, r)}, {"pciAddress", s.guest_pci}});
    ordered_json disks = ordered_json::array();
    disks.push_back({{"name", "rootdisk"}, {"disk", {{"bus", "virtio"}}}});
    disks.push_back({{"name", "cloudinit"}, {"disk", {{"bus", "virtio"}}}});
    ordered_json networks = ordered_json::array();
    networks.push_back({{"name", "default"}, {"pod", ordered_json::object()}});
    const std::string nad = s.namespace_name.empty() ? s.sriov_network : s.namespace_name + "/" + s.sriov_network;
    networks.push_back({{"name", "data"}, {"multus", {{"networkName", nad}}}});
    ordered_json volumes = ordered_json::array();
    volumes.push_back({{"name", "rootdisk"}, {"containerDisk", {{"image", s.image}}}});
    volumes.push_back({{"name", "cloudinit"},
                       {"cloudInitNoCloud", {{"userData", user_data_text(user_data(s, pair, r, Target::kubevirt))}}}});
    ordered_json domain = {{"cpu", {{"cores", s.cpus}}},
                           {"memory", {{"guest", std::to_string(s.memory_mib) + "Mi"}}},
                           {"devices", {{"disks", disks}, {"interfaces", interfaces}}}};
    ordered_json spec = {{"runStrategy", "Always"},
                         {"template",
                          {{"metadata", {{"labels", labels(pair, r)}}},
                           {"spec", {{"domain", domain}, {"networks", networks}, {"volumes", volumes}}}}}};
    return {{"apiVersion", "kubevirt.io/v1"}, {"kind", "VirtualMachine"}, {"metadata", metadata(s, name, labels(pair, r))},
            {"spec", spec}};
}

ordered_json sink_service(const Settings& s, unsigned pair) {
    // 5201 under the network workload's names (iperf3-tcp), the flows' other ports as tg-tcp-5202.
    std::vector<unsigned> numbers = {5201};
    for (unsigned p = s.data_port; p < s.data_port + s.flows; ++p) {
        if (p != 5201) numbers.push_back(p);
    }
    ordered_json ports = ordered_json::array();
    for (unsigned p : numbers) {
        for (const char* proto : {"TCP", "UDP", "SCTP"}) {
            const std::string name = p == 5201 ? "iperf3-" + lower(proto) : "tg-" + lower(proto) + "-" + std::to_string(p);
            ports.push_back({{"name", name}, {"port", p}, {"protocol", proto}, {"targetPort", p}});
        }
    }
    ordered_json selector = {{"trafficgen.io/pair", pair_label(pair)}, {"trafficgen.io/role", "sink"}};
    return {{"apiVersion", "v1"}, {"kind", "Service"}, {"metadata", metadata(s, vm_name(s, pair, Role::sink), labels(pair, Role::sink))},
            {"spec", {{"type", "ClusterIP"}, {"selector", selector}, {"ports", ports}}}};
}

}  // namespace tg::deploy
