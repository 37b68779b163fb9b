// Frame builders: write a complete Ethernet frame (tags, IP, transport header, payload,
// lengths and checksums) into a caller's buffer, padded to the Ethernet minimum.
// They allocate nothing; the generator builds its templates with them once per flow.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "proto/address.hpp"
#include "proto/ethernet.hpp"
#include "proto/tcp_options.hpp"

namespace tg::proto {

struct VlanSpec {
    std::uint16_t tpid = ether_type::vlan;  // 0x8100, or 0x88a8 for the outer tag of QinQ
    std::uint16_t tci = 0;                  // see make_vlan_tci()
};

struct L2Spec {
    MacAddress dst{};
    MacAddress src{};
    std::array<VlanSpec, 2> vlans{};  // outer first
    std::uint8_t vlan_count = 0;
};

struct L3Spec {
    IpAddress src{};
    IpAddress dst{};
    std::uint8_t ttl = 64;  // hop limit for IPv6
    std::uint8_t tos = 0;   // traffic class for IPv6
    std::uint16_t ipv4_id = 0;
    bool dont_fragment = true;
    std::span<const std::uint8_t> ipv4_options{};  // padded with EOL to 4 bytes; at most 40
    std::uint32_t ipv6_flow_label = 0;
};

struct UdpSpec {
    std::uint16_t src_port = 0;
    std::uint16_t dst_port = 0;
};

struct TcpSpec {
    std::uint16_t src_port = 0;
    std::uint16_t dst_port = 0;
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint8_t flags = 0;  // tcp_flag bits
    std::uint16_t window = 65535;
    std::uint16_t urgent = 0;
    TcpOptions options{};
};

struct SctpSpec {
    std::uint16_t src_port = 0;
    std::uint16_t dst_port = 0;
    std::uint32_t verification_tag = 0;
};

struct IcmpEchoSpec {
    bool reply = false;
    std::uint16_t identifier = 0;
    std::uint16_t sequence = 0;
};

struct ArpSpec {
    std::uint16_t operation = 1;  // arp_op
    MacAddress sender_mac{};
    Ipv4Address sender_ip{};
    MacAddress target_mac{};
    Ipv4Address target_ip{};
};

enum class BuildError : std::uint8_t {
    none,
    buffer_too_small,
    too_long,         // more than the IP length field can say
    family_mismatch,  // source and destination are not the same IP version
    bad_vlan,         // more than two tags, or a TPID that is not 0x8100/0x88a8
    bad_options,      // IPv4 options over 40 bytes, TCP options that do not fit or are out of range
};

[[nodiscard]] const char* to_string(BuildError e) noexcept;

// Where each layer starts in the frame that was written.
struct FrameLayout {
    std::uint32_t l3_offset = 0;
    std::uint32_t l4_offset = 0;
    std::uint32_t payload_offset = 0;
    std::uint32_t l4_length = 0;  // transport header and payload
    std::uint32_t length = 0;     // whole frame, with padding, without FCS
};

struct BuildResult {
    BuildError error = BuildError::none;
    FrameLayout layout;
    [[nodiscard]] bool ok() const noexcept { return error == BuildError::none; }
};

[[nodiscard]] BuildResult build_udp_frame(std::span<std::uint8_t> out, const L2Spec& l2, const L3Spec& l3,
                                          const UdpSpec& udp, std::span<const std::uint8_t> payload) noexcept;

[[nodiscard]] BuildResult build_tcp_frame(std::span<std::uint8_t> out, const L2Spec& l2, const L3Spec& l3,
                                          const TcpSpec& tcp, std::span<const std::uint8_t> payload) noexcept;

// `chunks` are whole, padded chunks, as SctpChunkWriter writes them. The CRC32c is computed.
[[nodiscard]] BuildResult build_sctp_frame(std::span<std::uint8_t> out, const L2Spec& l2, const L3Spec& l3,
                                           const SctpSpec& sctp, std::span<const std::uint8_t> chunks) noexcept;

// ICMP echo request or reply; ICMPv6 when the addresses are IPv6.
[[nodiscard]] BuildResult build_icmp_echo_frame(std::span<std::uint8_t> out, const L2Spec& l2, const L3Spec& l3,
                                                const IcmpEchoSpec& echo,
                                                std::span<const std::uint8_t> payload) noexcept;

// Any ICMP or ICMPv6 message: `body` is everything after the 4-byte type/code/checksum
// header (an echo's identifier and sequence, a neighbour solicitation's target and
// options). ICMPv6 when the addresses are IPv6; the checksum is computed.
[[nodiscard]] BuildResult build_icmp_frame(std::span<std::uint8_t> out, const L2Spec& l2, const L3Spec& l3,
                                           std::uint8_t type, std::uint8_t code,
                                           std::span<const std::uint8_t> body) noexcept;

// An Ethernet frame of any EtherType carrying `payload` (padded to the minimum). The
// layout's l3, l4 and payload offsets are all where the payload starts.
[[nodiscard]] BuildResult build_raw_frame(std::span<std::uint8_t> out, const L2Spec& l2, std::uint16_t ether_type,
                                          std::span<const std::uint8_t> payload) noexcept;

[[nodiscard]] BuildResult build_arp_frame(std::span<std::uint8_t> out, const L2Spec& l2, const ArpSpec& arp) noexcept;

}  // namespace tg::proto
