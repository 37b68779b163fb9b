#include "sink/sink_core.hpp"

#include <algorithm>
#include <bit>
#include <random>

#include "proto/dns.hpp"
#include "proto/ethernet.hpp"
#include "proto/icmp.hpp"
#include "proto/ip.hpp"
#include "proto/parse.hpp"
#include "proto/request.hpp"
#include "proto/sctp_parse.hpp"
#include "proto/test_header.hpp"

namespace tg::sink {

namespace {

using traffic::Protocol;

bool protocol_of(std::uint8_t ip_proto, Protocol& out) noexcept {
    switch (ip_proto) {
        case proto::ip_proto::tcp: out = Protocol::tcp; return true;
        case proto::ip_proto::udp: out = Protocol::udp; return true;
        case proto::ip_proto::sctp: out = Protocol::sctp; return true;
        case proto::ip_proto::icmp:
        case proto::ip_proto::icmpv6: out = Protocol::icmp; return true;
        default: return false;
    }
}

std::size_t index(Protocol p) noexcept { return static_cast<std::size_t>(p); }

std::uint64_t hash(std::uint64_t k) noexcept {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    return k;
}

}  // namespace

SinkCore::SinkCore(const SinkConfig& config) : config_(config) {
    // Open addressing at most half full, so probes stay short.
    const std::size_t capacity = std::bit_ceil(std::size_t{config.max_streams} * 2);
    slots_.resize(capacity);
    mask_ = capacity - 1;
    timeline_.reserve(config.timeline_packets);
    interruptions_.reserve(config.gap_log);
    if (config.sctp_server) {
        proto::SctpServerConfig c;
        c.timers = config.sctp_timers;
        // Stateless test traffic is DATA of no association: counted, never answered.
        c.answer_out_of_the_blue = false;
        sctp_ = std::make_unique<SctpResponder>(c, std::random_device{}());
    }
    if (config.tcp_server) {
        proto::TcpListenerConfig c;
        c.timers = config.tcp_timers;
        // Stateless test traffic is TCP of no connection: counted, never reset.
        c.answer_out_of_the_blue = false;
        tcp_ = std::make_unique<TcpResponder>(c, std::random_device{}());
    }
    own_board_.cores = {live_.get()};
    if (config.udp_answers) {
        udp_ = std::make_unique<UdpAnswers>(config.counts_board != nullptr ? *config.counts_board : own_board_);
    }
    if (!config.addresses.empty()) {
        traffic::PresenceConfig c;
        c.mac = config.mac;
        c.owned = config.addresses;
        presence_ = std::make_unique<traffic::HostPresence>(c);
        if (config.announce) presence_->announce();
    }
}

std::uint64_t SinkCore::next_answer_ms() const noexcept {
    std::uint64_t t = ~std::uint64_t{0};
    if (sctp_) t = std::min(t, sctp_->next_timer_ms());
    if (tcp_) t = std::min(t, tcp_->next_timer_ms());
    if ((udp_ && udp_->pending()) || (presence_ && presence_->pending())) t = 0;
    return t;
}

void SinkCore::tick_answers(std::uint64_t now_ms) {
    if (sctp_ && sctp_->next_timer_ms() <= now_ms) sctp_->tick(now_ms);
    if (tcp_ && tcp_->next_timer_ms() <= now_ms) tcp_->tick(now_ms);
}

std::size_t SinkCore::next_answer(std::span<std::uint8_t> out) {
    std::size_t n = presence_ ? presence_->next_frame(out) : 0;
    if (n == 0 && sctp_) n = sctp_->next_frame(out);
    if (n == 0 && tcp_) n = tcp_->next_frame(out);
    if (n == 0 && udp_) n = udp_->next_frame(out);
    return n;
}

StreamStats* SinkCore::find(Protocol p, std::uint32_t flow, std::uint16_t stream) noexcept {
    const std::uint64_t key = std::uint64_t{static_cast<std::uint8_t>(p)} << 48 | std::uint64_t{flow} << 16 | stream;
    for (std::size_t i = hash(key) & mask_;; i = (i + 1) & mask_) {
        Slot& s = slots_[i];
        if (s.used && s.key == key) return &s.stats;
        if (!s.used) {
            if (used_ >= config_.max_streams) return nullptr;
            s.used = true;
            s.key = key;
            s.stats.protocol = p;
            s.stats.flow_id = flow;
            s.stats.stream_id = stream;
            ++used_;
            return &s.stats;
        }
    }
}

bool SinkCore::count_test_packet(Protocol p, std::span<const std::uint8_t> payload, std::uint32_t wire_bytes,
                                 std::uint32_t payload_bytes, const RxMeta& meta) noexcept {
    proto::TestHeader h;
    if (proto::read_test_header(payload, h) != proto::TestHeaderStatus::ok) {
        ++totals_.non_test;
        return false;
    }
    const std::uint64_t tx = proto::extend_ts48(meta.rx_ns, h.tx_ns);
    if (timeline_.size() < config_.timeline_packets) {
        timeline_.push_back({meta.rx_ns, tx, h.flow_id, h.seq, h.stream_id, static_cast<std::uint16_t>(wire_bytes), p});
    }
    ProtocolTotals& pt = totals_.protocols[index(p)];
    ++pt.packets;
    pt.bytes += wire_bytes;
    pt.payload_bytes += payload_bytes;
    dirty_ |= 1u << index(p);

    StreamStats* s = find(p, h.flow_id, h.stream_id);
    if (s == nullptr) {
        ++totals_.untracked;
        return true;
    }
    if (s->packets == 0) s->first_rx_ns = meta.rx_ns;
    ++s->packets;
    s->bytes += wire_bytes;
    s->last_rx_ns = meta.rx_ns;
    const std::uint64_t highest_before = s->sequence.highest();
    const std::uint64_t seq = proto::extend_seq32(highest_before, h.seq);
    stats::Gap gap;
    if (s->gaps.record(meta.rx_ns, tx, seq, highest_before, s->sequence.empty(), config_.gap_threshold_ns, gap)) {
        if (interruptions_.size() < config_.gap_log) {
            interruptions_.push_back({p, h.flow_id, h.stream_id, gap});
        } else {
            ++interruptions_not_listed_;
        }
    }
    const std::uint64_t expected_before = s->sequence.expected(), unique_before = s->sequence.unique();
    const auto verdict = s->sequence.record(seq);
    if (h.flags & proto::test_flag::last) s->sequence.set_last(seq);
    // In order, one more expected and one more unique: nothing more missing. (set_last
    // follows the record of its own packet, so it never raises what is expected.)
    if (verdict != stats::SequenceTracker::Verdict::in_order) [[unlikely]] {
        pt.missing += (s->sequence.expected() - expected_before) - (s->sequence.unique() - unique_before);
    }
    s->jitter.record(tx, meta.rx_ns);
    std::uint64_t& peak = jitter_peak_ns_[index(p)];
    peak = std::max(peak, s->jitter.ns());
    if (config_.shared_clock) {
        if (tx <= meta.rx_ns) {
            pt.latency.record(meta.rx_ns - tx);
        } else {
            ++totals_.negative_latency;
        }
    }
    return true;
}

namespace {

void arrived(ProtocolTotals& pt, std::uint32_t wire_bytes, std::uint64_t rx_ns) noexcept {
    ++pt.packets;
    pt.bytes += wire_bytes;
    if (pt.first_rx_ns == 0) pt.first_rx_ns = rx_ns;
    pt.last_rx_ns = rx_ns;
}

}  // namespace

bool SinkCore::count_arp(const proto::PacketView& v, std::uint32_t wire_bytes, std::uint64_t rx_ns) noexcept {
    const std::uint16_t op = v.arp->operation.get();
    // An announcement (gratuitous ARP: sender and target the same) asks nobody anything.
    const bool counted = config_.count_answers ? op == proto::arp_op::reply
                                               : op == proto::arp_op::request && !(v.arp->sender_ip == v.arp->target_ip);
    if (!counted) return false;
    arrived(totals_.protocols[index(Protocol::arp)], wire_bytes, rx_ns);
    dirty_ |= 1u << index(Protocol::arp);
    return true;
}

bool SinkCore::count_echo(const proto::PacketView& v, std::uint32_t wire_bytes, const RxMeta& meta) noexcept {
    const std::uint8_t type = v.icmp->type;
    const bool request = type == proto::icmp_type::v4_echo_request || type == proto::icmp_type::v6_echo_request;
    const bool reply = type == proto::icmp_type::v4_echo_reply || type == proto::icmp_type::v6_echo_reply;
    if (!(config_.count_answers ? reply : request)) return false;
    // Someone else's ping carries no test header: not ours to count.
    proto::TestHeader h;
    if (proto::read_test_header(v.payload(), h) != proto::TestHeaderStatus::ok) return false;
    return count_test_packet(Protocol::icmp, v.payload(), wire_bytes, v.payload_length, meta);
}

bool SinkCore::count_dns(const proto::PacketView& v, std::uint32_t wire_bytes, const RxMeta& meta) noexcept {
    const std::uint16_t src = v.udp->src_port.get(), dst = v.udp->dst_port.get();
    if (src != proto::dns_port && dst != proto::dns_port) return false;
    proto::TestHeader th;
    if (proto::read_test_header(v.payload(), th) == proto::TestHeaderStatus::ok) return false;  // UDP test traffic
    const auto h = proto::read_dns_header(v.payload());
    if (!h || h->response != config_.count_answers) return false;
    ProtocolTotals& pt = totals_.protocols[index(Protocol::dns)];
    arrived(pt, wire_bytes, meta.rx_ns);
    dirty_ |= 1u << index(Protocol::dns);
    pt.payload_bytes += v.payload_length;
    if (!config_.count_answers || config_.dns_clock == nullptr) return true;
    DnsTally& d = totals_.dns;
    std::uint64_t sent_ns = 0;
    if (!config_.dns_clock->answered(h->id, dst, sent_ns) || sent_ns > meta.rx_ns) {
        ++d.unmatched;
        return true;
    }
    const std::uint64_t rtt = meta.rx_ns - sent_ns;
    if (rtt > config_.dns_timeout_ns) {
        ++d.late;
        return true;
    }
    ++d.answered;
    ++d.rcodes[h->rcode];
    if (h->truncated) ++d.truncated;
    if (h->answers > 0) ++d.with_answers;
    pt.latency.record(rtt);
    return true;
}

void SinkCore::publish() noexcept {
    while (dirty_ != 0) {
        const auto i = static_cast<std::size_t>(std::countr_zero(dirty_));
        dirty_ &= dirty_ - 1;
        const ProtocolTotals& pt = totals_.protocols[i];
        live_->publish(static_cast<Protocol>(i), {pt.packets, pt.bytes, pt.missing}, jitter_peak_ns_[i]);
        jitter_peak_ns_[i] = 0;
    }
}

bool SinkCore::process(std::span<const std::uint8_t> frame, const RxMeta& meta, proto::FrameShape* shape) noexcept {
    ++totals_.frames;
    // Trust what the NIC checked; check in software what it did not.
    const proto::ParseOptions options{meta.ip == NicChecksum::unknown, meta.l4 == NicChecksum::unknown};
    const proto::ParseResult r = proto::parse_frame(frame, options);
    const proto::PacketView& v = r.view;
    const auto wire_bytes = static_cast<std::uint32_t>(frame.size() + proto::ethernet_fcs_size);

    // ARP, neighbour discovery and echo: the host's presence. Echo requests with a test
    // header and ARP requests are also --proto icmp and arp traffic (their answers, where
    // the generator counts what came back).
    if (r.status.ok() && (v.arp != nullptr || v.icmp != nullptr)) {
        const bool counted = v.arp != nullptr ? count_arp(v, wire_bytes, meta.rx_ns) : count_echo(v, wire_bytes, meta);
        if (presence_) {
            presence_->offer(v, meta.rx_ns / 1000000);
            ++totals_.presence;
        } else if (!counted) {
            ++totals_.non_test;
        }
        return false;
    }
    // An EtherType of no protocol trafficgen knows: --proto raw, when a test header follows.
    if (r.status.error == proto::ParseError::unknown_protocol && r.status.layer == proto::Layer::ethernet) {
        const auto payload = frame.subspan(v.l3_offset);
        count_test_packet(Protocol::raw, payload, wire_bytes, static_cast<std::uint32_t>(payload.size()), meta);
        return false;
    }
    Protocol p = Protocol::udp;
    const bool transport_known =
        (v.ipv4 != nullptr && protocol_of(v.ipv4->protocol, p)) || (v.ipv6 != nullptr && protocol_of(v.l4_protocol, p));
    if (r.status.error == proto::ParseError::bad_checksum && transport_known) {
        if (r.status.layer == proto::Layer::ipv4) {
            ++totals_.protocols[index(p)].bad_ip_checksum;
        } else {
            ++totals_.protocols[index(p)].bad_l4_checksum;
        }
        return false;
    }
    if (!r.status.ok()) {
        // Someone else's protocol is not malformed, just not ours.
        if (r.status.error == proto::ParseError::unknown_protocol || r.status.error == proto::ParseError::fragment) {
            ++totals_.non_test;
        } else {
            ++totals_.malformed;
        }
        return false;
    }
    if (v.ipv4 != nullptr && meta.ip == NicChecksum::bad) {
        if (transport_known) ++totals_.protocols[index(p)].bad_ip_checksum;
        return false;
    }
    if (!transport_known) {
        ++totals_.non_test;
        return false;
    }
    if (meta.l4 == NicChecksum::bad) {
        ++totals_.protocols[index(p)].bad_l4_checksum;
        return false;
    }
    // A test packet that no responder took is stateless test traffic: the kind a
    // reflector sends back.
    if (shape != nullptr) {
        *shape = {v.l3_offset, v.l4_offset, v.l4_length, v.ipv6 != nullptr, v.l4_protocol};
    }
    if (p == Protocol::udp && count_dns(v, wire_bytes, meta)) return false;
    // A count request is the generator's question, not traffic: answered, never counted.
    if (p == Protocol::udp && udp_) {
        if (const auto request = proto::read_counts_request(v.payload())) {
            udp_->queue_counts(v, *request);
            return false;
        }
    }
    if (p != Protocol::sctp) {
        bool taken = p == Protocol::tcp && tcp_ && tcp_->offer(v, meta.rx_ns / 1000000);
        const bool test = count_test_packet(p, v.payload(), wire_bytes, v.payload_length, meta);
        if (test && p == Protocol::udp && udp_) {
            if (const auto request = proto::read_request(v.payload())) {
                udp_->queue(v, *request);
                taken = true;
            }
        }
        return test && !taken;
    }
    const bool taken = sctp_ && sctp_->offer(v, meta.rx_ns / 1000000);
    // SCTP: each DATA chunk is a test message; a bundle of several counts each.
    proto::SctpChunkReader chunks(v.payload());
    proto::SctpChunkView c;
    bool any = false;
    while (chunks.next(c)) {
        proto::SctpDataView d;
        if (c.type != proto::sctp_chunk::data || proto::parse_sctp_data(c, d) != proto::ParseError::none) continue;
        // The stream the DATA chunk names is the one that counts.
        proto::TestHeader h;
        if (proto::read_test_header(d.user_data, h) == proto::TestHeaderStatus::ok && h.stream_id != d.stream_id) {
            ++totals_.malformed;
            continue;
        }
        count_test_packet(p, d.user_data, any ? 0 : wire_bytes, static_cast<std::uint32_t>(d.user_data.size()), meta);
        any = true;
    }
    if (!any) ++totals_.non_test;
    return any && !taken;
}

}  // namespace tg::sink
