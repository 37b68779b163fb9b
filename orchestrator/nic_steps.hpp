// `bind` and `unbind`: each host's data-plane NIC to the driver the inventory names
// (vfio-pci by default) through driver_override, and back to the driver it had. The
// original driver is remembered on the host (a state file under --state-dir), so that
// `unbind` restores it from any later invocation, and a NIC bound twice keeps the first
// record. A NIC whose driver is "kernel" is left alone (af_xdp, af_packet).
#pragma once

#include <ostream>
#include <string>

#include "inventory.hpp"
#include "profiles/driver_profile.hpp"

namespace tg::orch {

// Where the steps act on a host; a test points them at trees it made.
struct HostPaths {
    std::string sysfs_root = "/sys";
    std::string state_dir = "/run/trafficgen";  // what the steps changed, to put it back
    std::string etc_dir = "/etc/trafficgen";    // trafficgen.conf
};

// Binds every host's NIC; throws OrchError (step_failed) for the first that fails. A NIC
// whose inventory entry names no driver gets the one the profile of its current driver
// says (`profiles`, drivers-config), else vfio-pci.
void bind_nics(const Inventory& inv, const HostPaths& paths, std::ostream& out,
               const std::vector<profiles::DriverProfile>& profiles = {});
// Restores every host's NIC it can; throws OrchError for the first that failed, after
// trying them all.
void unbind_nics(const Inventory& inv, const HostPaths& paths, std::ostream& out);

}  // namespace tg::orch
