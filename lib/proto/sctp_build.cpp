#include "proto/sctp_build.hpp"

#include <cstring>

#include "proto/byte_order.hpp"

namespace tg::proto {

namespace {

constexpr std::size_t max_chunk_value = 0xffff - sizeof(SctpChunkHeader);

// Writes a parameter or cause header and value at p; returns the padded size.
std::size_t put_tlv(std::uint8_t* p, std::uint16_t type, std::span<const std::uint8_t> value) noexcept {
    store_be16(p, type);
    store_be16(p + 2, static_cast<std::uint16_t>(4 + value.size()));
    if (!value.empty()) std::memcpy(p + 4, value.data(), value.size());
    return sctp_padded(4 + value.size());
}

}  // namespace

std::uint8_t* SctpChunkWriter::begin(std::uint8_t type, std::uint8_t flags, std::size_t value_len) noexcept {
    if (value_len > max_chunk_value) return nullptr;
    const std::size_t len = sizeof(SctpChunkHeader) + value_len;
    const std::size_t padded = sctp_padded(len);
    if (out_.size() - used_ < padded) return nullptr;
    std::uint8_t* p = out_.data() + used_;
    std::memset(p, 0, padded);
    p[0] = type;
    p[1] = flags;
    store_be16(p + 2, static_cast<std::uint16_t>(len));
    used_ += padded;
    return p + sizeof(SctpChunkHeader);
}

bool SctpChunkWriter::data(const SctpDataSpec& spec, std::span<const std::uint8_t> user_data) noexcept {
    constexpr std::size_t fixed = sizeof(SctpDataChunk) - sizeof(SctpChunkHeader);
    std::uint8_t* v = begin(sctp_chunk::data, spec.flags, fixed + user_data.size());
    if (v == nullptr) return false;
    store_be32(v, spec.tsn);
    store_be16(v + 4, spec.stream_id);
    store_be16(v + 6, spec.stream_seq);
    store_be32(v + 8, spec.ppid);
    if (!user_data.empty()) std::memcpy(v + fixed, user_data.data(), user_data.size());
    return true;
}

bool SctpChunkWriter::init_common(std::uint8_t type, const SctpInitSpec& s) noexcept {
    constexpr std::size_t fixed = sizeof(SctpInitChunk) - sizeof(SctpChunkHeader);
    std::size_t len = fixed + 8 * s.ipv4_addresses.size() + 20 * s.ipv6_addresses.size();
    if (!s.supported_address_types.empty()) len += sctp_padded(4 + 2 * s.supported_address_types.size());
    if (type == sctp_chunk::init_ack) len += sctp_padded(4 + s.state_cookie.size());
    // The last parameter's padding is part of the chunk's padding, not its length.
    std::size_t unpadded = len;
    if (type == sctp_chunk::init_ack) {
        unpadded -= sctp_padded(4 + s.state_cookie.size()) - (4 + s.state_cookie.size());
    } else if (!s.supported_address_types.empty()) {
        unpadded -= sctp_padded(4 + 2 * s.supported_address_types.size()) - (4 + 2 * s.supported_address_types.size());
    }
    std::uint8_t* v = begin(type, 0, unpadded);
    if (v == nullptr) return false;
    store_be32(v, s.initiate_tag);
    store_be32(v + 4, s.a_rwnd);
    store_be16(v + 8, s.outbound_streams);
    store_be16(v + 10, s.inbound_streams);
    store_be32(v + 12, s.initial_tsn);
    std::uint8_t* p = v + fixed;
    for (const auto& a : s.ipv4_addresses) p += put_tlv(p, sctp_param::ipv4_address, a.bytes);
    for (const auto& a : s.ipv6_addresses) p += put_tlv(p, sctp_param::ipv6_address, a.bytes);
    if (!s.supported_address_types.empty()) {
        store_be16(p, sctp_param::supported_address_types);
        store_be16(p + 2, static_cast<std::uint16_t>(4 + 2 * s.supported_address_types.size()));
        for (std::size_t i = 0; i < s.supported_address_types.size(); ++i) {
            store_be16(p + 4 + 2 * i, s.supported_address_types[i]);
        }
        p += sctp_padded(4 + 2 * s.supported_address_types.size());
    }
    if (type == sctp_chunk::init_ack) put_tlv(p, sctp_param::state_cookie, s.state_cookie);
    return true;
}

bool SctpChunkWriter::init(const SctpInitSpec& spec) noexcept { return init_common(sctp_chunk::init, spec); }

bool SctpChunkWriter::init_ack(const SctpInitSpec& spec) noexcept {
    return init_common(sctp_chunk::init_ack, spec);
}

bool SctpChunkWriter::sack(std::uint32_t cumulative_tsn_ack, std::uint32_t a_rwnd, std::span<const SctpGap> gaps,
                           std::span<const std::uint32_t> duplicate_tsns) noexcept {
    constexpr std::size_t fixed = sizeof(SctpSackChunk) - sizeof(SctpChunkHeader);
    if (gaps.size() > 0xffff || duplicate_tsns.size() > 0xffff) return false;
    std::uint8_t* v = begin(sctp_chunk::sack, 0, fixed + 4 * gaps.size() + 4 * duplicate_tsns.size());
    if (v == nullptr) return false;
    store_be32(v, cumulative_tsn_ack);
    store_be32(v + 4, a_rwnd);
    store_be16(v + 8, static_cast<std::uint16_t>(gaps.size()));
    store_be16(v + 10, static_cast<std::uint16_t>(duplicate_tsns.size()));
    std::uint8_t* p = v + fixed;
    for (const auto& g : gaps) {
        store_be16(p, g.start);
        store_be16(p + 2, g.end);
        p += 4;
    }
    for (const auto tsn : duplicate_tsns) {
        store_be32(p, tsn);
        p += 4;
    }
    return true;
}

bool SctpChunkWriter::tlv_chunk(std::uint8_t type, std::uint8_t flags, std::uint16_t tlv_type,
                                std::span<const std::uint8_t> value) noexcept {
    std::uint8_t* v = begin(type, flags, 4 + value.size());
    if (v == nullptr) return false;
    put_tlv(v, tlv_type, value);
    return true;
}

bool SctpChunkWriter::heartbeat(std::span<const std::uint8_t> info) noexcept {
    return tlv_chunk(sctp_chunk::heartbeat, 0, sctp_param::heartbeat_info, info);
}

bool SctpChunkWriter::heartbeat_ack(std::span<const std::uint8_t> info) noexcept {
    return tlv_chunk(sctp_chunk::heartbeat_ack, 0, sctp_param::heartbeat_info, info);
}

bool SctpChunkWriter::causes_chunk(std::uint8_t type, std::uint8_t flags, std::span<const SctpCause> causes) noexcept {
    std::size_t len = 0;
    for (std::size_t i = 0; i < causes.size(); ++i) {
        const std::size_t one = 4 + causes[i].info.size();
        // Padding between causes counts in the chunk length; after the last one it does not.
        len += i + 1 < causes.size() ? sctp_padded(one) : one;
        if (len > max_chunk_value) return false;
    }
    std::uint8_t* v = begin(type, flags, len);
    if (v == nullptr) return false;
    for (const auto& c : causes) v += put_tlv(v, c.code, c.info);
    return true;
}

bool SctpChunkWriter::abort(bool t_flag, std::span<const SctpCause> causes) noexcept {
    return causes_chunk(sctp_chunk::abort, t_flag ? sctp_flag_t : 0, causes);
}

bool SctpChunkWriter::error(std::span<const SctpCause> causes) noexcept {
    return causes_chunk(sctp_chunk::error, 0, causes);
}

bool SctpChunkWriter::shutdown(std::uint32_t cumulative_tsn_ack) noexcept {
    std::uint8_t* v = begin(sctp_chunk::shutdown, 0, 4);
    if (v == nullptr) return false;
    store_be32(v, cumulative_tsn_ack);
    return true;
}

bool SctpChunkWriter::shutdown_ack() noexcept { return begin(sctp_chunk::shutdown_ack, 0, 0) != nullptr; }

bool SctpChunkWriter::shutdown_complete(bool t_flag) noexcept {
    return begin(sctp_chunk::shutdown_complete, t_flag ? sctp_flag_t : 0, 0) != nullptr;
}

bool SctpChunkWriter::cookie_echo(std::span<const std::uint8_t> cookie) noexcept {
    std::uint8_t* v = begin(sctp_chunk::cookie_echo, 0, cookie.size());
    if (v == nullptr) return false;
    if (!cookie.empty()) std::memcpy(v, cookie.data(), cookie.size());
    return true;
}

bool SctpChunkWriter::cookie_ack() noexcept { return begin(sctp_chunk::cookie_ack, 0, 0) != nullptr; }

}  // namespace tg::proto
