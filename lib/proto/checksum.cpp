#include "proto/checksum.hpp"

#include <bit>
#include <cstring>

namespace tg::proto {

std::uint32_t inet_sum(std::span<const std::uint8_t> data, std::uint32_t initial) noexcept {
    // Sum native-order 32-bit words into 64 bits: 2^16 = 1 modulo 0xffff, so this folds
    // to the same one's-complement sum as 16-bit words, and RFC 1071 section 2(B) lets
    // the byte order be fixed once at the end.
    const std::uint8_t* p = data.data();
    std::size_t n = data.size();
    std::uint64_t sum = 0;
    while (n >= 16) {
        std::uint32_t w[4];
        std::memcpy(w, p, sizeof(w));
        sum += std::uint64_t{w[0]} + w[1] + w[2] + w[3];
        p += 16;
        n -= 16;
    }
    while (n >= 4) {
        std::uint32_t w;
        std::memcpy(&w, p, sizeof(w));
        sum += w;
        p += 4;
        n -= 4;
    }
    if (n >= 2) {
        std::uint16_t w;
        std::memcpy(&w, p, sizeof(w));
        sum += w;
        p += 2;
        n -= 2;
    }
    if (n == 1) {
        // An odd last byte is the high byte of a word whose low byte is zero.
        const std::uint8_t last[2] = {*p, 0};
        std::uint16_t w;
        std::memcpy(&w, last, sizeof(w));
        sum += w;
    }
    std::uint16_t folded = inet_fold(sum);
    if constexpr (std::endian::native == std::endian::little) {
        folded = static_cast<std::uint16_t>(folded << 8 | folded >> 8);
    }
    return initial + folded;
}

std::uint32_t ipv4_pseudo_sum(const Ipv4Address& src, const Ipv4Address& dst, std::uint8_t protocol,
                              std::uint16_t l4_length) noexcept {
    return sum_words<2>(src.bytes.data()) + sum_words<2>(dst.bytes.data()) + protocol + l4_length;
}

std::uint32_t ipv6_pseudo_sum(const Ipv6Address& src, const Ipv6Address& dst, std::uint8_t next_header,
                              std::uint32_t l4_length) noexcept {
    std::uint32_t sum = sum_words<8>(src.bytes.data()) + sum_words<8>(dst.bytes.data());
    return sum + (l4_length >> 16) + (l4_length & 0xffff) + next_header;
}

}  // namespace tg::proto
