// IPv6 neighbour discovery (RFC 4861): the bodies of neighbour solicitations and
// advertisements, the link-layer address options, solicited-node multicast, and builders
// for both messages. What a host answers and asks is traffic/presence.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "proto/address.hpp"
#include "proto/build.hpp"
#include "proto/byte_order.hpp"
#include "proto/parse_status.hpp"

namespace tg::proto {

// After the 4-byte ICMPv6 header: flags (advertisements) or reserved (solicitations), then
// the target address, then options.
struct NdMessage {
    Be32 flags;
    Ipv6Address target;
};
static_assert(sizeof(NdMessage) == 20);

namespace nd_flag {
inline constexpr std::uint32_t router = 0x80000000u;
inline constexpr std::uint32_t solicited = 0x40000000u;
inline constexpr std::uint32_t override_entry = 0x20000000u;
}  // namespace nd_flag

namespace nd_option {
inline constexpr std::uint8_t source_link_layer = 1;
inline constexpr std::uint8_t target_link_layer = 2;
}  // namespace nd_option

// Source/target link-layer address option for Ethernet: 8 bytes, length 1 (in 8-byte units).
struct NdLinkLayerOption {
    std::uint8_t type;
    std::uint8_t length;
    MacAddress mac;
};
static_assert(sizeof(NdLinkLayerOption) == 8);

// Neighbour discovery messages travel with hop limit 255 and are refused with any other
// (RFC 4861 section 7.1): proof that they were not forwarded.
inline constexpr std::uint8_t nd_hop_limit = 255;

// ff02::1:ffXX:XXXX, from the low 24 bits of `a` (RFC 4291 section 2.7.1).
[[nodiscard]] Ipv6Address solicited_node_address(const Ipv6Address& a) noexcept;
// 33:33 and the low 32 bits of an IPv6 multicast address (RFC 2464 section 7).
[[nodiscard]] MacAddress ipv6_multicast_mac(const Ipv6Address& a) noexcept;
// ff02::1, every node on the link.
[[nodiscard]] Ipv6Address all_nodes_address() noexcept;
[[nodiscard]] inline bool is_multicast(const Ipv6Address& a) noexcept { return a.bytes[0] == 0xff; }
[[nodiscard]] inline bool is_unspecified(const Ipv6Address& a) noexcept { return a == Ipv6Address{}; }

// A solicitation or advertisement, read from what follows the ICMPv6 header.
struct NdView {
    std::uint32_t flags = 0;
    Ipv6Address target{};
    std::optional<MacAddress> link;  // the source (solicitation) or target (advertisement) option
};

// Checks the body's length and every option's (none of length 0, none past the end);
// `link_option` is the option type to read the address from.
[[nodiscard]] ParseError parse_nd(std::span<const std::uint8_t> body, std::uint8_t link_option, NdView& out) noexcept;

// A solicitation for `target` from `src` (with our MAC in the source option), to the
// target's solicited-node address and its multicast MAC; `l2` gives our MAC and tags.
[[nodiscard]] BuildResult build_neighbour_solicitation(std::span<std::uint8_t> out, const L2Spec& l2,
                                                       const Ipv6Address& src, const Ipv6Address& target) noexcept;

// An advertisement of `target` at l2.src, from `target` to `dst` at l2.dst.
[[nodiscard]] BuildResult build_neighbour_advertisement(std::span<std::uint8_t> out, const L2Spec& l2,
                                                        const Ipv6Address& target, const Ipv6Address& dst,
                                                        std::uint32_t flags) noexcept;

}  // namespace tg::proto
