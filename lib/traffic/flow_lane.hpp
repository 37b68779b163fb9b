// One flow as the generator's data path sees it: what the flow puts in every packet,
// worked out once when the run starts, and how far its sequences have got. A burst
// loop reads one lane per packet and writes no more than the lane's own counters.
#pragma once

#include <array>
#include <cstdint>

#include "proto/test_header.hpp"
#include "traffic/flows.hpp"
#include "traffic/protocol.hpp"

namespace tg::traffic {

struct FlowLane {
    // Fixed for the run.
    std::array<std::uint8_t, 32> addresses{};  // source then destination: 4 + 4 or 16 + 16 bytes
    std::uint32_t flow_id = 0;
    std::uint32_t ports_wire = 0;     // source and destination port as on the wire, in memory order
    proto::TestHeaderHead test_head;  // stream 0, no flags
    std::uint32_t addr_sum = 0;       // one's-complement partial sum of both addresses
    std::uint32_t l4_sum = 0;         // addr_sum + ports + test head: the flow's share of a UDP/TCP checksum
    std::uint32_t sctp_vtag = 0;      // a stateless association per flow: its tag comes from the flow id
    // Progress.
    std::array<std::uint32_t, protocol_count> seq{};  // packets sent per protocol (SCTP counts per stream)
    std::uint32_t tcp_seq = 0;           // next TCP sequence number
    std::uint32_t sctp_tsn = 0;          // next SCTP TSN
    std::uint16_t sctp_next_stream = 0;

    [[nodiscard]] static FlowLane make(const FlowTuple& t, std::uint32_t flow_id) noexcept;
};

}  // namespace tg::traffic
