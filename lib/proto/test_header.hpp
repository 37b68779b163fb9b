// The test-payload header that starts the payload of every packet trafficgen sends, so
// that a sink can tell its packets from other traffic and measure loss, order, jitter
// and latency per flow and per stream.
//
// It is 18 bytes so that an RFC 2544 64-byte UDP/IPv4 frame (60 bytes without FCS, 42
// of headers) still carries it. To fit, the sequence number is 32 bits and the transmit
// timestamp 48 bits (ns, wraps after 78 hours); the sink widens both against its own
// 64-bit state with extend_seq32() and extend_ts48().
//
//   0      2        3        6         8        12          18
//   | magic | ver|flg | flow id | stream | seq    | tx ns (48) |
#pragma once

#include <cstddef>
#include <bit>
#include <cstdint>
#include <cstring>
#include <span>

#include "proto/byte_order.hpp"

namespace tg::proto {

inline constexpr std::uint16_t test_header_magic = 0x5447;  // "TG"
inline constexpr std::uint8_t test_header_version = 1;
inline constexpr std::uint32_t test_header_max_flow_id = 0xffffff;
inline constexpr std::uint64_t test_header_ts_mask = (std::uint64_t{1} << 48) - 1;

namespace test_flag {
inline constexpr std::uint8_t last = 0x1;           // last packet of its flow in this run
inline constexpr std::uint8_t reflected = 0x2;      // sent back by a reflector
inline constexpr std::uint8_t retransmission = 0x4; // a closed-loop resend, not a duplicate
inline constexpr std::uint8_t all = last | reflected | retransmission;
}  // namespace test_flag

struct TestHeaderWire {
    Be16 magic;
    std::uint8_t version_flags;  // version (high 4 bits), flags (low 4 bits)
    std::uint8_t flow_id[3];
    Be16 stream_id;
    Be32 seq;
    std::uint8_t tx_ns[6];
};
static_assert(sizeof(TestHeaderWire) == 18);
static_assert(offsetof(TestHeaderWire, stream_id) == 6);
static_assert(offsetof(TestHeaderWire, seq) == 8);
static_assert(offsetof(TestHeaderWire, tx_ns) == 12);

inline constexpr std::size_t test_header_size = sizeof(TestHeaderWire);
inline constexpr std::size_t test_header_seq_offset = offsetof(TestHeaderWire, seq);
inline constexpr std::size_t test_header_ts_offset = offsetof(TestHeaderWire, tx_ns);

struct TestHeader {
    std::uint32_t flow_id = 0;  // at most test_header_max_flow_id
    std::uint16_t stream_id = 0;
    std::uint32_t seq = 0;
    std::uint64_t tx_ns = 0;  // only the low 48 bits travel
    std::uint8_t flags = 0;
    friend bool operator==(const TestHeader&, const TestHeader&) = default;
};

enum class TestHeaderStatus : std::uint8_t {
    ok,
    truncated,       // fewer than test_header_size bytes
    not_test_packet, // magic does not match: someone else's traffic
    bad_version,     // ours, but a version this build cannot read
    bad_flags,       // reserved flag bits set
};

[[nodiscard]] const char* to_string(TestHeaderStatus s) noexcept;

// False when the buffer is shorter than the header or flow_id/flags do not fit.
[[nodiscard]] bool write_test_header(std::span<std::uint8_t> out, const TestHeader& h) noexcept;
// The data path's writer: no checks (the caller keeps flow_id and flags in range), and it
// returns the header's one's-complement partial sum, so a checksum can take it in
// without reading the bytes back.
//
// Three stores straight into the frame (8, 8 and 2 bytes): built on the stack and copied,
// the header costs a store-forwarding stall per packet.
[[nodiscard]] inline std::uint32_t stamp_test_header(std::uint8_t* p, TestHeader h) noexcept {
    const std::uint64_t w0 = test_header_magic;
    const std::uint64_t w1 = (std::uint64_t{test_header_version} << 4 | h.flags) << 8 | (h.flow_id >> 16 & 0xff);
    const std::uint64_t w2 = h.flow_id & 0xffff;
    const std::uint64_t w3 = h.stream_id;
    const std::uint64_t w4 = h.seq >> 16, w5 = h.seq & 0xffff;
    const std::uint64_t w6 = h.tx_ns >> 32 & 0xffff, w7 = h.tx_ns >> 16 & 0xffff, w8 = h.tx_ns & 0xffff;
    std::uint64_t first = w0 << 48 | w1 << 32 | w2 << 16 | w3;
    std::uint64_t second = w4 << 48 | w5 << 32 | w6 << 16 | w7;
    auto last = static_cast<std::uint16_t>(w8);
    if constexpr (std::endian::native == std::endian::little) {
        first = __builtin_bswap64(first);
        second = __builtin_bswap64(second);
        last = __builtin_bswap16(last);
    }
    std::memcpy(p, &first, 8);
    std::memcpy(p + 8, &second, 8);
    std::memcpy(p + 16, &last, 2);
    return static_cast<std::uint32_t>(w0 + w1 + w2 + w3 + w4 + w5 + w6 + w7 + w8);
}

[[nodiscard]] TestHeaderStatus read_test_header(std::span<const std::uint8_t> in, TestHeader& out) noexcept;

// The 64-bit value congruent to `seq` modulo 2^32 that lies nearest `reference`
// (the highest sequence seen so far), so reordering across a wrap is still ordering.
[[nodiscard]] constexpr std::uint64_t extend_seq32(std::uint64_t reference, std::uint32_t seq) noexcept {
    constexpr std::uint64_t span = std::uint64_t{1} << 32;
    const std::uint64_t candidate = (reference & ~(span - 1)) | seq;
    if (candidate > reference && candidate - reference > span / 2 && candidate >= span) {
        return candidate - span;
    }
    if (candidate < reference && reference - candidate > span / 2) return candidate + span;
    return candidate;
}

// The same for a 48-bit timestamp, widened against a full 64-bit clock reading.
[[nodiscard]] constexpr std::uint64_t extend_ts48(std::uint64_t reference_ns, std::uint64_t ts48) noexcept {
    constexpr std::uint64_t span = std::uint64_t{1} << 48;
    const std::uint64_t candidate = (reference_ns & ~(span - 1)) | (ts48 & (span - 1));
    if (candidate > reference_ns && candidate - reference_ns > span / 2 && candidate >= span) {
        return candidate - span;
    }
    if (candidate < reference_ns && reference_ns - candidate > span / 2) return candidate + span;
    return candidate;
}

}  // namespace tg::proto
