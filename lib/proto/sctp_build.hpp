// Writes SCTP chunks, each padded to 4 bytes with zeros, one after another into a
// caller's buffer. The result is the `chunks` argument of build_sctp_frame().
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "proto/address.hpp"
#include "proto/sctp.hpp"
#include "proto/sctp_parse.hpp"

namespace tg::proto {

struct SctpDataSpec {
    std::uint32_t tsn = 0;
    std::uint16_t stream_id = 0;
    std::uint16_t stream_seq = 0;
    std::uint32_t ppid = 0;
    std::uint8_t flags = sctp_data_flag::whole_message;
};

// INIT or INIT ACK. Addresses, supported address types and (INIT ACK only) the state
// cookie are written as parameters in that order when given.
struct SctpInitSpec {
    std::uint32_t initiate_tag = 0;
    std::uint32_t a_rwnd = 0;
    std::uint16_t outbound_streams = 0;
    std::uint16_t inbound_streams = 0;
    std::uint32_t initial_tsn = 0;
    std::span<const Ipv4Address> ipv4_addresses{};
    std::span<const Ipv6Address> ipv6_addresses{};
    std::span<const std::uint16_t> supported_address_types{};  // sctp_param::ipv4_address / ipv6_address
    std::span<const std::uint8_t> state_cookie{};
};

struct SctpCause {
    std::uint16_t code = 0;  // sctp_cause
    std::span<const std::uint8_t> info{};
};

class SctpChunkWriter {
public:
    explicit SctpChunkWriter(std::span<std::uint8_t> out) noexcept : out_(out) {}

    // Each returns false, and writes nothing, when the chunk does not fit in what is
    // left of the buffer or would be longer than a chunk length can say.
    bool data(const SctpDataSpec& spec, std::span<const std::uint8_t> user_data) noexcept;
    bool init(const SctpInitSpec& spec) noexcept;
    bool init_ack(const SctpInitSpec& spec) noexcept;
    bool sack(std::uint32_t cumulative_tsn_ack, std::uint32_t a_rwnd, std::span<const SctpGap> gaps,
              std::span<const std::uint32_t> duplicate_tsns) noexcept;
    bool heartbeat(std::span<const std::uint8_t> info) noexcept;
    bool heartbeat_ack(std::span<const std::uint8_t> info) noexcept;
    bool abort(bool t_flag, std::span<const SctpCause> causes) noexcept;
    bool shutdown(std::uint32_t cumulative_tsn_ack) noexcept;
    bool shutdown_ack() noexcept;
    bool shutdown_complete(bool t_flag) noexcept;
    bool error(std::span<const SctpCause> causes) noexcept;
    bool cookie_echo(std::span<const std::uint8_t> cookie) noexcept;
    bool cookie_ack() noexcept;

    [[nodiscard]] std::size_t size() const noexcept { return used_; }
    [[nodiscard]] std::span<const std::uint8_t> written() const noexcept { return out_.first(used_); }

private:
    // Reserves a chunk of `value_len` bytes after the header (zeroed, padding included)
    // and returns a pointer to its value, or null when it does not fit.
    std::uint8_t* begin(std::uint8_t type, std::uint8_t flags, std::size_t value_len) noexcept;
    bool init_common(std::uint8_t type, const SctpInitSpec& spec) noexcept;
    bool tlv_chunk(std::uint8_t type, std::uint8_t flags, std::uint16_t tlv_type,
                   std::span<const std::uint8_t> value) noexcept;
    bool causes_chunk(std::uint8_t type, std::uint8_t flags, std::span<const SctpCause> causes) noexcept;

    std::span<std::uint8_t> out_;
    std::size_t used_ = 0;
};

// Chunks written by `write` (given a writer over `capacity` bytes) as one packet's worth,
// for control packets, which are few and may allocate.
template <typename Write>
[[nodiscard]] std::vector<std::uint8_t> sctp_chunks(std::size_t capacity, Write write) {
    std::vector<std::uint8_t> buf(capacity);
    SctpChunkWriter w(buf);
    write(w);
    buf.resize(w.size());
    return buf;
}

}  // namespace tg::proto
