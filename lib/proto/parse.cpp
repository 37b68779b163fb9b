#include "proto/parse.hpp"

#include <algorithm>

#include "proto/checksum.hpp"
#include "proto/crc32c.hpp"
#include "proto/sctp_parse.hpp"
#include "proto/tcp_options.hpp"

namespace tg::proto {

namespace {

constexpr ParseStatus fail(Layer layer, ParseError error) noexcept { return {error, layer}; }

// Every IPv4 option is 1 byte (EOL, NOP) or type, length >= 2, value.
bool ipv4_options_well_formed(std::span<const std::uint8_t> opts) noexcept {
    std::size_t i = 0;
    while (i < opts.size()) {
        const std::uint8_t type = opts[i];
        if (type == ipv4_option::end) return true;
        if (type == ipv4_option::nop) {
            ++i;
            continue;
        }
        if (i + 1 >= opts.size()) return false;
        const std::size_t len = opts[i + 1];
        if (len < 2 || i + len > opts.size()) return false;
        i += len;
    }
    return true;
}

class FrameParser {
public:
    FrameParser(std::span<const std::uint8_t> frame, const ParseOptions& options) noexcept
        : options_(options) {
        v_.frame = frame;
    }

    ParseResult run() noexcept {
        const ParseStatus status = ethernet();
        return {status, v_};
    }

private:
    std::span<const std::uint8_t> frame() const noexcept { return v_.frame; }

    ParseStatus ethernet() noexcept {
        if (frame().size() < sizeof(EthernetHeader)) return fail(Layer::ethernet, ParseError::truncated);
        v_.ethernet = reinterpret_cast<const EthernetHeader*>(frame().data());
        std::uint16_t type = v_.ethernet->ether_type.get();
        std::size_t off = sizeof(EthernetHeader);
        while (type == ether_type::vlan || type == ether_type::qinq) {
            if (v_.vlan_count == max_vlan_tags) return fail(Layer::vlan, ParseError::too_many_vlan_tags);
            if (frame().size() < off + sizeof(VlanTag)) return fail(Layer::vlan, ParseError::truncated);
            const auto* tag = reinterpret_cast<const VlanTag*>(frame().data() + off);
            v_.vlan_tpid[v_.vlan_count] = type;
            v_.vlan_tci[v_.vlan_count] = tag->tci.get();
            ++v_.vlan_count;
            type = tag->ether_type.get();
            off += sizeof(VlanTag);
        }
        v_.ether_type = type;
        v_.l3_offset = static_cast<std::uint32_t>(off);
        if (type < ether_type::min_ether_type) return fail(Layer::ethernet, ParseError::not_ethernet_ii);
        switch (type) {
            case ether_type::ipv4: return ipv4(off);
            case ether_type::ipv6: return ipv6(off);
            case ether_type::arp: return arp(off);
            default: return fail(Layer::ethernet, ParseError::unknown_protocol);
        }
    }

    ParseStatus arp(std::size_t off) noexcept {
        if (frame().size() < off + sizeof(ArpPacket)) return fail(Layer::arp, ParseError::truncated);
        const auto* a = reinterpret_cast<const ArpPacket*>(frame().data() + off);
        if (a->hardware_type.get() != 1 || a->protocol_type.get() != ether_type::ipv4 || a->hardware_len != 6 ||
            a->protocol_len != 4) {
            return fail(Layer::arp, ParseError::unsupported);
        }
        v_.arp = a;
        return {};
    }

    ParseStatus ipv4(std::size_t off) noexcept {
        const std::size_t avail = frame().size() - off;
        if (avail < sizeof(Ipv4Header)) return fail(Layer::ipv4, ParseError::truncated);
        const auto* ip = reinterpret_cast<const Ipv4Header*>(frame().data() + off);
        v_.ipv4 = ip;
        if (ip->version() != 4) return fail(Layer::ipv4, ParseError::bad_version);
        const std::size_t hlen = ip->header_length();
        if (hlen < sizeof(Ipv4Header)) return fail(Layer::ipv4, ParseError::bad_header_length);
        if (hlen > avail) return fail(Layer::ipv4, ParseError::truncated);
        const std::size_t total = ip->total_length.get();
        if (total < hlen) return fail(Layer::ipv4, ParseError::bad_length);
        // Bytes past total_length are Ethernet padding and are ignored.
        if (total > avail) return fail(Layer::ipv4, ParseError::truncated);
        const auto header = frame().subspan(off, hlen);
        if (options_.verify_ipv4_checksum && inet_fold(inet_sum(header)) != 0xffff) {
            return fail(Layer::ipv4, ParseError::bad_checksum);
        }
        if (!ipv4_options_well_formed(header.subspan(sizeof(Ipv4Header)))) {
            return fail(Layer::ipv4, ParseError::bad_options);
        }
        const std::uint16_t frag = ip->flags_fragment.get();
        if ((frag & (ipv4_flag_mf | ipv4_fragment_offset_mask)) != 0) return fail(Layer::ipv4, ParseError::fragment);
        v_.l4_protocol = ip->protocol;
        const std::size_t l4 = off + hlen;
        const std::size_t l4_len = total - hlen;
        return transport(l4, l4_len, ipv4_pseudo_sum(ip->src, ip->dst, ip->protocol, 0), false);
    }

