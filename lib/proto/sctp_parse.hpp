// Readers for SCTP chunks, their parameters and error causes. Each reads only inside
// the span it is given and says why it stopped.
#pragma once

#include <cstdint>
#include <span>

#include "proto/parse_status.hpp"
#include "proto/sctp.hpp"

namespace tg::proto {

struct SctpChunkView {
    std::uint8_t type = 0;
    std::uint8_t flags = 0;
    std::uint16_t length = 0;              // as on the wire: header and value, no padding
    std::span<const std::uint8_t> value;   // after the 4-byte chunk header
};

// Walks the chunks after the SCTP common header. A chunk shorter than its header or
// longer than what is left is bad_length. Padding after the last chunk may be absent.
class SctpChunkReader {
public:
    explicit SctpChunkReader(std::span<const std::uint8_t> chunks) noexcept : rest_(chunks) {}

    // The next chunk; false at the end or on a malformed chunk (then error() is set).
    [[nodiscard]] bool next(SctpChunkView& out) noexcept;
    [[nodiscard]] ParseError error() const noexcept { return error_; }

private:
    std::span<const std::uint8_t> rest_;
    ParseError error_ = ParseError::none;
};

// A parameter (INIT, INIT ACK, HEARTBEAT) or an error cause (ABORT, ERROR): both are
// a 16-bit type or code, a 16-bit length and a value padded to 4 bytes.
struct SctpTlvView {
    std::uint16_t type = 0;
    std::span<const std::uint8_t> value;
};

class SctpTlvReader {
public:
    explicit SctpTlvReader(std::span<const std::uint8_t> tlvs) noexcept : rest_(tlvs) {}
    [[nodiscard]] bool next(SctpTlvView& out) noexcept;
    [[nodiscard]] ParseError error() const noexcept { return error_; }

private:
    std::span<const std::uint8_t> rest_;
    ParseError error_ = ParseError::none;
};

struct SctpDataView {
    std::uint8_t flags = 0;
    std::uint32_t tsn = 0;
    std::uint16_t stream_id = 0;
    std::uint16_t stream_seq = 0;
    std::uint32_t ppid = 0;
    std::span<const std::uint8_t> user_data;
};

struct SctpInitView {
    std::uint32_t initiate_tag = 0;
    std::uint32_t a_rwnd = 0;
    std::uint16_t outbound_streams = 0;
    std::uint16_t inbound_streams = 0;
    std::uint32_t initial_tsn = 0;
    std::span<const std::uint8_t> params;  // read with SctpTlvReader
};

struct SctpGap {
    std::uint16_t start = 0;
    std::uint16_t end = 0;
    friend bool operator==(const SctpGap&, const SctpGap&) = default;
};

struct SctpSackView {
    std::uint32_t cumulative_tsn_ack = 0;
    std::uint32_t a_rwnd = 0;
    std::uint16_t gap_count = 0;
    std::uint16_t duplicate_count = 0;
    std::span<const std::uint8_t> gaps_raw;
    std::span<const std::uint8_t> duplicates_raw;

    [[nodiscard]] SctpGap gap(std::size_t i) const noexcept;
    [[nodiscard]] std::uint32_t duplicate(std::size_t i) const noexcept;
};

// DATA: header of 16 bytes and at least one byte of user data (RFC 9260 section 3.3.1).
[[nodiscard]] ParseError parse_sctp_data(const SctpChunkView& chunk, SctpDataView& out) noexcept;
// INIT and INIT ACK: initiate tag, outbound and inbound streams must not be zero.
[[nodiscard]] ParseError parse_sctp_init(const SctpChunkView& chunk, SctpInitView& out) noexcept;
// SACK: the gap and duplicate counts must fit the chunk length.
[[nodiscard]] ParseError parse_sctp_sack(const SctpChunkView& chunk, SctpSackView& out) noexcept;
// SHUTDOWN: the cumulative TSN ack.
[[nodiscard]] ParseError parse_sctp_shutdown(const SctpChunkView& chunk, std::uint32_t& cumulative_tsn_ack) noexcept;
// HEARTBEAT and HEARTBEAT ACK: the opaque heartbeat information they carry.
[[nodiscard]] ParseError parse_sctp_heartbeat(const SctpChunkView& chunk, std::span<const std::uint8_t>& info) noexcept;

}  // namespace tg::proto
