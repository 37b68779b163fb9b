// The scripts trafficgen-orch runs on a host, each given on stdin to `sh -s --` with the
// inventory's values as positional arguments (host_scripts.cpp says which).
#pragma once

#include <string>

namespace tg::orch {

// check: KIND VALUE TRAFFICGEN SYSFS -> the host's facts, key=value.
[[nodiscard]] std::string probe_script();
// bind: KIND VALUE DRIVER SYSFS STATE_DIR -> pci, iface, was, bound.
[[nodiscard]] std::string bind_script();
// nic: KIND VALUE SYSFS STATE_DIR -> pci, iface, driver (now), mac: what trafficgen is
// pointed at (its PCI address once bound, else its interface) and where frames go to it.
[[nodiscard]] std::string nic_script();
// provision: HUGEPAGES VFIO(yes|no) SYSFS STATE_DIR ETC_DIR CONF -> hugepages, noiommu,
// vfio_pci, sctp, conf. What it changes it remembers under STATE_DIR for teardown.
[[nodiscard]] std::string provision_script();
// teardown: SYSFS STATE_DIR -> puts back what provision changed (hugepages, no-IOMMU
// mode, the settings file). The NIC is unbind's.
[[nodiscard]] std::string teardown_script();
// unbind: KIND VALUE SYSFS STATE_DIR -> pci, restored.
[[nodiscard]] std::string unbind_script();

}  // namespace tg::orch
