#include "traffic/protocol.hpp"

#include <charconv>

#include "traffic/config_error.hpp"

namespace tg::traffic {

const char* to_string(Protocol p) noexcept {
    switch (p) {
        case Protocol::tcp: return "tcp";
        case Protocol::udp: return "udp";
        case Protocol::sctp: return "sctp";
        case Protocol::icmp: return "icmp";
        case Protocol::arp: return "arp";
        case Protocol::dns: return "dns";
        case Protocol::raw: return "raw";
    }
    return "unknown";
}

std::uint8_t ip_protocol_number(Protocol p) noexcept {
    switch (p) {
        case Protocol::tcp: return 6;
        case Protocol::udp: return 17;
        case Protocol::sctp: return 132;
        case Protocol::icmp: return 1;
        case Protocol::dns: return 17;
        case Protocol::arp:
        case Protocol::raw: return 0;
    }
    return 0;
}

std::vector<WeightedProtocol> parse_protocols(std::string_view text, std::string_view what) {
    std::vector<WeightedProtocol> out;
    std::string_view rest = text;
    while (true) {
        const std::size_t comma = rest.find(',');
        const std::string_view item = rest.substr(0, comma);
        const std::size_t colon = item.find(':');
        const std::string_view name = item.substr(0, colon);
        WeightedProtocol wp;
        if (name == "tcp") wp.protocol = Protocol::tcp;
        else if (name == "udp") wp.protocol = Protocol::udp;
        else if (name == "sctp") wp.protocol = Protocol::sctp;
        else if (name == "icmp") wp.protocol = Protocol::icmp;
        else if (name == "arp") wp.protocol = Protocol::arp;
        else if (name == "dns") wp.protocol = Protocol::dns;
        else if (name == "raw") wp.protocol = Protocol::raw;
        else {
            throw ConfigError(std::string(what) + " has unknown protocol '" + std::string(name) +
                              "': use tcp, udp, sctp, icmp, arp, dns or raw, comma-separated");
        }
        if (colon != std::string_view::npos) {
            const std::string_view w = item.substr(colon + 1);
            const auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), wp.weight);
            if (w.empty() || ec != std::errc() || end != w.data() + w.size() || wp.weight == 0 || wp.weight > 1000) {
                throw ConfigError(std::string(what) + " has weight '" + std::string(w) + "' for " +
                                  std::string(name) + ": weights are whole numbers 1..1000");
            }
        }
        for (const auto& seen : out) {
            if (seen.protocol == wp.protocol) {
                throw ConfigError(std::string(what) + " names " + std::string(name) + " twice");
            }
        }
        out.push_back(wp);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return out;
}

}  // namespace tg::traffic
