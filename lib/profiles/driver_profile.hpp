// The per-NIC profiles of drivers-config/ (one JSON file per driver): the driver to bind,
// EAL arguments, which checksum offloads the NIC really has (SCTP's CRC32c above all),
// and the quirks a user must know. trafficgen and trafficgen-orch both read them. Plain
// C++: no DPDK.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tg::profiles {

struct Offloads {
    bool ipv4_checksum = false;
    bool udp_checksum = false;
    bool tcp_checksum = false;
    bool sctp_crc32c = false;
};

struct DriverProfile {
    std::string name;         // the file's stem: iavf, mlx5, af_xdp, ...
    std::string description;
    std::vector<std::string> kernel_drivers;  // the netdev drivers of such a NIC before binding
    std::string pmd;          // DPDK's driver name for it (rte_eth_dev_info.driver_name)
    std::string bind;         // vfio-pci, or "kernel" (the NIC keeps its kernel driver)
    std::vector<std::string> eal_args;  // {iface} stands for the interface
    Offloads offloads;
    std::vector<std::string> quirks;
    std::string path;
};

class ProfileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// $TG_DRIVERS_CONFIG if set, else where the build installs drivers-config.
[[nodiscard]] std::string default_dir();
// One profile from its text; throws ProfileError naming `path` and the bad field.
[[nodiscard]] DriverProfile parse_profile(const std::string& text, const std::string& path);
// Every *.json of `dir`, by name; throws ProfileError for a bad file or a missing directory.
[[nodiscard]] std::vector<DriverProfile> load_profiles(const std::string& dir);
// The named one; throws ProfileError listing the names there are.
[[nodiscard]] DriverProfile load_profile(const std::string& dir, const std::string& name);

[[nodiscard]] std::optional<DriverProfile> find_by_pmd(const std::vector<DriverProfile>& all, const std::string& pmd);
[[nodiscard]] std::optional<DriverProfile> find_by_kernel_driver(const std::vector<DriverProfile>& all,
                                                                 const std::string& driver);

}  // namespace tg::profiles
