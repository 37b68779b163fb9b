// A catalogue of frames built with the protocol library: every protocol, IPv4 and IPv6,
// untagged, 802.1Q and QinQ, at several sizes. Each frame carries what was asked of the
// builder, so that a judge (tshark, the parser) can be held against it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "proto/address.hpp"

namespace tg::testing {

struct SampleFrame {
    std::string name;
    std::vector<std::uint8_t> bytes{};

    // What the builder was asked for.
    std::string l4;  // "udp", "tcp", "sctp", "icmp", "arp"
    bool ipv6 = false;
    std::vector<std::uint16_t> vlan_ids;    // outer first
    std::vector<std::uint16_t> vlan_tpids;  // 0x88a8 service tag or 0x8100 customer tag
    proto::IpAddress src{};
    proto::IpAddress dst{};
    std::uint16_t src_port = 0;
    std::uint16_t dst_port = 0;
    std::uint32_t l3_offset = 0;
    std::uint32_t l4_offset = 0;
    std::uint32_t l4_length = 0;
    std::uint32_t payload_length = 0;

    // IP
    std::uint8_t ipv4_option = 0;  // type of the one IPv4 option, if any
    std::uint32_t ipv6_flow_label = 0;
    // TCP
    std::uint32_t tcp_seq = 0;
    std::uint16_t tcp_mss = 0;
    std::uint8_t tcp_window_scale = 0;
    std::uint32_t tcp_tsval = 0;
    // SCTP
    std::uint32_t sctp_vtag = 0;
    std::uint8_t sctp_chunk_type = 0;
    std::uint32_t sctp_tsn = 0;
    std::uint16_t sctp_stream = 0;
    std::uint16_t sctp_ssn = 0;
    // ICMP
    std::uint16_t icmp_id = 0;
    std::uint16_t icmp_seq = 0;
};

// Frame sizes (without FCS) the catalogue asks for, where the protocol can reach them.
inline constexpr std::uint32_t sample_sizes[] = {60, 128, 512, 1514};

[[nodiscard]] std::vector<SampleFrame> make_sample_frames();

}  // namespace tg::testing
