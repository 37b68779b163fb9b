#include "proto/sctp_cookie.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "proto/byte_order.hpp"

namespace tg::proto {

namespace {

// Layout: version (1), family (1), two ports, four 32-bit tags and TSNs, rwnd, two stream
// counts, created (8), lifetime (4), two 16-byte addresses (IPv4 in the first 4), MAC.
constexpr std::uint8_t cookie_version = 1;
constexpr std::size_t body_size = 1 + 1 + 2 + 2 + 4 * 5 + 2 + 2 + 8 + 4 + 16 + 16;

void put_address(std::uint8_t* p, const IpAddress& a) noexcept {
    std::fill(p, p + 16, std::uint8_t{0});
    if (a.is_v4()) std::copy(a.v4.bytes.begin(), a.v4.bytes.end(), p);
    else std::copy(a.v6.bytes.begin(), a.v6.bytes.end(), p);
}

IpAddress get_address(const std::uint8_t* p, bool v4) noexcept {
    if (v4) {
        Ipv4Address a;
        std::copy(p, p + 4, a.bytes.begin());
        return a;
    }
    Ipv6Address a;
    std::copy(p, p + 16, a.bytes.begin());
    return a;
}

}  // namespace

const char* to_string(SctpCookieCheck c) noexcept {
    switch (c) {
        case SctpCookieCheck::ok: return "ok";
        case SctpCookieCheck::malformed: return "malformed";
        case SctpCookieCheck::forged: return "forged";
        case SctpCookieCheck::stale: return "stale";
    }
    return "unknown";
}

SctpCookieSigner::SctpCookieSigner() {
    if (RAND_bytes(key_.data(), static_cast<int>(key_.size())) != 1) {
        throw std::runtime_error("no random bytes for the SCTP cookie key");
    }
}

std::array<std::uint8_t, SctpCookieSigner::mac_size> SctpCookieSigner::mac(std::span<const std::uint8_t> data) const {
    std::array<std::uint8_t, mac_size> out{};
    unsigned int len = 0;
    HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), data.data(), data.size(), out.data(), &len);
    return out;
}

std::vector<std::uint8_t> SctpCookieSigner::seal(const SctpCookieState& s) const {
    std::vector<std::uint8_t> c(body_size + mac_size);
    std::uint8_t* p = c.data();
    p[0] = cookie_version;
    p[1] = s.peer_address.is_v4() ? 4 : 6;
    store_be16(p + 2, s.local_port);
    store_be16(p + 4, s.peer_port);
    store_be32(p + 6, s.local_tag);
    store_be32(p + 10, s.peer_tag);
    store_be32(p + 14, s.local_tsn);
    store_be32(p + 18, s.peer_tsn);
    store_be32(p + 22, s.peer_rwnd);
    store_be16(p + 26, s.outbound_streams);
    store_be16(p + 28, s.inbound_streams);
    store_be64(p + 30, s.created_ms);
    store_be32(p + 38, s.lifetime_ms);
    put_address(p + 42, s.local_address);
    put_address(p + 58, s.peer_address);
    const auto m = mac({c.data(), body_size});
    std::copy(m.begin(), m.end(), c.begin() + body_size);
    return c;
}

SctpCookieCheck SctpCookieSigner::open(std::span<const std::uint8_t> cookie, std::uint64_t now_ms,
                                       SctpCookieState& s, std::uint32_t& stale_by_us) const {
    stale_by_us = 0;
    if (cookie.size() != body_size + mac_size) return SctpCookieCheck::malformed;
    const auto m = mac(cookie.first(body_size));
    if (CRYPTO_memcmp(m.data(), cookie.data() + body_size, mac_size) != 0) return SctpCookieCheck::forged;
    const std::uint8_t* p = cookie.data();
    if (p[0] != cookie_version || (p[1] != 4 && p[1] != 6)) return SctpCookieCheck::malformed;
    const bool v4 = p[1] == 4;
    s.local_port = load_be16(p + 2);
    s.peer_port = load_be16(p + 4);
    s.local_tag = load_be32(p + 6);
    s.peer_tag = load_be32(p + 10);
    s.local_tsn = load_be32(p + 14);
    s.peer_tsn = load_be32(p + 18);
    s.peer_rwnd = load_be32(p + 22);
    s.outbound_streams = load_be16(p + 26);
    s.inbound_streams = load_be16(p + 28);
    s.created_ms = load_be64(p + 30);
    s.lifetime_ms = load_be32(p + 38);
    s.local_address = get_address(p + 42, v4);
    s.peer_address = get_address(p + 58, v4);
    const std::uint64_t expires = s.created_ms + s.lifetime_ms;
    if (now_ms > expires) {
        const std::uint64_t late_us = (now_ms - expires) * 1000;
        stale_by_us = late_us > 0xffffffffu ? 0xffffffffu : static_cast<std::uint32_t>(late_us);
        return SctpCookieCheck::stale;
    }
    return SctpCookieCheck::ok;
}

}  // namespace tg::proto
