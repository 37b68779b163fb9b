// The protocols trafficgen sends, and how several are combined: rotated one after another
// (--proto tcp,udp,sctp with --protocol-duration), or mixed at once by weight
// (--mix tcp:1,udp:2,sctp:1). Besides the three transports: ICMP echo requests, ARP
// requests and DNS queries, each answered by the peer and the answers counted where they
// were sent from, and raw Ethernet frames of any EtherType.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tg::traffic {

enum class Protocol : std::uint8_t { tcp, udp, sctp, icmp, arp, dns, raw };

inline constexpr std::size_t protocol_count = 7;
inline constexpr Protocol all_protocols[] = {Protocol::tcp, Protocol::udp,  Protocol::sctp, Protocol::icmp,
                                             Protocol::arp, Protocol::dns, Protocol::raw};

[[nodiscard]] const char* to_string(Protocol p) noexcept;
// The IP protocol number (ICMP: IPv4's; ICMPv6 is 58); 0 for ARP and raw Ethernet.
[[nodiscard]] std::uint8_t ip_protocol_number(Protocol p) noexcept;
// ICMP echo, ARP and DNS: the peer answers each request, and the answers are counted
// (with the round-trip time) where they were sent from.
[[nodiscard]] constexpr bool is_answered(Protocol p) noexcept {
    return p == Protocol::icmp || p == Protocol::arp || p == Protocol::dns;
}
// TCP, UDP and SCTP: a transport with ports whose checksum a NIC can compute.
[[nodiscard]] constexpr bool is_transport(Protocol p) noexcept {
    return p == Protocol::tcp || p == Protocol::udp || p == Protocol::sctp;
}

struct WeightedProtocol {
    Protocol protocol = Protocol::tcp;
    std::uint32_t weight = 1;
};

// "tcp,udp,sctp" (weights 1) or "tcp:1,udp:2"; each protocol at most once.
[[nodiscard]] std::vector<WeightedProtocol> parse_protocols(std::string_view text, std::string_view what);

}  // namespace tg::traffic
