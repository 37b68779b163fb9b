// Why a frame, chunk or option list was not accepted, and at which layer.
#pragma once

#include <cstdint>
#include <string>

namespace tg::proto {

enum class Layer : std::uint8_t {
    ethernet,
    vlan,
    arp,
    ipv4,
    ipv6,
    icmp,
    icmpv6,
    udp,
    tcp,
    sctp,
};

enum class ParseError : std::uint8_t {
    none,
    truncated,           // the buffer ends before the header or the length it announces
    bad_length,          // a length field that cannot be right (shorter than its header, ...)
    bad_version,         // IP version field does not match the EtherType
    bad_header_length,   // IPv4 IHL or TCP data offset below the minimum
    bad_checksum,
    bad_options,         // malformed IPv4 or TCP options
    bad_value,           // a field holds a value the protocol forbids (SCTP initiate tag 0, ...)
    unknown_protocol,    // EtherType or IP protocol this parser does not decode
    too_many_vlan_tags,  // more than two stacked tags
    not_ethernet_ii,     // 802.3 length field instead of an EtherType
    fragment,            // a non-first or incomplete fragment: no transport header to read
    unsupported,         // a valid form this parser does not handle (ARP for another protocol, ...)
};

[[nodiscard]] const char* to_string(Layer l) noexcept;
[[nodiscard]] const char* to_string(ParseError e) noexcept;

struct ParseStatus {
    ParseError error = ParseError::none;
    Layer layer = Layer::ethernet;

    [[nodiscard]] constexpr bool ok() const noexcept { return error == ParseError::none; }
    // "ipv4: bad checksum"
    [[nodiscard]] std::string describe() const;
    friend constexpr bool operator==(const ParseStatus&, const ParseStatus&) = default;
};

}  // namespace tg::proto
