// Ethernet II, 802.1Q / 802.1ad tags and ARP (IPv4 over Ethernet).
#pragma once

#include <cstddef>
#include <cstdint>

#include "proto/address.hpp"
#include "proto/byte_order.hpp"

namespace tg::proto {

namespace ether_type {
inline constexpr std::uint16_t ipv4 = 0x0800;
inline constexpr std::uint16_t arp = 0x0806;
inline constexpr std::uint16_t vlan = 0x8100;   // 802.1Q customer tag
inline constexpr std::uint16_t qinq = 0x88a8;   // 802.1ad service tag
inline constexpr std::uint16_t ipv6 = 0x86dd;
// Values below this are an 802.3 length field, not an EtherType.
inline constexpr std::uint16_t min_ether_type = 0x0600;
}  // namespace ether_type

// Smallest frame on the wire without its 4-byte FCS; shorter frames are padded.
inline constexpr std::size_t ethernet_min_frame = 60;
inline constexpr std::size_t ethernet_fcs_size = 4;
// Preamble, start delimiter and inter-frame gap: what a frame costs on the wire beyond itself.
inline constexpr std::size_t ethernet_l1_overhead = 20;

struct EthernetHeader {
    MacAddress dst;
    MacAddress src;
    Be16 ether_type;
};
static_assert(sizeof(EthernetHeader) == 14);
static_assert(offsetof(EthernetHeader, ether_type) == 12);

// The part of an 802.1Q/802.1ad tag after its TPID (which sits in the previous EtherType field).
struct VlanTag {
    Be16 tci;         // PCP (3 bits), DEI (1 bit), VID (12 bits)
    Be16 ether_type;  // what follows the tag
};
static_assert(sizeof(VlanTag) == 4);

[[nodiscard]] constexpr std::uint16_t make_vlan_tci(std::uint8_t pcp, bool dei, std::uint16_t vid) noexcept {
    return static_cast<std::uint16_t>((pcp & 0x7) << 13 | (dei ? 1 : 0) << 12 | (vid & 0x0fff));
}
[[nodiscard]] constexpr std::uint16_t vlan_id(std::uint16_t tci) noexcept { return tci & 0x0fff; }
[[nodiscard]] constexpr std::uint8_t vlan_pcp(std::uint16_t tci) noexcept {
    return static_cast<std::uint8_t>(tci >> 13);
}

namespace arp_op {
inline constexpr std::uint16_t request = 1;
inline constexpr std::uint16_t reply = 2;
}  // namespace arp_op

// ARP for IPv4 over Ethernet (RFC 826); the only form trafficgen sends or answers.
struct ArpPacket {
    Be16 hardware_type;  // 1: Ethernet
    Be16 protocol_type;  // 0x0800
    std::uint8_t hardware_len;  // 6
    std::uint8_t protocol_len;  // 4
    Be16 operation;
    MacAddress sender_mac;
    Ipv4Address sender_ip;
    MacAddress target_mac;
    Ipv4Address target_ip;
};
static_assert(sizeof(ArpPacket) == 28);
static_assert(offsetof(ArpPacket, sender_mac) == 8);
static_assert(offsetof(ArpPacket, target_ip) == 24);

}  // namespace tg::proto
