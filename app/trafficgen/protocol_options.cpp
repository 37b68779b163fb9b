#include "protocol_options.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>

#include "option_values.hpp"
#include "proto/dns.hpp"
#include "proto/ethernet.hpp"
#include "traffic/config_error.hpp"

namespace tg::app {

namespace {

using traffic::ConfigError;
using traffic::Protocol;

std::string trimmed(std::string s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string::npos) return {};
    const auto last = s.find_last_not_of(" \t\r");
    return s.substr(first, last - first + 1);
}

constexpr std::size_t max_dns_names = 65536;

std::vector<std::string> dns_names(const std::string& text) {
    std::vector<std::string> names;
    if (!text.empty() && text.front() == '@') {
        const std::string path = text.substr(1);
        std::ifstream in(path);
        if (!in) throw ConfigError("--dns-names " + text + ": cannot read the file '" + path + "'");
        std::string line;
        while (std::getline(in, line) && names.size() <= max_dns_names) {
            line = trimmed(line.substr(0, line.find('#')));
            if (!line.empty()) names.push_back(line);
        }
        if (names.empty()) throw ConfigError("--dns-names " + text + ": the file has no names (one per line, # comments)");
    } else {
        std::size_t start = 0;
        while (start <= text.size() && names.size() <= max_dns_names) {
            std::size_t comma = text.find(',', start);
            if (comma == std::string::npos) comma = text.size();
            names.push_back(trimmed(text.substr(start, comma - start)));
            start = comma + 1;
        }
    }
    if (names.size() > max_dns_names) {
        throw ConfigError("--dns-names gives more than " + std::to_string(max_dns_names) + " names");
    }
    for (const auto& n : names) {
        std::string why;
        if (proto::dns_query(n, proto::dns_type::a, why).empty()) {
            throw ConfigError("--dns-names has '" + n + "', which is not a DNS name: " + why);
        }
    }
    return names;
}

std::uint16_t ether_type(const std::string& text) {
    std::uint32_t v = 0;
    const bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    const char* b = text.data() + (hex ? 2 : 0);
    const char* e = text.data() + text.size();
    const auto [end, ec] = std::from_chars(b, e, v, hex ? 16 : 10);
    if (b == e || ec != std::errc() || end != e || v < proto::ether_type::min_ether_type || v > 0xffff) {
        throw ConfigError("--ethertype '" + text + "' is not an EtherType: give 0x0600..0xffff, such as 0x88b5");
    }
    for (std::uint16_t taken : {proto::ether_type::ipv4, proto::ether_type::ipv6, proto::ether_type::arp,
                                proto::ether_type::vlan, proto::ether_type::qinq}) {
        if (v == taken) {
            throw ConfigError("--ethertype '" + text + "' is IPv4, IPv6, ARP or a VLAN tag, which receivers parse as "
                              "such: give another, such as 0x88b5 (use --proto udp, arp or --vlan for those)");
        }
    }
    return static_cast<std::uint16_t>(v);
}

std::vector<std::uint8_t> hex_bytes(const std::string& text) {
    std::string digits = text;
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) digits = digits.substr(2);
    std::vector<std::uint8_t> out;
    const bool ok = !digits.empty() && digits.size() % 2 == 0 && digits.size() <= 2048 &&
                    digits.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
    if (!ok) {
        throw ConfigError("--payload-pattern '" + text + "' is not hex bytes: give pairs of hex digits, 1..1024 "
                          "bytes, such as deadbeef");
    }
    for (std::size_t i = 0; i < digits.size(); i += 2) {
        std::uint8_t b = 0;
        std::from_chars(digits.data() + i, digits.data() + i + 2, b, 16);
        out.push_back(b);
    }
    return out;
}

void only_with(const Options& o, Protocol p, const std::string& text, const char* option) {
    if (!text.empty() && !sends(o, p)) {
        throw ConfigError(std::string(option) + " belongs to --proto " + traffic::to_string(p) +
                          ", which this run does not send: add " + traffic::to_string(p) + " to --proto or --mix");
    }
}

}  // namespace

void parse_answered_options(Options& o, const ProtocolOptionTexts& t) {
    only_with(o, Protocol::dns, t.dns_names, "--dns-names");
    only_with(o, Protocol::dns, t.dns_type, "--dns-type");
    only_with(o, Protocol::dns, t.dns_port, "--dns-port");
    only_with(o, Protocol::dns, t.dns_timeout, "--dns-timeout");
    only_with(o, Protocol::raw, t.ether_type, "--ethertype");
    only_with(o, Protocol::raw, t.payload_pattern, "--payload-pattern");
    if (o.role == Role::sink) return;
    if (sends(o, Protocol::dns)) {
        if (t.dns_names.empty()) {
            throw ConfigError("--proto dns queries names: give them with --dns-names www.example.org,... or "
                              "--dns-names @FILE (one per line)");
        }
        o.dns_names = dns_names(t.dns_names);
        if (!t.dns_type.empty()) {
            const auto type = proto::parse_dns_type(t.dns_type);
            if (!type) {
                throw ConfigError("--dns-type '" + t.dns_type + "' is not a query type: give A, AAAA, NS, CNAME, "
                                  "SOA, PTR, MX, TXT, SRV, NAPTR, ANY or a number 1..65535");
            }
            o.dns_type = *type;
        }
        if (!t.dns_port.empty()) {
            o.dns_port = static_cast<std::uint16_t>(whole_number(t.dns_port, "--dns-port", 1, 65535, "a port, 1..65535"));
        }
        if (!t.dns_timeout.empty()) o.dns_timeout_s = seconds(t.dns_timeout, "--dns-timeout", false);
    }
    if (!t.ether_type.empty()) o.ether_type = ether_type(t.ether_type);
    if (!t.payload_pattern.empty()) o.payload_pattern = hex_bytes(t.payload_pattern);
    const bool answered = std::any_of(traffic::all_protocols, traffic::all_protocols + traffic::protocol_count,
                                      [&](Protocol p) { return traffic::is_answered(p) && sends(o, p); });
    if (answered && o.round_trip) {
        throw ConfigError("--round-trip counts what a reflector sends back; icmp, arp and dns are answered by their "
                          "peer and counted anyway: leave out --round-trip");
    }
}

}  // namespace tg::app
