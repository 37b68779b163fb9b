#include "traffic/flow_lane.hpp"

#include <cstring>

#include "proto/byte_order.hpp"
#include "proto/checksum.hpp"

namespace tg::traffic {

FlowLane FlowLane::make(const FlowTuple& t, std::uint32_t flow_id) noexcept {
    FlowLane l;
    l.flow_id = flow_id;
    std::uint8_t ports[4];
    proto::store_be16(ports, t.src_port);
    proto::store_be16(ports + 2, t.dst_port);
    std::memcpy(&l.ports_wire, ports, 4);
    l.test_head = proto::test_header_head(flow_id, 0, 0);
    if (t.src.is_v4()) {
        std::memcpy(l.addresses.data(), t.src.v4.bytes.data(), 4);
        std::memcpy(l.addresses.data() + 4, t.dst.v4.bytes.data(), 4);
        l.addr_sum = proto::sum_words<2>(t.src.v4.bytes.data()) + proto::sum_words<2>(t.dst.v4.bytes.data());
    } else {
        std::memcpy(l.addresses.data(), t.src.v6.bytes.data(), 16);
        std::memcpy(l.addresses.data() + 16, t.dst.v6.bytes.data(), 16);
        l.addr_sum = proto::sum_words<8>(t.src.v6.bytes.data()) + proto::sum_words<8>(t.dst.v6.bytes.data());
    }
    l.l4_sum = l.addr_sum + t.src_port + t.dst_port + l.test_head.sum;
    l.sctp_vtag = 0x7467'0000u ^ flow_id;
    return l;
}

}  // namespace tg::traffic
