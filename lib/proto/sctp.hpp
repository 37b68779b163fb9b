// SCTP (RFC 9260): common header, the chunks a generator and a sink exchange, their
// parameters and error causes. Chunks and parameters are padded to 4 bytes on the wire;
// their length fields do not count the padding.
#pragma once

#include <cstddef>
#include <cstdint>

#include "proto/byte_order.hpp"

namespace tg::proto {

struct SctpCommonHeader {
    Be16 src_port;
    Be16 dst_port;
    Be32 verification_tag;
    Le32 checksum;  // CRC32c, least significant byte first
};
static_assert(sizeof(SctpCommonHeader) == 12);
static_assert(offsetof(SctpCommonHeader, checksum) == 8);

namespace sctp_chunk {
inline constexpr std::uint8_t data = 0;
inline constexpr std::uint8_t init = 1;
inline constexpr std::uint8_t init_ack = 2;
inline constexpr std::uint8_t sack = 3;
inline constexpr std::uint8_t heartbeat = 4;
inline constexpr std::uint8_t heartbeat_ack = 5;
inline constexpr std::uint8_t abort = 6;
inline constexpr std::uint8_t shutdown = 7;
inline constexpr std::uint8_t shutdown_ack = 8;
inline constexpr std::uint8_t error = 9;
inline constexpr std::uint8_t cookie_echo = 10;
inline constexpr std::uint8_t cookie_ack = 11;
inline constexpr std::uint8_t shutdown_complete = 14;
}  // namespace sctp_chunk

// Name of a chunk type for reports ("DATA", "INIT ACK", ...); "unknown" otherwise.
[[nodiscard]] const char* sctp_chunk_name(std::uint8_t type) noexcept;

namespace sctp_data_flag {
inline constexpr std::uint8_t end = 0x01;        // E: last fragment of a message
inline constexpr std::uint8_t begin = 0x02;      // B: first fragment of a message
inline constexpr std::uint8_t unordered = 0x04;  // U
inline constexpr std::uint8_t immediate = 0x08;  // I: ask for an immediate SACK (RFC 7053)
inline constexpr std::uint8_t whole_message = begin | end;
}  // namespace sctp_data_flag

// ABORT and SHUTDOWN COMPLETE: the verification tag is the sender's own, reflected.
inline constexpr std::uint8_t sctp_flag_t = 0x01;

struct SctpChunkHeader {
    std::uint8_t type;
    std::uint8_t flags;
    Be16 length;  // header and value, without padding
};
static_assert(sizeof(SctpChunkHeader) == 4);

struct SctpDataChunk {
    SctpChunkHeader header;
    Be32 tsn;
    Be16 stream_id;
    Be16 stream_seq;
    Be32 ppid;
};
static_assert(sizeof(SctpDataChunk) == 16);
static_assert(offsetof(SctpDataChunk, stream_id) == 8);

// INIT and INIT ACK share the fixed part; optional/variable parameters follow.
struct SctpInitChunk {
    SctpChunkHeader header;
    Be32 initiate_tag;
    Be32 a_rwnd;
    Be16 outbound_streams;
    Be16 inbound_streams;
    Be32 initial_tsn;
};
static_assert(sizeof(SctpInitChunk) == 20);

// Followed by gap ack blocks (SctpGapBlock each) and then duplicate TSNs (Be32 each).
struct SctpSackChunk {
    SctpChunkHeader header;
    Be32 cumulative_tsn_ack;
    Be32 a_rwnd;
    Be16 gap_block_count;
    Be16 duplicate_tsn_count;
};
static_assert(sizeof(SctpSackChunk) == 16);

// Offsets relative to the cumulative TSN ack.
struct SctpGapBlock {
    Be16 start;
    Be16 end;
};
static_assert(sizeof(SctpGapBlock) == 4);

struct SctpShutdownChunk {
    SctpChunkHeader header;
    Be32 cumulative_tsn_ack;
};
static_assert(sizeof(SctpShutdownChunk) == 8);

namespace sctp_param {
inline constexpr std::uint16_t heartbeat_info = 1;
inline constexpr std::uint16_t ipv4_address = 5;
inline constexpr std::uint16_t ipv6_address = 6;
inline constexpr std::uint16_t state_cookie = 7;
inline constexpr std::uint16_t unrecognized_parameter = 8;
inline constexpr std::uint16_t cookie_preservative = 9;
inline constexpr std::uint16_t supported_address_types = 12;
}  // namespace sctp_param

struct SctpParamHeader {
    Be16 type;
    Be16 length;  // header and value, without padding
};
static_assert(sizeof(SctpParamHeader) == 4);

// Error causes carried by ABORT and ERROR (RFC 9260 section 3.3.10).
namespace sctp_cause {
inline constexpr std::uint16_t invalid_stream_id = 1;
inline constexpr std::uint16_t missing_mandatory_parameter = 2;
inline constexpr std::uint16_t stale_cookie = 3;
inline constexpr std::uint16_t out_of_resource = 4;
inline constexpr std::uint16_t unresolvable_address = 5;
inline constexpr std::uint16_t unrecognized_chunk_type = 6;
inline constexpr std::uint16_t invalid_mandatory_parameter = 7;
inline constexpr std::uint16_t unrecognized_parameters = 8;
inline constexpr std::uint16_t no_user_data = 9;
inline constexpr std::uint16_t cookie_while_shutting_down = 10;
inline constexpr std::uint16_t restart_with_new_addresses = 11;
inline constexpr std::uint16_t user_initiated_abort = 12;
inline constexpr std::uint16_t protocol_violation = 13;
}  // namespace sctp_cause

struct SctpCauseHeader {
    Be16 code;
    Be16 length;  // header and value, without padding
};
static_assert(sizeof(SctpCauseHeader) == 4);

[[nodiscard]] constexpr std::size_t sctp_padded(std::size_t length) noexcept {
    return (length + 3) & ~std::size_t{3};
}

}  // namespace tg::proto
