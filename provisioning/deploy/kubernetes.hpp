// The Kubernetes and KubeVirt objects for N pairs: one SR-IOV NetworkAttachmentDefinition
// (Multus), and per pair a sink VirtualMachine, a generator VirtualMachine (each with the
// pod network, an SR-IOV interface and cloud-init NoCloud) and a Service exposing the
// sink on TCP, UDP and SCTP.
#pragma once

#include <vector>

#include "deploy_settings.hpp"
#include "yaml_text.hpp"

namespace tg::deploy {

[[nodiscard]] ordered_json network_attachment(const Settings& s);
[[nodiscard]] ordered_json virtual_machine(const Settings& s, unsigned pair, Role r);
// Port 5201 on TCP, UDP and SCTP under the network workload's names (iperf3-*), and each
// further destination port the generator's flows use, on all three.
[[nodiscard]] ordered_json sink_service(const Settings& s, unsigned pair);

}  // namespace tg::deploy
