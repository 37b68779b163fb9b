#include "proto/sctp_parse.hpp"

#include "proto/byte_order.hpp"

namespace tg::proto {

const char* sctp_chunk_name(std::uint8_t type) noexcept {
    switch (type) {
        case sctp_chunk::data: return "DATA";
        case sctp_chunk::init: return "INIT";
        case sctp_chunk::init_ack: return "INIT ACK";
        case sctp_chunk::sack: return "SACK";
        case sctp_chunk::heartbeat: return "HEARTBEAT";
        case sctp_chunk::heartbeat_ack: return "HEARTBEAT ACK";
        case sctp_chunk::abort: return "ABORT";
        case sctp_chunk::shutdown: return "SHUTDOWN";
        case sctp_chunk::shutdown_ack: return "SHUTDOWN ACK";
        case sctp_chunk::error: return "ERROR";
        case sctp_chunk::cookie_echo: return "COOKIE ECHO";
        case sctp_chunk::cookie_ack: return "COOKIE ACK";
        case sctp_chunk::shutdown_complete: return "SHUTDOWN COMPLETE";
        default: return "unknown";
    }
}

namespace {

// Consumes one 4-byte-header TLV from `rest`: checks the length, hands back the value
// and steps over the padding (which may be missing after the last element).
bool take_tlv(std::span<const std::uint8_t>& rest, ParseError& error, std::uint16_t& length,
              std::span<const std::uint8_t>& value) noexcept {
    if (rest.empty()) return false;
    if (rest.size() < 4) {
        error = ParseError::truncated;
        return false;
    }
    length = load_be16(rest.data() + 2);
    if (length < 4 || length > rest.size()) {
        error = length < 4 ? ParseError::bad_length : ParseError::truncated;
        return false;
    }
    value = rest.subspan(4, length - 4u);
    const std::size_t step = sctp_padded(length);
    rest = rest.subspan(step < rest.size() ? step : rest.size());
    return true;
}

}  // namespace

bool SctpChunkReader::next(SctpChunkView& out) noexcept {
    if (error_ != ParseError::none) return false;
    const std::uint8_t* head = rest_.data();
    std::uint16_t length = 0;
    std::span<const std::uint8_t> value;
    if (!take_tlv(rest_, error_, length, value)) return false;
    out.type = head[0];
    out.flags = head[1];
    out.length = length;
    out.value = value;
    return true;
}

bool SctpTlvReader::next(SctpTlvView& out) noexcept {
    if (error_ != ParseError::none) return false;
    const std::uint8_t* head = rest_.data();
    std::uint16_t length = 0;
    std::span<const std::uint8_t> value;
    if (!take_tlv(rest_, error_, length, value)) return false;
    out.type = load_be16(head);
    out.value = value;
    return true;
}

SctpGap SctpSackView::gap(std::size_t i) const noexcept {
    const std::uint8_t* p = gaps_raw.data() + 4 * i;
    return {load_be16(p), load_be16(p + 2)};
}

std::uint32_t SctpSackView::duplicate(std::size_t i) const noexcept {
    return load_be32(duplicates_raw.data() + 4 * i);
}

ParseError parse_sctp_data(const SctpChunkView& c, SctpDataView& out) noexcept {
    constexpr std::size_t fixed = sizeof(SctpDataChunk) - sizeof(SctpChunkHeader);
    if (c.type != sctp_chunk::data) return ParseError::unsupported;
    if (c.value.size() <= fixed) return ParseError::bad_length;
    const std::uint8_t* v = c.value.data();
    out.flags = c.flags;
    out.tsn = load_be32(v);
    out.stream_id = load_be16(v + 4);
    out.stream_seq = load_be16(v + 6);
    out.ppid = load_be32(v + 8);
    out.user_data = c.value.subspan(fixed);
    return ParseError::none;
}

ParseError parse_sctp_init(const SctpChunkView& c, SctpInitView& out) noexcept {
    constexpr std::size_t fixed = sizeof(SctpInitChunk) - sizeof(SctpChunkHeader);
    if (c.type != sctp_chunk::init && c.type != sctp_chunk::init_ack) return ParseError::unsupported;
    if (c.value.size() < fixed) return ParseError::bad_length;
    const std::uint8_t* v = c.value.data();
    out.initiate_tag = load_be32(v);
    out.a_rwnd = load_be32(v + 4);
    out.outbound_streams = load_be16(v + 8);
    out.inbound_streams = load_be16(v + 10);
    out.initial_tsn = load_be32(v + 12);
    out.params = c.value.subspan(fixed);
    if (out.initiate_tag == 0 || out.outbound_streams == 0 || out.inbound_streams == 0) {
        return ParseError::bad_value;
    }
    return ParseError::none;
}

ParseError parse_sctp_sack(const SctpChunkView& c, SctpSackView& out) noexcept {
    constexpr std::size_t fixed = sizeof(SctpSackChunk) - sizeof(SctpChunkHeader);
    if (c.type != sctp_chunk::sack) return ParseError::unsupported;
    if (c.value.size() < fixed) return ParseError::bad_length;
    const std::uint8_t* v = c.value.data();
    out.cumulative_tsn_ack = load_be32(v);
    out.a_rwnd = load_be32(v + 4);
    out.gap_count = load_be16(v + 8);
    out.duplicate_count = load_be16(v + 10);
    const std::size_t gaps = 4 * std::size_t{out.gap_count};
    const std::size_t dups = 4 * std::size_t{out.duplicate_count};
    if (fixed + gaps + dups != c.value.size()) return ParseError::bad_length;
    out.gaps_raw = c.value.subspan(fixed, gaps);
    out.duplicates_raw = c.value.subspan(fixed + gaps, dups);
    return ParseError::none;
}

ParseError parse_sctp_shutdown(const SctpChunkView& c, std::uint32_t& cumulative_tsn_ack) noexcept {
    if (c.type != sctp_chunk::shutdown) return ParseError::unsupported;
    if (c.value.size() != 4) return ParseError::bad_length;
    cumulative_tsn_ack = load_be32(c.value.data());
    return ParseError::none;
}

ParseError parse_sctp_heartbeat(const SctpChunkView& c, std::span<const std::uint8_t>& info) noexcept {
    if (c.type != sctp_chunk::heartbeat && c.type != sctp_chunk::heartbeat_ack) return ParseError::unsupported;
    SctpTlvReader params(c.value);
    SctpTlvView p;
    if (!params.next(p)) return params.error() == ParseError::none ? ParseError::bad_length : params.error();
    if (p.type != sctp_param::heartbeat_info) return ParseError::bad_value;
    info = p.value;
    return ParseError::none;
}

}  // namespace tg::proto
