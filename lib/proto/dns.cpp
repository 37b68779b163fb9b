#include "proto/dns.hpp"

#include <charconv>

#include "proto/byte_order.hpp"

namespace tg::proto {

namespace {

struct NamedType {
    const char* name;
    std::uint16_t type;
};

constexpr NamedType named_types[] = {{"A", dns_type::a},     {"NS", dns_type::ns},   {"CNAME", dns_type::cname},
                                     {"SOA", dns_type::soa}, {"PTR", dns_type::ptr}, {"MX", dns_type::mx},
                                     {"TXT", dns_type::txt}, {"AAAA", dns_type::aaaa}, {"SRV", dns_type::srv},
                                     {"NAPTR", dns_type::naptr}, {"ANY", dns_type::any}};

bool same_letters(std::string_view a, const char* b) noexcept {
    std::size_t i = 0;
    for (; i < a.size() && b[i] != '\0'; ++i) {
        const char c = a[i] >= 'a' && a[i] <= 'z' ? static_cast<char>(a[i] - 'a' + 'A') : a[i];
        if (c != b[i]) return false;
    }
    return i == a.size() && b[i] == '\0';
}

bool label_byte(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '*';
}

}  // namespace

std::optional<std::uint16_t> parse_dns_type(std::string_view text) noexcept {
    for (const auto& t : named_types) {
        if (same_letters(text, t.name)) return t.type;
    }
    std::uint32_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n == 0 || n > 65535) {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(n);
}

std::string dns_type_name(std::uint16_t type) {
    for (const auto& t : named_types) {
        if (t.type == type) return t.name;
    }
    return "TYPE" + std::to_string(type);
}

std::vector<std::uint8_t> dns_query(std::string_view name, std::uint16_t type, std::string& why) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);  // the root's dot
    if (name.empty()) {
        why = "it is empty";
        return {};
    }
    if (name.size() > 253) {
        why = "it is " + std::to_string(name.size()) + " bytes long; a name has at most 253";
        return {};
    }
    std::vector<std::uint8_t> q(dns_header_size, 0);
    q[2] = 0x01;  // RD: a resolver on the path recurses for us
    q[5] = 1;     // one question
    std::size_t start = 0;
    while (start <= name.size()) {
        std::size_t dot = name.find('.', start);
        if (dot == std::string_view::npos) dot = name.size();
        const std::string_view label = name.substr(start, dot - start);
        if (label.empty()) {
            why = "it has an empty label (two dots in a row, or a leading dot)";
            return {};
        }
        if (label.size() > 63) {
            why = "its label '" + std::string(label.substr(0, 16)) + "...' is " + std::to_string(label.size()) +
                  " bytes long; a label has at most 63";
            return {};
        }
        for (char c : label) {
            if (!label_byte(c)) {
                why = std::string("it has the byte '") + c + "'; names are letters, digits, '-', '_' and '*'";
                return {};
            }
        }
        q.push_back(static_cast<std::uint8_t>(label.size()));
        q.insert(q.end(), label.begin(), label.end());
        start = dot + 1;
    }
    q.push_back(0);  // the root
    q.push_back(static_cast<std::uint8_t>(type >> 8));
    q.push_back(static_cast<std::uint8_t>(type));
    q.push_back(0);
    q.push_back(1);  // class IN
    return q;
}

std::optional<DnsHeaderView> read_dns_header(std::span<const std::uint8_t> m) noexcept {
    if (m.size() < dns_header_size) return std::nullopt;
    DnsHeaderView h;
    h.id = load_be16(m.data());
    h.response = (m[2] & 0x80) != 0;
    h.opcode = static_cast<std::uint8_t>((m[2] >> 3) & 0x0f);
    h.truncated = (m[2] & 0x02) != 0;
    h.rcode = static_cast<std::uint8_t>(m[3] & 0x0f);
    h.questions = load_be16(m.data() + 4);
    h.answers = load_be16(m.data() + 6);
    return h;
}

const char* dns_rcode_name(std::uint8_t rcode) noexcept {
    static constexpr const char* names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",  "REFUSED",
                                            "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE", "DSOTYPENI",
                                            "RCODE12", "RCODE13", "RCODE14",  "RCODE15"};
    return names[rcode & 0x0f];
}

}  // namespace tg::proto
