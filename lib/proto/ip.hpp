// IPv4 and IPv6 headers and the IPv6 extension headers a parser must step over.
#pragma once

#include <cstddef>
#include <cstdint>

#include "proto/address.hpp"
#include "proto/byte_order.hpp"

namespace tg::proto {

namespace ip_proto {
inline constexpr std::uint8_t hop_by_hop = 0;
inline constexpr std::uint8_t icmp = 1;
inline constexpr std::uint8_t tcp = 6;
inline constexpr std::uint8_t udp = 17;
inline constexpr std::uint8_t ipv6_routing = 43;
inline constexpr std::uint8_t ipv6_fragment = 44;
inline constexpr std::uint8_t esp = 50;
inline constexpr std::uint8_t ah = 51;
inline constexpr std::uint8_t icmpv6 = 58;
inline constexpr std::uint8_t ipv6_no_next = 59;
inline constexpr std::uint8_t ipv6_destination = 60;
inline constexpr std::uint8_t sctp = 132;
}  // namespace ip_proto

struct Ipv4Header {
    std::uint8_t version_ihl;  // version (4 bits) and header length in 32-bit words (4 bits)
    std::uint8_t tos;          // DSCP (6 bits) and ECN (2 bits)
    Be16 total_length;
    Be16 id;
    Be16 flags_fragment;  // reserved, DF, MF, 13-bit fragment offset in 8-byte units
    std::uint8_t ttl;
    std::uint8_t protocol;
    Be16 checksum;
    Ipv4Address src;
    Ipv4Address dst;

    [[nodiscard]] constexpr std::uint8_t version() const noexcept { return version_ihl >> 4; }
    [[nodiscard]] constexpr std::size_t header_length() const noexcept {
        return std::size_t{version_ihl & 0x0fu} * 4;
    }
};
static_assert(sizeof(Ipv4Header) == 20);
static_assert(offsetof(Ipv4Header, ttl) == 8);
static_assert(offsetof(Ipv4Header, checksum) == 10);
static_assert(offsetof(Ipv4Header, src) == 12);
static_assert(offsetof(Ipv4Header, dst) == 16);

inline constexpr std::size_t ipv4_max_options = 40;
inline constexpr std::uint16_t ipv4_flag_df = 0x4000;
inline constexpr std::uint16_t ipv4_flag_mf = 0x2000;
inline constexpr std::uint16_t ipv4_fragment_offset_mask = 0x1fff;

namespace ipv4_option {
inline constexpr std::uint8_t end = 0;
inline constexpr std::uint8_t nop = 1;
inline constexpr std::uint8_t router_alert = 148;  // RFC 2113, 4 bytes
}  // namespace ipv4_option

struct Ipv6Header {
    Be32 version_class_flow;  // version (4), traffic class (8), flow label (20)
    Be16 payload_length;
    std::uint8_t next_header;
    std::uint8_t hop_limit;
    Ipv6Address src;
    Ipv6Address dst;

    [[nodiscard]] constexpr std::uint8_t version() const noexcept {
        return static_cast<std::uint8_t>(version_class_flow.get() >> 28);
    }
};
static_assert(sizeof(Ipv6Header) == 40);
static_assert(offsetof(Ipv6Header, next_header) == 6);
static_assert(offsetof(Ipv6Header, src) == 8);
static_assert(offsetof(Ipv6Header, dst) == 24);

// Hop-by-hop, routing and destination options share this start; length is in 8-byte
// units not counting the first 8 bytes.
struct Ipv6ExtensionHeader {
    std::uint8_t next_header;
    std::uint8_t length;
};
static_assert(sizeof(Ipv6ExtensionHeader) == 2);

struct Ipv6FragmentHeader {
    std::uint8_t next_header;
    std::uint8_t reserved;
    Be16 offset_flags;  // 13-bit offset in 8-byte units, 2 reserved bits, M flag
    Be32 identification;
};
static_assert(sizeof(Ipv6FragmentHeader) == 8);

}  // namespace tg::proto
