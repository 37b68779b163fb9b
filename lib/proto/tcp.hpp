// TCP (RFC 9293) header and the options of a modern handshake (RFC 7323, RFC 2018).
#pragma once

#include <cstddef>
#include <cstdint>

#include "proto/byte_order.hpp"

namespace tg::proto {

struct TcpHeader {
    Be16 src_port;
    Be16 dst_port;
    Be32 seq;
    Be32 ack;
    std::uint8_t data_offset;  // header length in 32-bit words (high 4 bits)
    std::uint8_t flags;
    Be16 window;
    Be16 checksum;
    Be16 urgent;

    [[nodiscard]] constexpr std::size_t header_length() const noexcept {
        return std::size_t{static_cast<std::uint8_t>(data_offset >> 4)} * 4;
    }
};
static_assert(sizeof(TcpHeader) == 20);
static_assert(offsetof(TcpHeader, flags) == 13);
static_assert(offsetof(TcpHeader, checksum) == 16);

namespace tcp_flag {
inline constexpr std::uint8_t fin = 0x01;
inline constexpr std::uint8_t syn = 0x02;
inline constexpr std::uint8_t rst = 0x04;
inline constexpr std::uint8_t psh = 0x08;
inline constexpr std::uint8_t ack = 0x10;
inline constexpr std::uint8_t urg = 0x20;
inline constexpr std::uint8_t ece = 0x40;
inline constexpr std::uint8_t cwr = 0x80;
}  // namespace tcp_flag

namespace tcp_option {
inline constexpr std::uint8_t end = 0;
inline constexpr std::uint8_t nop = 1;
inline constexpr std::uint8_t mss = 2;             // length 4
inline constexpr std::uint8_t window_scale = 3;    // length 3
inline constexpr std::uint8_t sack_permitted = 4;  // length 2
inline constexpr std::uint8_t sack = 5;            // length 2 + 8n
inline constexpr std::uint8_t timestamps = 8;      // length 10
}  // namespace tcp_option

inline constexpr std::size_t tcp_max_options = 40;
inline constexpr std::uint8_t tcp_max_window_scale = 14;  // RFC 7323 section 2.3

}  // namespace tg::proto
