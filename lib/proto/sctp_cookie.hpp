// The state cookie of an SCTP server (RFC 9260 section 5.1.3): everything the server
// needs to build an association, sent to the client in INIT ACK and returned in COOKIE
// ECHO, so that the server keeps no state for an INIT. It is signed with HMAC-SHA256
// under a secret only the server knows, and carries its creation time and lifetime.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "proto/address.hpp"

namespace tg::proto {

struct SctpCookieState {
    std::uint32_t local_tag = 0;   // the server's initiate tag
    std::uint32_t peer_tag = 0;    // the client's initiate tag
    std::uint32_t local_tsn = 0;   // the server's initial TSN
    std::uint32_t peer_tsn = 0;    // the client's initial TSN
    std::uint32_t peer_rwnd = 0;
    std::uint16_t outbound_streams = 0;  // agreed: server to client
    std::uint16_t inbound_streams = 0;   // agreed: client to server
    std::uint16_t local_port = 0;
    std::uint16_t peer_port = 0;
    IpAddress local_address{};
    IpAddress peer_address{};
    std::uint64_t created_ms = 0;   // server clock
    std::uint32_t lifetime_ms = 0;
    friend bool operator==(const SctpCookieState&, const SctpCookieState&) = default;
};

enum class SctpCookieCheck : std::uint8_t {
    ok,
    malformed,  // not a cookie of this format
    forged,     // the signature does not match: not ours, or altered
    stale,      // ours, but older than its lifetime
};

[[nodiscard]] const char* to_string(SctpCookieCheck c) noexcept;

class SctpCookieSigner {
public:
    static constexpr std::size_t key_size = 32;
    static constexpr std::size_t mac_size = 32;

    // A signer with a fresh random key (from the system's CSPRNG).
    SctpCookieSigner();
    explicit SctpCookieSigner(const std::array<std::uint8_t, key_size>& key) noexcept : key_(key) {}

    [[nodiscard]] std::vector<std::uint8_t> seal(const SctpCookieState& state) const;

    // Checks the signature first, then the age at `now_ms`; `stale_by_us` says by how
    // much it is too old (what the Stale Cookie error cause carries).
    [[nodiscard]] SctpCookieCheck open(std::span<const std::uint8_t> cookie, std::uint64_t now_ms,
                                       SctpCookieState& out, std::uint32_t& stale_by_us) const;

private:
    std::array<std::uint8_t, mac_size> mac(std::span<const std::uint8_t> data) const;

    std::array<std::uint8_t, key_size> key_{};
};

}  // namespace tg::proto
