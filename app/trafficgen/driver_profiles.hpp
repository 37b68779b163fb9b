// The drivers-config profile of a run (profiles/driver_profile.hpp): the one named with
// --driver-profile, else the one whose DPDK driver the port turned out to be. It adds its
// EAL arguments (a named one, to a --pci port), keeps the checksum offloads the NIC is
// known to lack in software, logs the NIC's quirks, and goes into the report.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "options.hpp"
#include "profiles/driver_profile.hpp"

namespace tg::app {

// --driver-profile NAME, read; throws ConfigError naming it when there is none such.
[[nodiscard]] std::optional<profiles::DriverProfile> named_profile(const Options& o);
// The named one, else the profile of DPDK driver `pmd` if drivers-config has one.
[[nodiscard]] std::optional<profiles::DriverProfile> port_profile(const Options& o, const std::string& pmd,
                                                                  const std::optional<profiles::DriverProfile>& named);
// Its EAL arguments with {iface} filled in.
[[nodiscard]] std::vector<std::string> profile_eal_args(const profiles::DriverProfile& p, const Options& o);
// Whether the profile lets the NIC compute the checksums of IP protocol `ipproto`.
[[nodiscard]] bool profile_allows_offload(const std::optional<profiles::DriverProfile>& p, std::uint8_t ipproto, bool ipv6);
[[nodiscard]] nlohmann::json profile_json(const profiles::DriverProfile& p, bool named);

}  // namespace tg::app
