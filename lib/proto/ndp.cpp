#include "proto/ndp.hpp"

#include <cstring>

#include "proto/icmp.hpp"

namespace tg::proto {

Ipv6Address solicited_node_address(const Ipv6Address& a) noexcept {
    Ipv6Address m{};
    m.bytes[0] = 0xff;
    m.bytes[1] = 0x02;
    m.bytes[11] = 0x01;
    m.bytes[12] = 0xff;
    m.bytes[13] = a.bytes[13];
    m.bytes[14] = a.bytes[14];
    m.bytes[15] = a.bytes[15];
    return m;
}

MacAddress ipv6_multicast_mac(const Ipv6Address& a) noexcept {
    return MacAddress{{0x33, 0x33, a.bytes[12], a.bytes[13], a.bytes[14], a.bytes[15]}};
}

Ipv6Address all_nodes_address() noexcept {
    Ipv6Address a{};
    a.bytes[0] = 0xff;
    a.bytes[1] = 0x02;
    a.bytes[15] = 0x01;
    return a;
}

ParseError parse_nd(std::span<const std::uint8_t> body, std::uint8_t link_option, NdView& out) noexcept {
    if (body.size() < sizeof(NdMessage)) return ParseError::truncated;
    const auto* m = reinterpret_cast<const NdMessage*>(body.data());
    out.flags = m->flags.get();
    out.target = m->target;
    out.link.reset();
    auto opts = body.subspan(sizeof(NdMessage));
    while (!opts.empty()) {
        // RFC 4861 section 4.6: every option is at least 8 bytes; length 0 is invalid.
        if (opts.size() < 2) return ParseError::truncated;
        const std::size_t len = std::size_t{opts[1]} * 8;
        if (len == 0) return ParseError::bad_length;
        if (len > opts.size()) return ParseError::truncated;
        if (opts[0] == link_option && len == sizeof(NdLinkLayerOption)) {
            out.link = reinterpret_cast<const NdLinkLayerOption*>(opts.data())->mac;
        }
        opts = opts.subspan(len);
    }
    return ParseError::none;
}

namespace {

BuildResult build_nd(std::span<std::uint8_t> out, const L2Spec& l2, const Ipv6Address& src, const Ipv6Address& dst,
                     std::uint8_t type, std::uint32_t flags, const Ipv6Address& target, std::uint8_t option) {
    std::uint8_t body[sizeof(NdMessage) + sizeof(NdLinkLayerOption)];
    auto* m = reinterpret_cast<NdMessage*>(body);
    m->flags.set(flags);
    m->target = target;
    auto* o = reinterpret_cast<NdLinkLayerOption*>(body + sizeof(NdMessage));
    o->type = option;
    o->length = 1;
    o->mac = l2.src;
    L3Spec l3;
    l3.src = src;
    l3.dst = dst;
    l3.ttl = nd_hop_limit;
    // A solicitation from the unspecified address carries no source option (RFC 4861 7.2.2).
    const std::size_t len = is_unspecified(src) && option == nd_option::source_link_layer ? sizeof(NdMessage) : sizeof body;
    return build_icmp_frame(out, l2, l3, type, 0, std::span<const std::uint8_t>(body, len));
}

}  // namespace

BuildResult build_neighbour_solicitation(std::span<std::uint8_t> out, const L2Spec& l2, const Ipv6Address& src,
                                         const Ipv6Address& target) noexcept {
    const Ipv6Address group = solicited_node_address(target);
    L2Spec to = l2;
    to.dst = ipv6_multicast_mac(group);
    return build_nd(out, to, src, group, icmp_type::v6_neighbour_solicitation, 0, target,
                    nd_option::source_link_layer);
}

BuildResult build_neighbour_advertisement(std::span<std::uint8_t> out, const L2Spec& l2, const Ipv6Address& target,
                                          const Ipv6Address& dst, std::uint32_t flags) noexcept {
    return build_nd(out, l2, target, dst, icmp_type::v6_neighbour_advertisement, flags, target,
                    nd_option::target_link_layer);
}

}  // namespace tg::proto