    ParseStatus ipv6(std::size_t off) noexcept {
        const std::size_t avail = frame().size() - off;
        if (avail < sizeof(Ipv6Header)) return fail(Layer::ipv6, ParseError::truncated);
        const auto* ip = reinterpret_cast<const Ipv6Header*>(frame().data() + off);
        v_.ipv6 = ip;
        if (ip->version() != 6) return fail(Layer::ipv6, ParseError::bad_version);
        const std::size_t payload_len = ip->payload_length.get();
        // A zero payload length means a jumbogram (RFC 2675), which Ethernet cannot carry.
        if (payload_len == 0 && ip->next_header != ip_proto::ipv6_no_next) {
            return fail(Layer::ipv6, ParseError::bad_length);
        }
        if (payload_len > avail - sizeof(Ipv6Header)) return fail(Layer::ipv6, ParseError::truncated);
        const std::size_t end = off + sizeof(Ipv6Header) + payload_len;
        std::size_t pos = off + sizeof(Ipv6Header);
        std::uint8_t next = ip->next_header;
        for (;;) {
            switch (next) {
                case ip_proto::hop_by_hop:
                case ip_proto::ipv6_routing:
                case ip_proto::ipv6_destination:
                case ip_proto::ah: {
                    if (end - pos < sizeof(Ipv6ExtensionHeader)) return fail(Layer::ipv6, ParseError::truncated);
                    const auto* ext = reinterpret_cast<const Ipv6ExtensionHeader*>(frame().data() + pos);
                    // AH counts 4-byte units minus 2; the others 8-byte units minus 1.
                    const std::size_t len = next == ip_proto::ah ? (std::size_t{ext->length} + 2) * 4
                                                                 : (std::size_t{ext->length} + 1) * 8;
                    if (end - pos < len) return fail(Layer::ipv6, ParseError::truncated);
                    next = ext->next_header;
                    pos += len;
                    continue;
                }
                case ip_proto::ipv6_fragment: {
                    if (end - pos < sizeof(Ipv6FragmentHeader)) return fail(Layer::ipv6, ParseError::truncated);
                    const auto* f = reinterpret_cast<const Ipv6FragmentHeader*>(frame().data() + pos);
                    // Offset 0 without M is an atomic fragment (RFC 6946): the whole packet.
                    if ((f->offset_flags.get() & 0xfff9) != 0) return fail(Layer::ipv6, ParseError::fragment);
                    next = f->next_header;
                    pos += sizeof(Ipv6FragmentHeader);
                    continue;
                }
                case ip_proto::ipv6_no_next:
                    v_.l4_protocol = next;
                    v_.l4_offset = static_cast<std::uint32_t>(pos);
                    return {};
                default:
                    break;
            }
            break;
        }
        v_.l4_protocol = next;
        const std::size_t l4_len = end - pos;
        return transport(pos, l4_len, ipv6_pseudo_sum(ip->src, ip->dst, next, 0), true);
    }

    void set_payload(std::size_t off, std::size_t len) noexcept {
        v_.payload_offset = static_cast<std::uint32_t>(off);
        v_.payload_length = static_cast<std::uint32_t>(len);
    }

    // `pseudo` is the pseudo-header sum including the length (RFC 8200 8.1: the
    // transport's own length where it has one).
    bool checksum_bad(std::span<const std::uint8_t> l4, std::uint32_t pseudo) const noexcept {
        return options_.verify_l4_checksum && inet_fold(inet_sum(l4, pseudo)) != 0xffff;
    }

    // `pseudo` is the pseudo-header sum without the length, which each transport adds.
    ParseStatus transport(std::size_t off, std::size_t len, std::uint32_t pseudo, bool v6) noexcept {
        v_.l4_offset = static_cast<std::uint32_t>(off);
        v_.l4_length = static_cast<std::uint32_t>(len);
        const auto l4 = frame().subspan(off, len);
        switch (v_.l4_protocol) {
            case ip_proto::udp: return udp(l4, pseudo, v6);
            case ip_proto::tcp: return tcp(l4, pseudo + static_cast<std::uint32_t>(len));
            case ip_proto::sctp: return sctp(l4);
            case ip_proto::icmp:
                if (v6) break;
                return icmp(l4, 0, Layer::icmp);
            case ip_proto::icmpv6:
                if (!v6) break;
                return icmp(l4, pseudo + static_cast<std::uint32_t>(len), Layer::icmpv6);
            default: break;
        }
        return fail(v6 ? Layer::ipv6 : Layer::ipv4, ParseError::unknown_protocol);
    }

