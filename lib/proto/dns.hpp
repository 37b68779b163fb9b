// DNS messages (RFC 1035), as far as a load generator needs them: a query for one name
// and type, written once into a frame template (the ID is stamped per packet), and the
// header of a response, read to match it to its query and count it by RCODE.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tg::proto {

inline constexpr std::size_t dns_header_size = 12;
inline constexpr std::uint16_t dns_port = 53;

namespace dns_type {
inline constexpr std::uint16_t a = 1;
inline constexpr std::uint16_t ns = 2;
inline constexpr std::uint16_t cname = 5;
inline constexpr std::uint16_t soa = 6;
inline constexpr std::uint16_t ptr = 12;
inline constexpr std::uint16_t mx = 15;
inline constexpr std::uint16_t txt = 16;
inline constexpr std::uint16_t aaaa = 28;
inline constexpr std::uint16_t srv = 33;
inline constexpr std::uint16_t naptr = 35;
inline constexpr std::uint16_t any = 255;
}  // namespace dns_type

// "A", "AAAA", "SRV", ... or a number 1..65535; nullopt for anything else.
[[nodiscard]] std::optional<std::uint16_t> parse_dns_type(std::string_view text) noexcept;
[[nodiscard]] std::string dns_type_name(std::uint16_t type);

// The query as it goes on the wire with ID 0 and recursion desired: header, the name in
// labels, type, class IN. Empty, with `why` set, when the name is not one DNS can carry
// (an empty label, a label over 63 bytes, a name over 253, a byte that is not a letter,
// digit, '-', '_' or '*').
[[nodiscard]] std::vector<std::uint8_t> dns_query(std::string_view name, std::uint16_t type, std::string& why);

struct DnsHeaderView {
    std::uint16_t id = 0;
    bool response = false;  // QR
    std::uint8_t opcode = 0;
    bool truncated = false;
    std::uint8_t rcode = 0;  // the header's 4 bits (extended RCODEs live in EDNS)
    std::uint16_t questions = 0;
    std::uint16_t answers = 0;
};

// The header of a DNS message; nullopt when the message is shorter than a header.
[[nodiscard]] std::optional<DnsHeaderView> read_dns_header(std::span<const std::uint8_t> message) noexcept;

// NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED, ... (RFC 6895); "RCODE<n>" past those named.
[[nodiscard]] const char* dns_rcode_name(std::uint8_t rcode) noexcept;

}  // namespace tg::proto
