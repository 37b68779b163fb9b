// The script trafficgen-orch runs on a host (provisioning/trafficgen-host), given on stdin
// to `sh -s --` with a command and the inventory's values as positional arguments:
//   probe KIND VALUE TRAFFICGEN SYSFS       -> the host's facts, key=value
//   bind KIND VALUE DRIVER SYSFS STATE_DIR  -> pci, iface, was, bound
//   nic KIND VALUE SYSFS STATE_DIR          -> pci, iface, driver (now), mac: what trafficgen
//                                              is pointed at and where frames go to it
//   provision HUGEPAGES VFIO(yes|no) SYSFS STATE_DIR ETC_DIR CONF
//                                           -> hugepages, noiommu, vfio_pci, sctp, conf;
//                                              what it changes it remembers for teardown
//   teardown SYSFS STATE_DIR                -> puts back hugepages, no-IOMMU mode, settings
//   unbind KIND VALUE SYSFS STATE_DIR       -> pci, restored
#pragma once

#include <string>

namespace tg::orch {

[[nodiscard]] const std::string& host_script();

}  // namespace tg::orch
