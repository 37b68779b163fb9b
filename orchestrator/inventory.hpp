// The inventory: which VM pairs to drive and how to reach them (a JSON file).
//
//   {
//     "defaults": {"user": "root", "port": 22, "key": "/root/.ssh/id_ed25519",
//                  "known_hosts": "/root/.ssh/known_hosts"},
//     "pairs": [{
//       "name": "pair1",
//       "generator": {"address": "192.0.2.10", "nic": {"pci": "0000:03:00.0"},
//                     "data_ip": "198.18.0.1", "lcores": "0@1,1@2", "hugepages": 512},
//       "sink":      {"address": "192.0.2.11", "nic": {"iface": "eth1"}, "data_ip": "198.19.0.1"}
//     }],
//     "run": {"args": ["--proto", "udp", "--rate", "1gbps"], "duration": 10},
//     "search": {"args": ["--sizes", "64,512,1518", "--final-duration", "10"], "limit": 3600}
//   }
//
// A host's NIC is given by PCI address, by kernel interface name, or as the name of the
// SR-IOV device plugin's environment variable that holds the VF's PCI address
// ({"sriov_env": "PCIDEVICE_INTEL_COM_SRIOV_NETDEVICE"}). Host keys are checked strictly
// unless a host says "strict_host_keys": false. Every value is checked here; a bad one is
// refused in one sentence that names it and what would be accepted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tg::orch {

struct NicSpec {
    enum class Kind { pci, iface, sriov_env };
    Kind kind = Kind::pci;
    std::string value;
    // What `bind` binds it to; "kernel" leaves it with its own driver (trafficgen then
    // drives its interface through af_xdp or af_packet, or mlx5 through its kernel driver).
    // Not given: what the drivers-config profile of the NIC's driver says, else vfio-pci.
    std::string driver = "vfio-pci";
    bool driver_given = false;
};

[[nodiscard]] const char* to_string(NicSpec::Kind k) noexcept;

struct HostSpec {
    std::string label;  // "pair1 generator", for messages
    std::string address;
    std::uint16_t port = 22;
    std::string user = "root";
    std::string key;          // private key file, on this host
    std::string known_hosts;  // on this host
    bool strict_host_keys = true;
    double connect_timeout_s = 10;
    std::optional<NicSpec> nic;
    std::string data_ip;     // its address on the data plane
    std::string lcores;      // trafficgen --lcores
    std::uint32_t hugepages = 0;  // 2 MB pages to reserve (0: leave as they are)
    std::string trafficgen = "trafficgen";  // the program on that host
    std::string package;                     // a .deb or .rpm on this host that `provision` installs if it is missing
    std::vector<std::string> args;           // more trafficgen arguments for this host
};

struct PairSpec {
    std::string name;
    HostSpec generator;
    HostSpec sink;
};

struct RunSpec {
    std::vector<std::string> args;  // the generator's traffic arguments
    double duration_s = 10;
};

// `trafficgen-orch search`: the arguments of `trafficgen search` on each generator (its
// sink counts, asked in-band), and how long a pair's search may take at most.
struct SearchSpec {
    std::vector<std::string> args;
    double limit_s = 3600;
};

struct Inventory {
    std::string path;
    std::vector<PairSpec> pairs;
    RunSpec run;
    SearchSpec search;
};

// Reads and checks an inventory; throws OrchError (bad_input) with one sentence.
[[nodiscard]] Inventory load_inventory(const std::string& path);
// The same from text already read (`path` names it in messages).
[[nodiscard]] Inventory parse_inventory(const std::string& text, const std::string& path);

}  // namespace tg::orch
