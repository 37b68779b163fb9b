// ICMPv4 and ICMPv6: echo (the header layout is the same for both) and the types of
// IPv6 neighbour discovery (proto/ndp.hpp has their bodies).
#pragma once

#include <cstdint>

#include "proto/byte_order.hpp"

namespace tg::proto {

namespace icmp_type {
inline constexpr std::uint8_t v4_echo_reply = 0;
inline constexpr std::uint8_t v4_echo_request = 8;
inline constexpr std::uint8_t v6_echo_request = 128;
inline constexpr std::uint8_t v6_echo_reply = 129;
inline constexpr std::uint8_t v6_neighbour_solicitation = 135;  // RFC 4861 section 4.3
inline constexpr std::uint8_t v6_neighbour_advertisement = 136;  // RFC 4861 section 4.4
}  // namespace icmp_type

struct IcmpHeader {
    std::uint8_t type;
    std::uint8_t code;
    Be16 checksum;
};
static_assert(sizeof(IcmpHeader) == 4);

struct IcmpEchoHeader {
    std::uint8_t type;
    std::uint8_t code;
    Be16 checksum;
    Be16 identifier;
    Be16 sequence;
};
static_assert(sizeof(IcmpEchoHeader) == 8);

}  // namespace tg::proto
