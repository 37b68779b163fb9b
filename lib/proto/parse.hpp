// Frame parser: reads Ethernet (with up to two VLAN tags), ARP, IPv4 (options), IPv6
// (stepping over extension headers), ICMP/ICMPv6, UDP, TCP and SCTP from a byte span.
// It never reads outside the span, and returns a view of the layers it found together
// with the first reason the frame was not accepted.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "proto/address.hpp"
#include "proto/ethernet.hpp"
#include "proto/icmp.hpp"
#include "proto/ip.hpp"
#include "proto/parse_status.hpp"
#include "proto/sctp.hpp"
#include "proto/tcp.hpp"
#include "proto/udp.hpp"

namespace tg::proto {

inline constexpr std::size_t max_vlan_tags = 2;

struct ParseOptions {
    // A sink whose NIC reports "checksum good" turns these off and trusts the flag.
    bool verify_ipv4_checksum = true;
    bool verify_l4_checksum = true;
};

// Pointers into the parsed buffer; a layer that was not reached is null. Offsets are
// from the start of the frame.
struct PacketView {
    std::span<const std::uint8_t> frame;

    const EthernetHeader* ethernet = nullptr;
    std::array<std::uint16_t, max_vlan_tags> vlan_tpid{};
    std::array<std::uint16_t, max_vlan_tags> vlan_tci{};  // outer tag first
    std::uint8_t vlan_count = 0;
    std::uint16_t ether_type = 0;  // after the tags

    const ArpPacket* arp = nullptr;
    const Ipv4Header* ipv4 = nullptr;
    const Ipv6Header* ipv6 = nullptr;
    std::uint32_t l3_offset = 0;

    // Transport protocol: IPv4 protocol, or the last IPv6 next-header value.
    std::uint8_t l4_protocol = 0;
    std::uint32_t l4_offset = 0;
    std::uint32_t l4_length = 0;  // transport header and data, within the IP length

    const UdpHeader* udp = nullptr;
    const TcpHeader* tcp = nullptr;
    const SctpCommonHeader* sctp = nullptr;
    const IcmpHeader* icmp = nullptr;  // ICMPv4 or ICMPv6, see l4_protocol
    std::uint16_t sctp_chunk_count = 0;

    // UDP/TCP data, ICMP data after the echo header, or the SCTP chunks.
    std::uint32_t payload_offset = 0;
    std::uint32_t payload_length = 0;

    [[nodiscard]] std::span<const std::uint8_t> l4() const noexcept { return frame.subspan(l4_offset, l4_length); }
    // The IP source and destination; needs ipv4 or ipv6.
    [[nodiscard]] IpAddress source() const noexcept;
    [[nodiscard]] IpAddress destination() const noexcept;
    [[nodiscard]] std::span<const std::uint8_t> payload() const noexcept {
        return frame.subspan(payload_offset, payload_length);
    }
};

struct ParseResult {
    ParseStatus status;
    PacketView view;
};

[[nodiscard]] ParseResult parse_frame(std::span<const std::uint8_t> frame, const ParseOptions& options = {}) noexcept;

}  // namespace tg::proto
