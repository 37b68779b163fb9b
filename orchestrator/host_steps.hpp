// `provision` and `teardown`: what a host needs for a run, and putting it back after.
// provision installs trafficgen if it is missing (the inventory's .deb or .rpm, through
// the host's apt or dnf, which brings its runtime packages), reserves the hugepages,
// loads vfio-pci (turning on the no-IOMMU mode in a guest without a vIOMMU) and sctp, and
// writes trafficgen.conf for the host's role. teardown gives the NICs back to their
// drivers, frees the hugepages, and puts back the settings file: the host as it was.
#pragma once

#include <ostream>
#include <string>

#include "inventory.hpp"
#include "nic_steps.hpp"

namespace tg::orch {

// The settings file a host gets: how trafficgen finds its NIC and cores there, and the
// generator's addresses. `pci` and `iface` are the NIC as the host resolved it.
[[nodiscard]] std::string host_conf(const PairSpec& pair, const HostSpec& host, const std::string& pci,
                                    const std::string& iface);

// Throws OrchError for the first host that fails.
void provision_hosts(const Inventory& inv, const HostPaths& paths, std::ostream& out);
// Every host it can reach; throws OrchError for the first failure, after trying them all.
void teardown_hosts(const Inventory& inv, const HostPaths& paths, std::ostream& out);

}  // namespace tg::orch
