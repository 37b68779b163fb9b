#include "proto/address.hpp"

#include <arpa/inet.h>

#include <cstdio>

namespace tg::proto {

namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// inet_pton needs a NUL-terminated string; addresses are short, so a stack copy is enough.
template <int Family, std::size_t Size>
bool pton(std::string_view text, std::array<std::uint8_t, Size>& out) {
    char buf[INET6_ADDRSTRLEN + 1];
    if (text.size() >= sizeof(buf)) return false;
    text.copy(buf, text.size());
    buf[text.size()] = '\0';
    return inet_pton(Family, buf, out.data()) == 1;
}

template <int Family, std::size_t Size>
std::string ntop(const std::array<std::uint8_t, Size>& in) {
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(Family, in.data(), buf, sizeof(buf));
    return buf;
}

}  // namespace

std::optional<MacAddress> MacAddress::parse(std::string_view text) {
    // Exactly six pairs of hex digits separated by ':' or '-'.
    if (text.size() != 17) return std::nullopt;
    MacAddress mac;
    for (std::size_t i = 0; i < 6; ++i) {
        const int hi = hex_digit(text[3 * i]);
        const int lo = hex_digit(text[3 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        if (i < 5 && text[3 * i + 2] != ':' && text[3 * i + 2] != '-') return std::nullopt;
        mac.bytes[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    return mac;
}

std::string MacAddress::to_string() const {
    char buf[18];
    std::snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", bytes[0], bytes[1], bytes[2],
                  bytes[3], bytes[4], bytes[5]);
    return buf;
}

std::optional<Ipv4Address> Ipv4Address::parse(std::string_view text) {
    Ipv4Address a;
    if (!pton<AF_INET>(text, a.bytes)) return std::nullopt;
    return a;
}

std::string Ipv4Address::to_string() const { return ntop<AF_INET>(bytes); }

std::optional<Ipv6Address> Ipv6Address::parse(std::string_view text) {
    Ipv6Address a;
    if (!pton<AF_INET6>(text, a.bytes)) return std::nullopt;
    return a;
}

std::string Ipv6Address::to_string() const { return ntop<AF_INET6>(bytes); }

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    if (auto v4 = Ipv4Address::parse(text)) return IpAddress(*v4);
    if (auto v6 = Ipv6Address::parse(text)) return IpAddress(*v6);
    return std::nullopt;
}

std::string IpAddress::to_string() const { return is_v4() ? v4.to_string() : v6.to_string(); }

}  // namespace tg::proto
