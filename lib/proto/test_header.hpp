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
inline constexpr std::uint8_t reflected = 0x2;      // sent back: a reflection, or the answer to a request
inline constexpr std::uint8_t retransmission = 0x4; // a closed-loop resend, not a duplicate
inline constexpr std::uint8_t request = 0x8;        // asks the sink for an answer (proto/request.hpp)
inline constexpr std::uint8_t all = last | reflected | retransmission | request;
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
};

[[nodiscard]] const char* to_string(TestHeaderStatus s) noexcept;

// False when the buffer is shorter than the header or flow_id/flags do not fit.
[[nodiscard]] bool write_test_header(std::span<std::uint8_t> out, const TestHeader& h) noexcept;
// The data path writes the header in three parts: bytes 0-7 (magic, version, flags, flow,
// stream: fixed for a flow and stream), the sequence number, and bytes 12-17 (the
// transmit time: one value for a whole burst). The fixed parts are worked out ahead, each
// as the bytes it puts on the wire (loaded into an integer in memory order, ready for one
// store) and its one's-complement partial sum.
struct TestHeaderHead {
    std::uint64_t wire = 0;  // bytes 0-7
    std::uint32_t sum = 0;
};
struct TestHeaderTime {
    std::uint32_t wire_lo = 0;  // bytes 12-15
    std::uint16_t wire_hi = 0;  // bytes 16-17
    std::uint32_t sum = 0;
};

[[nodiscard]] inline TestHeaderHead test_header_head(std::uint32_t flow_id, std::uint16_t stream,
                                                     std::uint8_t flags) noexcept {
    const std::uint8_t b[8] = {static_cast<std::uint8_t>(test_header_magic >> 8),
                               static_cast<std::uint8_t>(test_header_magic & 0xff),
                               static_cast<std::uint8_t>(test_header_version << 4 | (flags & 0xf)),
                               static_cast<std::uint8_t>(flow_id >> 16),
                               static_cast<std::uint8_t>(flow_id >> 8),
                               static_cast<std::uint8_t>(flow_id),
                               static_cast<std::uint8_t>(stream >> 8),
                               static_cast<std::uint8_t>(stream)};
    TestHeaderHead h;
    std::memcpy(&h.wire, b, 8);
    for (std::size_t i = 0; i < 8; i += 2) h.sum += std::uint32_t{b[i]} << 8 | b[i + 1];
    return h;
}

// A head made for stream 0 and no flags, moved to another stream and flags: the same
// bytes a fresh test_header_head() gives, at the cost of two shifts and ors.
[[nodiscard]] inline TestHeaderHead test_header_head_with(TestHeaderHead h, std::uint16_t stream,
                                                          std::uint8_t flags) noexcept {
    if constexpr (std::endian::native == std::endian::little) {
        h.wire |= std::uint64_t{__builtin_bswap16(stream)} << 48 | std::uint64_t{flags} << 16;
    } else {
        h.wire |= std::uint64_t{stream} | std::uint64_t{flags} << 40;
    }
    h.sum += stream + (std::uint32_t{flags} << 8);
    return h;
}

[[nodiscard]] inline TestHeaderTime test_header_time(std::uint64_t tx_ns) noexcept {
    const std::uint8_t b[6] = {static_cast<std::uint8_t>(tx_ns >> 40), static_cast<std::uint8_t>(tx_ns >> 32),
                               static_cast<std::uint8_t>(tx_ns >> 24), static_cast<std::uint8_t>(tx_ns >> 16),
                               static_cast<std::uint8_t>(tx_ns >> 8),  static_cast<std::uint8_t>(tx_ns)};
    TestHeaderTime t;
    std::memcpy(&t.wire_lo, b, 4);
    std::memcpy(&t.wire_hi, b + 4, 2);
    for (std::size_t i = 0; i < 6; i += 2) t.sum += std::uint32_t{b[i]} << 8 | b[i + 1];
    return t;
}

// Writes the header at p from its parts: four stores, nothing read back.
inline void put_test_header(std::uint8_t* p, const TestHeaderHead& head, std::uint32_t seq,
                            const TestHeaderTime& time) noexcept {
    std::memcpy(p, &head.wire, 8);
    if constexpr (std::endian::native == std::endian::little) seq = __builtin_bswap32(seq);
    std::memcpy(p + 8, &seq, 4);
    std::memcpy(p + 12, &time.wire_lo, 4);
    std::memcpy(p + 16, &time.wire_hi, 2);
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
