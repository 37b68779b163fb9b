#include "proto/build.hpp"

#include <cstring>

#include "proto/checksum.hpp"
#include "proto/crc32c.hpp"
#include "proto/icmp.hpp"
#include "proto/ip.hpp"
#include "proto/sctp.hpp"
#include "proto/tcp.hpp"
#include "proto/udp.hpp"

namespace tg::proto {

const char* to_string(BuildError e) noexcept {
    switch (e) {
        case BuildError::none: return "ok";
        case BuildError::buffer_too_small: return "buffer too small for the frame";
        case BuildError::too_long: return "packet longer than the IP length field allows";
        case BuildError::family_mismatch: return "source and destination are different IP versions";
        case BuildError::bad_vlan: return "more than two VLAN tags, or a TPID other than 0x8100/0x88a8";
        case BuildError::bad_options: return "options too long or out of range";
    }
    return "unknown";
}

namespace {

// Writes the Ethernet header and tags; returns the offset of the L3 header, or 0.
std::size_t write_l2(std::span<std::uint8_t> out, const L2Spec& l2, std::uint16_t type, BuildError& err) noexcept {
    if (l2.vlan_count > l2.vlans.size()) {
        err = BuildError::bad_vlan;
        return 0;
    }
    const std::size_t len = sizeof(EthernetHeader) + sizeof(VlanTag) * l2.vlan_count;
    if (out.size() < len) {
        err = BuildError::buffer_too_small;
        return 0;
    }
    auto* eth = reinterpret_cast<EthernetHeader*>(out.data());
    eth->dst = l2.dst;
    eth->src = l2.src;
    Be16* next_type = &eth->ether_type;
    for (std::size_t i = 0; i < l2.vlan_count; ++i) {
        const VlanSpec& v = l2.vlans[i];
        if (v.tpid != ether_type::vlan && v.tpid != ether_type::qinq) {
            err = BuildError::bad_vlan;
            return 0;
        }
        auto* tag = reinterpret_cast<VlanTag*>(out.data() + sizeof(EthernetHeader) + sizeof(VlanTag) * i);
        next_type->set(v.tpid);
        tag->tci.set(v.tci);
        next_type = &tag->ether_type;
    }
    next_type->set(type);
    return len;
}

struct L3Written {
    std::size_t l4_offset = 0;
    std::uint32_t pseudo_sum = 0;  // pseudo-header including the transport length
};

// Writes the IP header for a transport of l4_len bytes at offset `off`.
bool write_l3(std::span<std::uint8_t> out, std::size_t off, const L3Spec& l3, std::uint8_t proto,
              std::size_t l4_len, L3Written& w, BuildError& err) noexcept {
    if (l3.src.family != l3.dst.family) {
        err = BuildError::family_mismatch;
        return false;
    }
    if (l3.src.is_v4()) {
        if (l3.ipv4_options.size() > ipv4_max_options) {
            err = BuildError::bad_options;
            return false;
        }
        const std::size_t opt_len = (l3.ipv4_options.size() + 3) & ~std::size_t{3};
        const std::size_t hlen = sizeof(Ipv4Header) + opt_len;
        if (hlen + l4_len > 0xffff) {
            err = BuildError::too_long;
            return false;
        }
        if (out.size() < off + hlen + l4_len) {
            err = BuildError::buffer_too_small;
            return false;
        }
        auto* ip = reinterpret_cast<Ipv4Header*>(out.data() + off);
        ip->version_ihl = static_cast<std::uint8_t>(0x40 | hlen / 4);
        ip->tos = l3.tos;
        ip->total_length.set(static_cast<std::uint16_t>(hlen + l4_len));
        ip->id.set(l3.ipv4_id);
        ip->flags_fragment.set(l3.dont_fragment ? ipv4_flag_df : 0);
        ip->ttl = l3.ttl;
        ip->protocol = proto;
        ip->checksum.set(0);
        ip->src = l3.src.v4;
        ip->dst = l3.dst.v4;
        std::uint8_t* opts = out.data() + off + sizeof(Ipv4Header);
        if (!l3.ipv4_options.empty()) std::memcpy(opts, l3.ipv4_options.data(), l3.ipv4_options.size());
        std::memset(opts + l3.ipv4_options.size(), ipv4_option::end, opt_len - l3.ipv4_options.size());
        ip->checksum.set(inet_checksum(out.subspan(off, hlen)));
        w.l4_offset = off + hlen;
        w.pseudo_sum = ipv4_pseudo_sum(ip->src, ip->dst, proto, static_cast<std::uint16_t>(l4_len));
        return true;
    }
    if (l4_len > 0xffff) {
        err = BuildError::too_long;
        return false;
    }
    if (out.size() < off + sizeof(Ipv6Header) + l4_len) {
        err = BuildError::buffer_too_small;
        return false;
    }
    auto* ip = reinterpret_cast<Ipv6Header*>(out.data() + off);
    ip->version_class_flow.set(0x60000000u | std::uint32_t{l3.tos} << 20 | (l3.ipv6_flow_label & 0xfffff));
    ip->payload_length.set(static_cast<std::uint16_t>(l4_len));
    ip->next_header = proto;
    ip->hop_limit = l3.ttl;
    ip->src = l3.src.v6;
    ip->dst = l3.dst.v6;
    w.l4_offset = off + sizeof(Ipv6Header);
    w.pseudo_sum = ipv6_pseudo_sum(ip->src, ip->dst, proto, static_cast<std::uint32_t>(l4_len));
    return true;
}

// Common frame: L2, L3 and a transport header of `l4_header` bytes plus payload, which
// is copied in. The transport header itself is left to the caller.
struct Frame {
    BuildResult result;
    std::uint32_t pseudo_sum = 0;
};

Frame begin_frame(std::span<std::uint8_t> out, const L2Spec& l2, const L3Spec& l3, std::uint8_t proto,
                  std::size_t l4_header, std::span<const std::uint8_t> payload) noexcept {
    Frame f;
    BuildError& err = f.result.error;
    const std::uint16_t type = l3.src.is_v4() ? ether_type::ipv4 : ether_type::ipv6;
    const std::size_t l3_off = write_l2(out, l2, type, err);
    if (err != BuildError::none) return f;
    L3Written w;
    const std::size_t l4_len = l4_header + payload.size();
    if (!write_l3(out, l3_off, l3, proto, l4_len, w, err)) return f;
    std::size_t end = w.l4_offset + l4_len;
    if (!payload.empty()) std::memcpy(out.data() + w.l4_offset + l4_header, payload.data(), payload.size());
    std::memset(out.data() + w.l4_offset, 0, l4_header);
    if (end < ethernet_min_frame) {
        if (out.size() < ethernet_min_frame) {
            err = BuildError::buffer_too_small;
            return f;
        }
        std::memset(out.data() + end, 0, ethernet_min_frame - end);
        end = ethernet_min_frame;
    }
    f.result.layout = FrameLayout{static_cast<std::uint32_t>(l3_off), static_cast<std::uint32_t>(w.l4_offset),
                                  static_cast<std::uint32_t>(w.l4_offset + l4_header),
                                  static_cast<std::uint32_t>(l4_len), static_cast<std::uint32_t>(end)};
    f.pseudo_sum = w.pseudo_sum;
    return f;
}

std::span<std::uint8_t> l4_of(std::span<std::uint8_t> out, const FrameLayout& l) noexcept {
    return out.subspan(l.l4_offset, l.l4_length);
}

}  // namespace

BuildResult build_udp_frame(std::span<std::uint8_t> out, const L2Spec& l2, const L3Spec& l3, const UdpSpec& udp,
                            std::span<const std::uint8_t> payload) noexcept {
    Frame f = begin_frame(out, l2, l3, ip_proto::udp, sizeof(UdpHeader), payload);
    if (!f.result.ok()) return f.result;
    const auto l4 = l4_of(out, f.result.layout);
    auto* h = reinterpret_cast<UdpHeader*>(l4.data());
    h->src_port.set(udp.src_port);
    h->dst_port.set(udp.dst_port);
    h->length.set(static_cast<std::uint16_t>(l4.size()));
    const std::uint16_t sum = inet_finish(inet_sum(l4, f.pseudo_sum));
    // A computed zero is sent as all ones: zero means "no checksum" (RFC 768).
    h->checksum.set(sum == 0 ? 0xffff : sum);
    return f.result;
}

BuildResult build_tcp_frame(std::span<std::uint8_t> out, const L2Spec& l2, const L3Spec& l3, const TcpSpec& tcp,
                            std::span<const std::uint8_t> payload) noexcept {
    std::uint8_t opts[tcp_max_options];
    const auto opt_len = write_tcp_options(opts, tcp.options);
    if (!opt_len) return {BuildError::bad_options, {}};
    const std::size_t hlen = sizeof(TcpHeader) + *opt_len;
    Frame f = begin_frame(out, l2, l3, ip_proto::tcp, hlen, payload);
    if (!f.result.ok()) return f.result;
    const auto l4 = l4_of(out, f.result.layout);
    auto* h = reinterpret_cast<TcpHeader*>(l4.data());
    h->src_port.set(tcp.src_port);
    h->dst_port.set(tcp.dst_port);
    h->seq.set(tcp.seq);
    h->ack.set(tcp.ack);
    h->data_offset = static_cast<std::uint8_t>(hlen / 4 << 4);
    h->flags = tcp.flags;
    h->window.set(tcp.window);
    h->urgent.set(tcp.urgent);
    if (*opt_len > 0) std::memcpy(l4.data() + sizeof(TcpHeader), opts, *opt_len);
    h->checksum.set(inet_finish(inet_sum(l4, f.pseudo_sum)));
    return f.result;
}

BuildResult build_sctp_frame(std::span<std::uint8_t> out, const L2Spec& l2, const L3Spec& l3, const SctpSpec& sctp,
                             std::span<const std::uint8_t> chunks) noexcept {
    Frame f = begin_frame(out, l2, l3, ip_proto::sctp, sizeof(SctpCommonHeader), chunks);
    if (!f.result.ok()) return f.result;
    const auto l4 = l4_of(out, f.result.layout);
    auto* h = reinterpret_cast<SctpCommonHeader*>(l4.data());
    h->src_port.set(sctp.src_port);
    h->dst_port.set(sctp.dst_port);
    h->verification_tag.set(sctp.verification_tag);
    sctp_set_checksum(l4);
    return f.result;
}

BuildResult build_icmp_echo_frame(std::span<std::uint8_t> out, const L2Spec& l2, const L3Spec& l3,
                                  const IcmpEchoSpec& echo, std::span<const std::uint8_t> payload) noexcept {
    const bool v4 = l3.src.is_v4();
    Frame f = begin_frame(out, l2, l3, v4 ? ip_proto::icmp : ip_proto::icmpv6, sizeof(IcmpEchoHeader), payload);
    if (!f.result.ok()) return f.result;
    const auto l4 = l4_of(out, f.result.layout);
    auto* h = reinterpret_cast<IcmpEchoHeader*>(l4.data());
    if (v4) {
        h->type = echo.reply ? icmp_type::v4_echo_reply : icmp_type::v4_echo_request;
    } else {
        h->type = echo.reply ? icmp_type::v6_echo_reply : icmp_type::v6_echo_request;
    }
    h->code = 0;
    h->identifier.set(echo.identifier);
    h->sequence.set(echo.sequence);
    // ICMPv4 has no pseudo-header; ICMPv6 does (RFC 4443 section 2.3).
    h->checksum.set(inet_finish(inet_sum(l4, v4 ? 0 : f.pseudo_sum)));
    return f.result;
}

BuildResult build_icmp_frame(std::span<std::uint8_t> out, const L2Spec& l2, const L3Spec& l3, std::uint8_t type,
                             std::uint8_t code, std::span<const std::uint8_t> body) noexcept {
    const bool v4 = l3.src.is_v4();
    Frame f = begin_frame(out, l2, l3, v4 ? ip_proto::icmp : ip_proto::icmpv6, sizeof(IcmpHeader), body);
    if (!f.result.ok()) return f.result;
    const auto l4 = l4_of(out, f.result.layout);
    auto* h = reinterpret_cast<IcmpHeader*>(l4.data());
    h->type = type;
    h->code = code;
    h->checksum.set(inet_finish(inet_sum(l4, v4 ? 0 : f.pseudo_sum)));
    return f.result;
}

BuildResult build_raw_frame(std::span<std::uint8_t> out, const L2Spec& l2, std::uint16_t type,
                            std::span<const std::uint8_t> payload) noexcept {
    BuildResult r;
    const std::size_t off = write_l2(out, l2, type, r.error);
    if (!r.ok()) return r;
    const std::size_t end = off + payload.size();
    const std::size_t padded = end < ethernet_min_frame ? ethernet_min_frame : end;
    if (out.size() < padded) return {BuildError::buffer_too_small, {}};
    if (!payload.empty()) std::memcpy(out.data() + off, payload.data(), payload.size());
    std::memset(out.data() + end, 0, padded - end);
    const auto o = static_cast<std::uint32_t>(off);
    r.layout = FrameLayout{o, o, o, static_cast<std::uint32_t>(payload.size()), static_cast<std::uint32_t>(padded)};
    return r;
}

BuildResult build_arp_frame(std::span<std::uint8_t> out, const L2Spec& l2, const ArpSpec& arp) noexcept {
    BuildResult r;
    const std::size_t off = write_l2(out, l2, ether_type::arp, r.error);
    if (!r.ok()) return r;
    const std::size_t end = off + sizeof(ArpPacket);
    const std::size_t padded = end < ethernet_min_frame ? ethernet_min_frame : end;
    if (out.size() < padded) return {BuildError::buffer_too_small, {}};
    auto* a = reinterpret_cast<ArpPacket*>(out.data() + off);
    a->hardware_type.set(1);
    a->protocol_type.set(ether_type::ipv4);
    a->hardware_len = 6;
    a->protocol_len = 4;
    a->operation.set(arp.operation);
    a->sender_mac = arp.sender_mac;
    a->sender_ip = arp.sender_ip;
    a->target_mac = arp.target_mac;
    a->target_ip = arp.target_ip;
    std::memset(out.data() + end, 0, padded - end);
    r.layout = FrameLayout{static_cast<std::uint32_t>(off), static_cast<std::uint32_t>(off),
                           static_cast<std::uint32_t>(end), static_cast<std::uint32_t>(sizeof(ArpPacket)),
                           static_cast<std::uint32_t>(padded)};
    return r;
}

}  // namespace tg::proto
