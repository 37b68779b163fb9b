// The Internet checksum (RFC 1071), the pseudo-headers of IPv4 and IPv6, and the
// incremental update of RFC 1624.
//
// Sums are kept as 32-bit partial sums of big-endian 16-bit words so they can be
// combined (pseudo-header + header + payload) before folding. Each span is summed as
// if it started on a 16-bit boundary of the checksummed data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "proto/byte_order.hpp"

#include "proto/address.hpp"

namespace tg::proto {

// Partial one's-complement sum of data, added to `initial`. The result is at most 0x1fffe
// plus `initial`, so several partial sums can be added before inet_fold().
[[nodiscard]] std::uint32_t inet_sum(std::span<const std::uint8_t> data, std::uint32_t initial = 0) noexcept;

// Folds carries into the low 16 bits (the one's-complement sum, not yet inverted).
[[nodiscard]] constexpr std::uint16_t inet_fold(std::uint64_t sum) noexcept {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(sum);
}

// inet_fold() for a sum below 2^32, with no loop: two folds always suffice. For the data path.
[[nodiscard]] constexpr std::uint16_t inet_fold32(std::uint32_t sum) noexcept {
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(sum);
}

// The checksum field value: the complement of the folded sum.
[[nodiscard]] constexpr std::uint16_t inet_finish(std::uint64_t sum) noexcept {
    return static_cast<std::uint16_t>(~inet_fold(sum));
}

[[nodiscard]] inline std::uint16_t inet_checksum(std::span<const std::uint8_t> data) noexcept {
    return inet_finish(inet_sum(data));
}

// The sum of N big-endian 16-bit words at p, inline: for addresses and other small
// fixed-size fields on the data path, where a call and a loop cost more than the sum.
template <std::size_t Words>
[[nodiscard]] inline std::uint32_t sum_words(const std::uint8_t* p) noexcept {
    std::uint32_t s = 0;
    for (std::size_t i = 0; i < Words; ++i) s += load_be16(p + 2 * i);
    return s;
}

// Pseudo-header sums (RFC 768/9293 for IPv4, RFC 8200 section 8.1 for IPv6).
[[nodiscard]] std::uint32_t ipv4_pseudo_sum(const Ipv4Address& src, const Ipv4Address& dst,
                                            std::uint8_t protocol, std::uint16_t l4_length) noexcept;
[[nodiscard]] std::uint32_t ipv6_pseudo_sum(const Ipv6Address& src, const Ipv6Address& dst,
                                            std::uint8_t next_header, std::uint32_t l4_length) noexcept;

// RFC 1624 equation 3: HC' = ~(~HC + ~m + m'), for a 16-bit field that changed from m to m'.
[[nodiscard]] constexpr std::uint16_t inet_update16(std::uint16_t checksum, std::uint16_t old_word,
                                                    std::uint16_t new_word) noexcept {
    const std::uint32_t sum = static_cast<std::uint16_t>(~checksum) +
                              std::uint32_t{static_cast<std::uint16_t>(~old_word)} + new_word;
    return inet_finish(sum);
}

// The same for an aligned 32-bit field (an address, a sequence number).
[[nodiscard]] constexpr std::uint16_t inet_update32(std::uint16_t checksum, std::uint32_t old_value,
                                                    std::uint32_t new_value) noexcept {
    std::uint32_t sum = static_cast<std::uint16_t>(~checksum);
    sum += static_cast<std::uint16_t>(~(old_value >> 16)) + (new_value >> 16);
    sum += static_cast<std::uint16_t>(~old_value) + (new_value & 0xffff);
    return inet_finish(sum);
}

}  // namespace tg::proto
