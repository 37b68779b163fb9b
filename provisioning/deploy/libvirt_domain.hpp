// libvirt domain XML for lab rigs: a q35 guest with host-passthrough CPU (DPDK wants the
// host's instruction set and invariant TSC), a qcow2 root disk, the cloud-init seed as a
// CD-ROM, a management NIC, and the data NIC either passed through (hostdev) or taken
// from a libvirt VF pool network, at the guest PCI address the guest's settings name.
#pragma once

#include <string>

#include "deploy_settings.hpp"

namespace tg::deploy {

[[nodiscard]] std::string domain_xml(const Settings& s, unsigned pair, Role r);
// The VF pool network (forward mode hostdev over the PF), when --pf names one.
[[nodiscard]] std::string vf_network_xml(const Settings& s, const std::string& pf);
// meta-data of the NoCloud seed.
[[nodiscard]] std::string meta_data(const Settings& s, unsigned pair, Role r);

}  // namespace tg::deploy
