#include "traffic/presence.hpp"

#include <algorithm>
#include <cstring>

#include "proto/ethernet.hpp"
#include "proto/icmp.hpp"
#include "proto/ip.hpp"
#include "proto/ndp.hpp"
#include "traffic/config_error.hpp"

namespace tg::traffic {

namespace {

// 128-bit big-endian difference a - b, when it fits 32 bits.
std::optional<std::uint32_t> offset_of(const proto::IpAddress& a, const proto::IpAddress& first) noexcept {
    if (a.family != first.family) return std::nullopt;
    const auto x = a.bytes16(), y = first.bytes16();
    const std::size_t n = a.is_v4() ? 4 : 16;
    // Everything above the low 8 bytes must match; the low 8 bytes are a difference.
    const std::size_t low = n == 4 ? 0 : 8;
    for (std::size_t i = 0; i < low; ++i) {
        if (x[i] != y[i]) return std::nullopt;
    }
    std::uint64_t xv = 0, yv = 0;
    for (std::size_t i = low; i < n; ++i) {
        xv = xv << 8 | x[i];
        yv = yv << 8 | y[i];
    }
    if (xv < yv || xv - yv > 0xffffffffull) return std::nullopt;
    return static_cast<std::uint32_t>(xv - yv);
}

const proto::MacAddress broadcast = proto::MacAddress::broadcast();

}  // namespace

OwnedAddresses OwnedAddresses::parse(std::string_view list, std::string_view what) {
    std::vector<IpRange> ranges;
    std::size_t start = 0;
    while (start <= list.size()) {
        const std::size_t comma = list.find(',', start);
        const std::string_view item = list.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        if (item.empty()) {
            throw ConfigError(std::string(what) + " '" + std::string(list) +
                              "' has an empty item: give addresses or ranges separated by commas, such as "
                              "198.19.0.1,198.19.0.10-198.19.0.20,2001:2:0:1::1");
        }
        ranges.push_back(IpRange::parse(item, what));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return OwnedAddresses(std::move(ranges));
}

bool OwnedAddresses::contains(const proto::IpAddress& a) const noexcept {
    return std::any_of(ranges_.begin(), ranges_.end(), [&](const IpRange& r) {
        const auto off = offset_of(a, r.first);
        return off && *off < r.count;
    });
}

std::string OwnedAddresses::to_string() const {
    std::string s;
    for (const auto& r : ranges_) {
        if (!s.empty()) s += ',';
        s += r.to_string();
    }
    return s;
}

namespace {

// The EtherType after at most two VLAN tags, and where what it names starts; false for a
// frame too short to say.
bool network_layer(std::span<const std::uint8_t> frame, std::uint16_t& type, std::size_t& off) noexcept {
    off = 12;
    for (int tags = 0;; ++tags) {
        if (frame.size() < off + 2) return false;
        type = static_cast<std::uint16_t>(frame[off] << 8 | frame[off + 1]);
        off += 2;
        if ((type != proto::ether_type::vlan && type != proto::ether_type::qinq) || tags == 2) return true;
        off += 2;
    }
}

}  // namespace

bool wants_presence(std::span<const std::uint8_t> frame) noexcept {
    std::uint16_t type = 0;
    std::size_t off = 0;
    if (!network_layer(frame, type, off)) return false;
    if (type == proto::ether_type::arp) return true;
    if (type == proto::ether_type::ipv4) return frame.size() > off + 9 && frame[off + 9] == proto::ip_proto::icmp;
    if (type == proto::ether_type::ipv6) return frame.size() > off + 6 && frame[off + 6] == proto::ip_proto::icmpv6;
    return false;
}

bool is_echo_or_arp_reply(std::span<const std::uint8_t> frame) noexcept {
    std::uint16_t type = 0;
    std::size_t off = 0;
    if (!network_layer(frame, type, off)) return false;
    if (type == proto::ether_type::arp) {
        return frame.size() >= off + 8 && proto::load_be16(frame.data() + off + 6) == proto::arp_op::reply;
    }
    if (type == proto::ether_type::ipv4) {
        if (frame.size() <= off + 9 || frame[off + 9] != proto::ip_proto::icmp) return false;
        const std::size_t l4 = off + 4u * (frame[off] & 0x0f);
        return frame.size() > l4 && frame[l4] == proto::icmp_type::v4_echo_reply;
    }
    if (type == proto::ether_type::ipv6) {
        // Echo replies carry no extension headers here: the next header is ICMPv6.
        return frame.size() > off + 40 && frame[off + 6] == proto::ip_proto::icmpv6 &&
               frame[off + 40] == proto::icmp_type::v6_echo_reply;
    }
    return false;
}

HostPresence::HostPresence(PresenceConfig config) : c_(std::move(config)), frames_(queue_slots * slot_bytes) {
    c_.l2.src = c_.mac;
    for (const auto& r : c_.owned.ranges()) {
        for (std::uint32_t i = 0; i < r.count && announced_.size() < c_.announce_max; ++i) announced_.push_back(r.at(i));
    }
}

void HostPresence::announce() noexcept {
    announce_total_ = static_cast<std::uint32_t>(announced_.size());
    announce_next_ = 0;
}

void HostPresence::resolve(const proto::IpAddress& address, const proto::IpAddress& from, std::uint64_t now_ms) {
    if (next_hop(address) != nullptr) return;
    NextHop h;
    h.address = address;
    h.asked_from = from;
    h.first_asked_ms = now_ms;
    h.next_try_ms = now_ms;
    hops_.push_back(h);
    requests_due_.reserve(hops_.size());
}

const NextHop* HostPresence::next_hop(const proto::IpAddress& address) const noexcept {
    for (const auto& h : hops_) {
        if (h.address == address) return &h;
    }
    return nullptr;
}

bool HostPresence::resolving() const noexcept {
    return std::any_of(hops_.begin(), hops_.end(), [](const NextHop& h) { return !h.mac && !h.gave_up; });
}

std::uint64_t HostPresence::next_timer_ms() const noexcept {
    std::uint64_t t = ~std::uint64_t{0};
    for (const auto& h : hops_) {
        if (!h.mac && !h.gave_up) t = std::min(t, h.next_try_ms);
    }
    return t;
}

void HostPresence::tick(std::uint64_t now_ms) noexcept {
    for (std::size_t i = 0; i < hops_.size(); ++i) {
        NextHop& h = hops_[i];
        if (h.mac || h.gave_up || now_ms < h.next_try_ms) continue;
        if (h.tries >= c_.tries) {
            h.gave_up = true;
            ++counters_.next_hops_unanswered;
            continue;
        }
        ++h.tries;
        h.next_try_ms = now_ms + c_.retry_ms;
        if (std::find(requests_due_.begin(), requests_due_.end(), i) == requests_due_.end()) requests_due_.push_back(i);
    }
}

void HostPresence::learn(const proto::IpAddress& address, const proto::MacAddress& mac, std::uint64_t now_ms) noexcept {
    for (auto& h : hops_) {
        if (h.address != address) continue;
        if (!h.mac) {
            ++counters_.next_hops_resolved;
            h.resolved_ms = now_ms;
            h.gave_up = false;
        }
        h.mac = mac;  // a later answer (a moved address) wins, as ARP merges (RFC 826)
    }
}

proto::L2Spec HostPresence::reply_l2(const proto::PacketView& v, const proto::MacAddress& dst) const noexcept {
    proto::L2Spec l2;
    l2.src = c_.mac;
    l2.dst = dst;
    l2.vlan_count = v.vlan_count;
    for (std::uint8_t i = 0; i < v.vlan_count; ++i) l2.vlans[i] = {v.vlan_tpid[i], v.vlan_tci[i]};
    return l2;
}

template <typename Build>
void HostPresence::answer(const Build& build, std::uint64_t& answered) noexcept {
    if (queued_ == queue_slots) {
        ++counters_.answers_dropped;
        return;
    }
    const std::size_t at = (head_ + queued_) % queue_slots;
    const proto::BuildResult r = build({frames_.data() + at * slot_bytes, slot_bytes});
    if (!r.ok()) {
        ++counters_.answers_dropped;  // larger than a slot (a jumbo ping)
        return;
    }
    lengths_[at] = static_cast<std::uint16_t>(r.layout.length);
    ++queued_;
    ++answered;
}

bool HostPresence::offer(const proto::PacketView& v, std::uint64_t now_ms) noexcept {
    if (v.arp != nullptr) return on_arp(v, now_ms);
    if (v.icmp == nullptr) return false;
    const std::uint8_t type = v.icmp->type;
    if (v.ipv6 != nullptr && (type == proto::icmp_type::v6_neighbour_solicitation ||
                              type == proto::icmp_type::v6_neighbour_advertisement)) {
        return on_neighbour_discovery(v, now_ms);
    }
    return on_echo(v);
}

bool HostPresence::on_arp(const proto::PacketView& v, std::uint64_t now_ms) noexcept {
    const proto::ArpPacket& a = *v.arp;
    const std::uint16_t op = a.operation.get();
    // Whatever the operation, the sender tells where it is (RFC 826's merge).
    learn(a.sender_ip, a.sender_mac, now_ms);
    if (op != proto::arp_op::request) return true;
    if (a.target_ip == a.sender_ip) return true;  // someone's gratuitous ARP
    if (!c_.owned.contains(a.target_ip)) {
        ++counters_.not_ours;
        return true;
    }
    proto::ArpSpec reply;
    reply.operation = proto::arp_op::reply;
    reply.sender_mac = c_.mac;
    reply.sender_ip = a.target_ip;
    reply.target_mac = a.sender_mac;
    reply.target_ip = a.sender_ip;
    const proto::L2Spec l2 = reply_l2(v, a.sender_mac);
    answer([&](std::span<std::uint8_t> out) { return proto::build_arp_frame(out, l2, reply); },
           counters_.arp_requests_answered);
    return true;
}

bool HostPresence::on_neighbour_discovery(const proto::PacketView& v, std::uint64_t now_ms) noexcept {
    const bool solicitation = v.icmp->type == proto::icmp_type::v6_neighbour_solicitation;
    const proto::MacAddress from_mac = v.ethernet->src;
    proto::NdView nd;
    // RFC 4861 7.1: hop limit 255 and code 0, or the message is not from this link.
    if (v.ipv6->hop_limit != proto::nd_hop_limit || v.icmp->code != 0 ||
        proto::parse_nd(v.payload(), solicitation ? proto::nd_option::source_link_layer : proto::nd_option::target_link_layer,
                        nd) != proto::ParseError::none ||
        proto::is_multicast(nd.target)) {
        ++counters_.malformed;
        return true;
    }
    const proto::Ipv6Address src = v.source().v6;
    if (!solicitation) {
        learn(nd.target, nd.link ? *nd.link : from_mac, now_ms);
        return true;
    }
    if (nd.link && !proto::is_unspecified(src)) learn(src, *nd.link, now_ms);
    if (!c_.owned.contains(nd.target)) {
        ++counters_.not_ours;
        return true;
    }
    // A duplicate address check (from ::) is answered to all nodes, unsolicited
    // (RFC 4861 7.2.4); otherwise to the asker, solicited.
    const bool dad = proto::is_unspecified(src);
    const proto::Ipv6Address dst = dad ? proto::all_nodes_address() : src;
    const proto::L2Spec l2 = reply_l2(v, dad ? proto::ipv6_multicast_mac(dst) : nd.link ? *nd.link : from_mac);
    const std::uint32_t flags = proto::nd_flag::override_entry | (dad ? 0 : proto::nd_flag::solicited);
    answer([&](std::span<std::uint8_t> out) {
        return proto::build_neighbour_advertisement(out, l2, nd.target, dst, flags);
    }, counters_.neighbour_solicitations_answered);
    return true;
}

bool HostPresence::on_echo(const proto::PacketView& v) noexcept {
    const std::uint8_t type = v.icmp->type;
    const bool request = v.ipv6 != nullptr ? type == proto::icmp_type::v6_echo_request
                                           : type == proto::icmp_type::v4_echo_request;
    if (!request) return true;  // replies, unreachables, router adverts: seen, nothing to say
    const proto::IpAddress dst = v.destination();
    if (!c_.owned.contains(dst)) {
        ++counters_.not_ours;
        return true;
    }
    const auto* echo = reinterpret_cast<const proto::IcmpEchoHeader*>(v.frame.data() + v.l4_offset);
    proto::L3Spec l3;
    l3.src = dst;
    l3.dst = v.source();
    l3.dont_fragment = false;
    proto::IcmpEchoSpec spec;
    spec.reply = true;
    spec.identifier = echo->identifier.get();
    spec.sequence = echo->sequence.get();
    const proto::L2Spec l2 = reply_l2(v, v.ethernet->src);
    answer([&](std::span<std::uint8_t> out) { return proto::build_icmp_echo_frame(out, l2, l3, spec, v.payload()); },
           counters_.echo_requests_answered);
    return true;
}

std::size_t HostPresence::build_announcement(std::uint32_t i, std::span<std::uint8_t> out) const noexcept {
    const proto::IpAddress& a = announced_[i];
    proto::L2Spec l2 = c_.l2;
    if (a.is_v4()) {
        // Gratuitous ARP as a request (RFC 5227 section 3): sender and target both this address.
        l2.dst = broadcast;
        proto::ArpSpec g;
        g.operation = proto::arp_op::request;
        g.sender_mac = c_.mac;
        g.sender_ip = a.v4;
        g.target_ip = a.v4;
        const auto r = proto::build_arp_frame(out, l2, g);
        return r.ok() ? r.layout.length : 0;
    }
    const proto::Ipv6Address all = proto::all_nodes_address();
    l2.dst = proto::ipv6_multicast_mac(all);
    const auto r = proto::build_neighbour_advertisement(out, l2, a.v6, all, proto::nd_flag::override_entry);
    return r.ok() ? r.layout.length : 0;
}

std::size_t HostPresence::build_request(const NextHop& h, std::span<std::uint8_t> out) const noexcept {
    proto::L2Spec l2 = c_.l2;
    if (h.address.is_v4()) {
        l2.dst = broadcast;
        proto::ArpSpec q;
        q.operation = proto::arp_op::request;
        q.sender_mac = c_.mac;
        q.sender_ip = h.asked_from.v4;
        q.target_ip = h.address.v4;
        const auto r = proto::build_arp_frame(out, l2, q);
        return r.ok() ? r.layout.length : 0;
    }
    const auto r = proto::build_neighbour_solicitation(out, l2, h.asked_from.v6, h.address.v6);
    return r.ok() ? r.layout.length : 0;
}

std::size_t HostPresence::next_frame(std::span<std::uint8_t> out) noexcept {
    if (queued_ > 0) {
        const std::size_t at = head_, len = lengths_[at];
        head_ = (head_ + 1) % queue_slots;
        --queued_;
        if (len > out.size()) {
            ++counters_.answers_dropped;
            return 0;
        }
        std::memcpy(out.data(), frames_.data() + at * slot_bytes, len);
        ++counters_.frames_sent;
        return len;
    }
    while (!requests_due_.empty()) {
        const NextHop& h = hops_[requests_due_.back()];
        requests_due_.pop_back();
        if (h.mac) continue;
        const std::size_t n = build_request(h, out);
        if (n == 0) continue;
        ++counters_.resolution_requests;
        ++counters_.frames_sent;
        return n;
    }
    while (announce_next_ < announce_total_) {
        const std::size_t n = build_announcement(announce_next_++, out);
        if (n > 0) {
            ++counters_.announcements;
            ++counters_.frames_sent;
            return n;
        }
    }
    return 0;
}

}  // namespace tg::traffic
