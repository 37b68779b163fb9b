#include "traffic/frame_template.hpp"

#include <algorithm>
#include <cstring>

#include "proto/byte_order.hpp"
#include "proto/checksum.hpp"
#include "proto/dns.hpp"
#include "proto/ethernet.hpp"
#include "proto/icmp.hpp"
#include "proto/ip.hpp"
#include "proto/sctp.hpp"
#include "proto/sctp_build.hpp"
#include "proto/tcp.hpp"
#include "proto/test_header.hpp"
#include "proto/udp.hpp"
#include "traffic/config_error.hpp"

namespace tg::traffic {

namespace {

std::uint32_t transport_header(Protocol p) noexcept {
    switch (p) {
        case Protocol::udp:
        case Protocol::dns: return sizeof(proto::UdpHeader);
        case Protocol::tcp: return sizeof(proto::TcpHeader);
        case Protocol::sctp: return sizeof(proto::SctpCommonHeader) + sizeof(proto::SctpDataChunk);
        case Protocol::icmp: return sizeof(proto::IcmpEchoHeader);
        case Protocol::arp:
        case Protocol::raw: return 0;
    }
    return 0;
}

// What sits between the Ethernet header and the transport: IP, an ARP request, or nothing.
std::uint32_t network_header(Protocol p, bool ipv6) noexcept {
    if (p == Protocol::arp) return sizeof(proto::ArpPacket);
    if (p == Protocol::raw) return 0;
    return ipv6 ? sizeof(proto::Ipv6Header) : sizeof(proto::Ipv4Header);
}

std::uint32_t l2_header(std::uint8_t vlan_count) noexcept {
    return static_cast<std::uint32_t>(sizeof(proto::EthernetHeader) + sizeof(proto::VlanTag) * vlan_count);
}

// What the transport carries at the least: the test header, a DNS header, nothing (ARP).
std::uint32_t least_payload(Protocol p) noexcept {
    if (p == Protocol::arp) return 0;
    if (p == Protocol::dns) return static_cast<std::uint32_t>(proto::dns_header_size);
    return static_cast<std::uint32_t>(proto::test_header_size);
}

}  // namespace

std::uint32_t FrameTemplate::min_frame_size(Protocol p, bool ipv6, std::uint8_t vlan_count) noexcept {
    std::uint32_t above_l3 = transport_header(p) + least_payload(p);
    // SCTP packets are a multiple of 4 bytes: the DATA chunk is padded.
    if (p == Protocol::sctp) above_l3 = static_cast<std::uint32_t>(proto::sctp_padded(above_l3));
    const std::uint32_t need = l2_header(vlan_count) + network_header(p, ipv6) + above_l3 +
                               static_cast<std::uint32_t>(proto::ethernet_fcs_size);
    return need < 64 ? 64 : need;
}

std::uint32_t FrameTemplate::frame_size_for_payload(Protocol p, bool ipv6, std::uint8_t vlan_count,
                                                   std::uint32_t payload) noexcept {
    if (p == Protocol::arp) return min_frame_size(p, ipv6, vlan_count);
    std::uint32_t above_l3 = transport_header(p) + payload;
    if (p == Protocol::sctp) above_l3 = static_cast<std::uint32_t>(proto::sctp_padded(above_l3));
    const std::uint32_t size = l2_header(vlan_count) + network_header(p, ipv6) + above_l3 +
                               static_cast<std::uint32_t>(proto::ethernet_fcs_size);
    return size < 64 ? 64 : size;
}

FrameTemplate::FrameTemplate(const TemplateSpec& spec) : spec_(spec) {
    const Protocol p = spec.protocol;
    if (p == Protocol::arp && spec.ipv6) {
        throw ConfigError("--proto arp asks for IPv4 addresses; IPv6 finds its neighbours with ICMPv6 "
                          "(trafficgen answers neighbour solicitations itself)");
    }
    // ARP and DNS frames are as long as their request: --size does not apply.
    if (p == Protocol::arp) spec_.frame_size = min_frame_size(p, false, spec.l2.vlan_count);
    if (p == Protocol::dns) {
        if (spec.dns_query.size() < proto::dns_header_size) throw ConfigError("a DNS template needs a query");
        spec_.frame_size = frame_size_for_payload(p, spec.ipv6, spec.l2.vlan_count,
                                                  static_cast<std::uint32_t>(spec.dns_query.size()));
    }
    const std::uint32_t min = min_frame_size(p, spec.ipv6, spec.l2.vlan_count);
    if (spec_.frame_size < min) {
        throw ConfigError("--size " + std::to_string(spec.frame_size) + " is too small for " + to_string(p) +
                          (p == Protocol::raw ? "" : spec.ipv6 ? "/IPv6" : "/IPv4") + ": its headers and the " +
                          std::to_string(proto::test_header_size) + "-byte test header need " + std::to_string(min) +
                          " bytes");
    }
    const std::uint32_t l2 = l2_header(spec.l2.vlan_count);
    const std::uint32_t l3 = network_header(p, spec.ipv6);
    if (p == Protocol::sctp) {
        // An SCTP packet is a multiple of 4 bytes long (chunks are padded), so the frame is
        // rounded down to the nearest size it can have, by at most 3 bytes.
        const std::uint32_t sctp_len = spec_.frame_size - static_cast<std::uint32_t>(proto::ethernet_fcs_size) - l2 - l3;
        spec_.frame_size -= sctp_len % 4;
    }
    const std::uint32_t without_fcs = spec_.frame_size - static_cast<std::uint32_t>(proto::ethernet_fcs_size);
    payload_bytes_ = p == Protocol::arp ? 0 : without_fcs - l2 - l3 - transport_header(p);

    // Every per-packet field zero: addresses, ports, sequence numbers, test header.
    proto::L3Spec l3spec;
    if (spec.ipv6) {
        l3spec.src = proto::Ipv6Address{};
        l3spec.dst = proto::Ipv6Address{};
    } else {
        l3spec.src = proto::Ipv4Address{};
        l3spec.dst = proto::Ipv4Address{};
    }
    l3spec.ttl = spec.ttl;
    l3spec.tos = spec.tos;
    bytes_.assign(without_fcs + 64, 0);
    std::vector<std::uint8_t> payload(payload_bytes_, 0);
    if (p == Protocol::raw && !spec.pattern.empty()) {
        for (std::size_t i = proto::test_header_size; i < payload.size(); ++i) {
            payload[i] = spec.pattern[(i - proto::test_header_size) % spec.pattern.size()];
        }
    }
    proto::BuildResult r;
    switch (p) {
        case Protocol::udp: r = proto::build_udp_frame(bytes_, spec.l2, l3spec, {}, payload); break;
        case Protocol::tcp: {
            proto::TcpSpec tcp;
            tcp.flags = proto::tcp_flag::ack | proto::tcp_flag::psh;
            tcp.window = spec.tcp_window;
            r = proto::build_tcp_frame(bytes_, spec.l2, l3spec, tcp, payload);
            break;
        }
        case Protocol::sctp: {
            std::vector<std::uint8_t> chunks(payload_bytes_ + 64);
            proto::SctpChunkWriter w(chunks);
            // DATA user data is padded to 4 bytes inside the packet; the chunk length says
            // how much of it is data.
            (void)w.data({0, 0, 0, spec.sctp_ppid, proto::sctp_data_flag::whole_message}, payload);
            r = proto::build_sctp_frame(bytes_, spec.l2, l3spec, {}, w.written());
            break;
        }
        case Protocol::icmp: r = proto::build_icmp_echo_frame(bytes_, spec.l2, l3spec, {}, payload); break;
        case Protocol::dns: r = proto::build_udp_frame(bytes_, spec.l2, l3spec, {0, spec.dns_port}, spec.dns_query); break;
        case Protocol::arp: {
            // A request is a broadcast, whichever next hop the other protocols use.
            proto::L2Spec broadcast = spec.l2;
            broadcast.dst = proto::MacAddress::broadcast();
            r = proto::build_arp_frame(bytes_, broadcast, {proto::arp_op::request, spec.l2.src, {}, {}, {}});
            break;
        }
        case Protocol::raw: r = proto::build_raw_frame(bytes_, spec.l2, spec.ether_type, payload); break;
    }
    if (!r.ok() || r.layout.length != std::max<std::uint32_t>(without_fcs, proto::ethernet_min_frame)) {
        throw ConfigError("--size " + std::to_string(spec.frame_size) + " cannot be built: " + proto::to_string(r.error));
    }
    layout_ = r.layout;
    bytes_.resize(r.layout.length);
    l4_length_ = static_cast<std::uint16_t>(layout_.l4_length);
    test_header_offset_ = layout_.payload_offset +
                          (p == Protocol::sctp ? static_cast<std::uint32_t>(sizeof(proto::SctpDataChunk)) : 0);
    if (p == Protocol::arp || p == Protocol::raw) return;  // no IP, no checksum

    auto frame = std::span<std::uint8_t>(bytes_);
    if (!spec.ipv6) {
        auto* ip = reinterpret_cast<proto::Ipv4Header*>(frame.data() + layout_.l3_offset);
        ip->checksum.set(0);
        ip_base_sum_ = proto::inet_sum(frame.subspan(layout_.l3_offset, l3));
    }
    auto l4 = frame.subspan(layout_.l4_offset, layout_.l4_length);
    const std::uint8_t ipproto = ip_protocol_number(p);
    switch (p) {
        case Protocol::udp:
        case Protocol::dns:
            reinterpret_cast<proto::UdpHeader*>(l4.data())->checksum.set(0);
            l4_base_sum_ = proto::inet_sum(l4) + ipproto + l4_length_;
            {
                std::uint8_t port[2];
                proto::store_be16(port, spec.dns_port);
                std::memcpy(&dns_port_wire_, port, 2);
            }
            break;
        case Protocol::tcp:
            reinterpret_cast<proto::TcpHeader*>(l4.data())->checksum.set(0);
            l4_base_sum_ = proto::inet_sum(l4) + ipproto + l4_length_;
            break;
        case Protocol::icmp:
            reinterpret_cast<proto::IcmpEchoHeader*>(l4.data())->checksum.set(0);
            // ICMPv6 sums a pseudo-header (RFC 4443 section 2.3); ICMPv4 does not.
            l4_base_sum_ = proto::inet_sum(l4) + (spec.ipv6 ? proto::ip_proto::icmpv6 + l4_length_ : 0u);
            break;
        case Protocol::sctp:
            reinterpret_cast<proto::SctpCommonHeader*>(l4.data())->checksum.set(0);
            sctp_template_crc_ = proto::crc32c(l4);
            sctp_template_head_ = proto::crc32c_raw(0, l4.first(sctp_stamped_bytes));
            std::memcpy(&sctp_chunk_word_, l4.data() + 8, 8);
            std::memcpy(&sctp_ppid_wire_, l4.data() + 24, 4);
            sctp_shift_ = std::make_unique<proto::Crc32cZeroShift>(l4.size() - sctp_stamped_bytes);
            break;
        case Protocol::arp:
        case Protocol::raw: break;
    }
}

}  // namespace tg::traffic
