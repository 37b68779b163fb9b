// What trafficgen-deploy is told: how many VM pairs, how their guests get trafficgen and
// their NIC, and the traffic (the network workload's five settings, with its defaults).
// Every pair's addresses follow from its number, so that each file can be rendered alone.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tg::deploy {

enum class Role : std::uint8_t { sink, generator };
[[nodiscard]] const char* to_string(Role r) noexcept;

// How a guest names its data NIC (trafficgen-nic@KIND:VALUE.service).
struct NicSpec {
    std::string kind;   // pci, iface (a kernel interface, driven through af_xdp; not bound) or sriov_env
    std::string value;  // address, interface name, or the device plugin's variable
    [[nodiscard]] std::string to_string() const { return kind + ":" + value; }
    [[nodiscard]] static NicSpec parse(const std::string& text, const std::string& what);
};

struct Settings {
    unsigned pairs = 1;
    std::string out_dir;
    std::string name = "trafficgen";  // VMs are NAME-01-sink, NAME-01-generator, ...
    std::string namespace_name;       // Kubernetes namespace ("": the objects name none)

    // The guest.
    std::string package = "trafficgen";  // an apt package name, or the URL of a .deb
    std::string apt_source;              // a sources.list line for the package, if any
    unsigned hugepages = 512;            // 2 MB pages reserved in each guest
    std::string bind_driver = "vfio-pci";  // what the data NIC is bound to ("none": left as it is)
    NicSpec generator_nic;               // default: per target (sriov_env on KubeVirt, pci for libvirt)
    NicSpec sink_nic;
    // Where the data NIC sits in the guest: KubeVirt's pciAddress of the SR-IOV interface,
    // libvirt's <address> of the hostdev; what the guest's NIC spec names by default.
    std::string guest_pci = "0000:00:10.0";

    // Traffic: the network workload's names and defaults.
    std::string protocols = "tcp";
    std::string udp_bandwidth = "100M";
    std::string udp_packet_size = "1400";
    std::string sctp_streams = "4";
    std::string protocol_duration = "300";
    unsigned flows = 4;            // as iperf3 -P 4 in the network workload
    unsigned data_port = 5201;     // the first destination port; flows use data_port..+flows-1
    std::vector<std::pair<std::string, std::string>> generator_extra;  // more trafficgen.conf keys
    std::vector<std::pair<std::string, std::string>> sink_extra;

    // KubeVirt.
    std::string image = "quay.io/containerdisks/debian:12";
    std::string sriov_resource = "intel.com/sriov_netdevice";
    std::string sriov_network = "trafficgen-sriov";
    int vlan = -1;
    unsigned cpus = 4;
    unsigned memory_mib = 4096;

    // libvirt.
    std::string libvirt_images = "/var/lib/libvirt/images";  // NAME.qcow2 and NAME-seed.iso there
    std::string libvirt_network = "default";                  // management network
    std::string vf_network;                                    // a libvirt hostdev network (a VF pool)
    std::vector<std::string> hostdevs;                         // or host PCI addresses, two per pair
};

// The device plugin's variable for a resource: intel.com/sriov_netdevice ->
// PCIDEVICE_INTEL_COM_SRIOV_NETDEVICE.
[[nodiscard]] std::string device_plugin_variable(const std::string& resource);

// Per pair (1-based) and role.
[[nodiscard]] std::string vm_name(const Settings& s, unsigned pair, Role r);
[[nodiscard]] std::string pair_label(unsigned pair);  // "01"
[[nodiscard]] std::string data_mac(unsigned pair, Role r);
[[nodiscard]] std::string data_ip(unsigned pair, Role r);

// Throws OrchError(bad_input) naming the first value that cannot be used.
void check(const Settings& s);

}  // namespace tg::deploy
