// What goes into each guest: /etc/trafficgen/trafficgen.conf, /etc/trafficgen/environment
// and the cloud-init user-data that installs trafficgen, reserves hugepages, loads
// vfio-pci and sctp, writes those two files and enables the units.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "deploy_settings.hpp"
#include "yaml_text.hpp"

namespace tg::deploy {

// The guest's NIC spec for a role: the one given, else the target's default (KubeVirt:
// the device plugin's variable; libvirt: the pinned guest PCI address).
enum class Target : std::uint8_t { kubevirt, libvirt };
[[nodiscard]] NicSpec guest_nic(const Settings& s, Role r, Target t);

// trafficgen.conf, in trafficgen's settings format (key = value; [sink] for the sink).
[[nodiscard]] std::string trafficgen_conf(const Settings& s, unsigned pair, Role r, const NicSpec& nic);
// The units' EnvironmentFile: the bind driver, and on KubeVirt the device plugin's
// variable with the VF's guest address.
[[nodiscard]] std::string environment_file(const Settings& s, const NicSpec& nic, Target t);
// The services cloud-init enables, in order: the NIC's bind unit (unless not bound), then
// the role's service.
[[nodiscard]] std::vector<std::string> enabled_units(const Settings& s, Role r, const NicSpec& nic);
// #cloud-config user-data.
[[nodiscard]] ordered_json user_data(const Settings& s, unsigned pair, Role r, Target t);
[[nodiscard]] std::string user_data_text(const ordered_json& user_data);

}  // namespace tg::deploy
