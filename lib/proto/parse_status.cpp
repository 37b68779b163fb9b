#include "proto/parse_status.hpp"

namespace tg::proto {

const char* to_string(Layer l) noexcept {
    switch (l) {
        case Layer::ethernet: return "ethernet";
        case Layer::vlan: return "vlan";
        case Layer::arp: return "arp";
        case Layer::ipv4: return "ipv4";
        case Layer::ipv6: return "ipv6";
        case Layer::icmp: return "icmp";
        case Layer::icmpv6: return "icmpv6";
        case Layer::udp: return "udp";
        case Layer::tcp: return "tcp";
        case Layer::sctp: return "sctp";
    }
    return "unknown layer";
}

const char* to_string(ParseError e) noexcept {
    switch (e) {
        case ParseError::none: return "ok";
        case ParseError::truncated: return "truncated";
        case ParseError::bad_length: return "bad length";
        case ParseError::bad_version: return "bad version";
        case ParseError::bad_header_length: return "bad header length";
        case ParseError::bad_checksum: return "bad checksum";
        case ParseError::bad_options: return "bad options";
        case ParseError::bad_value: return "bad value";
        case ParseError::unknown_protocol: return "unknown protocol";
        case ParseError::too_many_vlan_tags: return "too many vlan tags";
        case ParseError::not_ethernet_ii: return "not ethernet ii";
        case ParseError::fragment: return "fragment";
        case ParseError::unsupported: return "unsupported";
    }
    return "unknown error";
}

std::string ParseStatus::describe() const {
    if (ok()) return "ok";
    return std::string(to_string(layer)) + ": " + to_string(error);
}

}  // namespace tg::proto
