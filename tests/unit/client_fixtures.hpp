// What the tests of the generator's client sets (request/response, TCP_CRR) build them
// from: flows from the benchmarking ranges to port 5201, and the MACs of a made-up wire.
#pragma once

#include <cstdint>

#include "proto/build.hpp"
#include "traffic/flows.hpp"

namespace tg::testing {

inline traffic::FlowSet client_flows(std::uint32_t n, const char* source_ports) {
    return traffic::FlowSet(traffic::IpRange::parse("198.18.0.1", "src"), traffic::IpRange::parse("198.19.0.1", "dst"),
                            traffic::PortRange::parse(source_ports, "sport"), traffic::PortRange::parse("5201", "dport"), n);
}

inline proto::L2Spec client_l2() {
    proto::L2Spec l;
    l.src = proto::MacAddress{{0x02, 0, 0, 0, 0, 0x01}};
    l.dst = proto::MacAddress{{0x02, 0, 0, 0, 0, 0x02}};
    return l;
}

}  // namespace tg::testing