    ParseStatus udp(std::span<const std::uint8_t> l4, std::uint32_t pseudo, bool v6) noexcept {
        if (l4.size() < sizeof(UdpHeader)) return fail(Layer::udp, ParseError::truncated);
        const auto* h = reinterpret_cast<const UdpHeader*>(l4.data());
        v_.udp = h;
        const std::size_t len = h->length.get();
        if (len < sizeof(UdpHeader)) return fail(Layer::udp, ParseError::bad_length);
        if (len > l4.size()) return fail(Layer::udp, ParseError::truncated);
        v_.l4_length = static_cast<std::uint32_t>(len);
        set_payload(v_.l4_offset + sizeof(UdpHeader), len - sizeof(UdpHeader));
        if (h->checksum.get() == 0) {
            // Zero means "no checksum" over IPv4 and is forbidden over IPv6 (RFC 8200 8.1).
            if (v6 && options_.verify_l4_checksum) return fail(Layer::udp, ParseError::bad_checksum);
            return {};
        }
        // The pseudo-header carries the UDP length, which may be shorter than the IP payload.
        if (checksum_bad(l4.first(len), pseudo + static_cast<std::uint32_t>(len))) {
            return fail(Layer::udp, ParseError::bad_checksum);
        }
        return {};
    }

    ParseStatus tcp(std::span<const std::uint8_t> l4, std::uint32_t pseudo) noexcept {
        if (l4.size() < sizeof(TcpHeader)) return fail(Layer::tcp, ParseError::truncated);
        const auto* h = reinterpret_cast<const TcpHeader*>(l4.data());
        v_.tcp = h;
        const std::size_t hlen = h->header_length();
        if (hlen < sizeof(TcpHeader)) return fail(Layer::tcp, ParseError::bad_header_length);
        if (hlen > l4.size()) return fail(Layer::tcp, ParseError::truncated);
        set_payload(v_.l4_offset + hlen, l4.size() - hlen);
        if (checksum_bad(l4, pseudo)) return fail(Layer::tcp, ParseError::bad_checksum);
        TcpOptions opts;
        if (parse_tcp_options(l4.subspan(sizeof(TcpHeader), hlen - sizeof(TcpHeader)), opts) != ParseError::none) {
            return fail(Layer::tcp, ParseError::bad_options);
        }
        return {};
    }

    ParseStatus sctp(std::span<const std::uint8_t> l4) noexcept {
        if (l4.size() < sizeof(SctpCommonHeader)) return fail(Layer::sctp, ParseError::truncated);
        v_.sctp = reinterpret_cast<const SctpCommonHeader*>(l4.data());
        set_payload(v_.l4_offset + sizeof(SctpCommonHeader), l4.size() - sizeof(SctpCommonHeader));
        if (options_.verify_l4_checksum && !sctp_checksum_ok(l4)) return fail(Layer::sctp, ParseError::bad_checksum);
        SctpChunkReader chunks(v_.payload());
        SctpChunkView c;
        while (chunks.next(c)) ++v_.sctp_chunk_count;
        if (chunks.error() != ParseError::none) return fail(Layer::sctp, chunks.error());
        // RFC 9260 section 3: a packet carries at least one chunk.
        if (v_.sctp_chunk_count == 0) return fail(Layer::sctp, ParseError::bad_length);
        return {};
    }

    ParseStatus icmp(std::span<const std::uint8_t> l4, std::uint32_t pseudo, Layer layer) noexcept {
        if (l4.size() < sizeof(IcmpHeader)) return fail(layer, ParseError::truncated);
        const auto* h = reinterpret_cast<const IcmpHeader*>(l4.data());
        v_.icmp = h;
        const bool echo = layer == Layer::icmp
                              ? (h->type == icmp_type::v4_echo_request || h->type == icmp_type::v4_echo_reply)
                              : (h->type == icmp_type::v6_echo_request || h->type == icmp_type::v6_echo_reply);
        const std::size_t hlen = echo ? sizeof(IcmpEchoHeader) : sizeof(IcmpHeader);
        if (l4.size() < hlen) return fail(layer, ParseError::truncated);
        set_payload(v_.l4_offset + hlen, l4.size() - hlen);
        if (checksum_bad(l4, pseudo)) return fail(layer, ParseError::bad_checksum);
        return {};
    }

    const ParseOptions& options_;
    PacketView v_;
};

}  // namespace

ParseResult parse_frame(std::span<const std::uint8_t> frame, const ParseOptions& options) noexcept {
    return FrameParser(frame, options).run();
}

IpAddress PacketView::source() const noexcept {
    IpAddress a;
    if (ipv4 != nullptr) {
        std::copy_n(frame.data() + l3_offset + 12, 4, a.v4.bytes.begin());
    } else {
        a = Ipv6Address{};
        std::copy_n(frame.data() + l3_offset + 8, 16, a.v6.bytes.begin());
    }
    return a;
}

IpAddress PacketView::destination() const noexcept {
    IpAddress a;
    if (ipv4 != nullptr) {
        std::copy_n(frame.data() + l3_offset + 16, 4, a.v4.bytes.begin());
    } else {
        a = Ipv6Address{};
        std::copy_n(frame.data() + l3_offset + 24, 16, a.v6.bytes.begin());
    }
    return a;
}

}  // namespace tg::proto
