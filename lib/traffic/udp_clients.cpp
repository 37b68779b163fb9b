#include "traffic/udp_clients.hpp"

#include <algorithm>

#include "proto/parse.hpp"
#include "proto/request.hpp"
#include "proto/udp.hpp"

namespace tg::traffic {

UdpClientSet::UdpClientSet(const FlowSet& flows, const proto::L2Spec& l2, std::uint8_t ttl, const TransactionSpec& spec)
    : l2_(l2), ttl_(ttl), rr_(flows.size(), spec), sent_ns_(flows.size()), queue_(flows.size()),
      payload_(std::max<std::size_t>(spec.request_bytes, proto::request_min_bytes)) {
    flows_.reserve(flows.size());
    for (std::uint32_t f = 0; f < flows.size(); ++f) flows_.push_back(flows.at(f));
    for (std::size_t i = proto::request_min_bytes; i < payload_.size(); ++i) payload_[i] = static_cast<std::uint8_t>(i);
}

void UdpClientSet::offer(std::span<const std::uint8_t> frame, std::uint64_t, std::uint64_t now_ns) {
    const proto::ParseResult r = proto::parse_frame(frame);
    const proto::PacketView& v = r.view;
    if (!r.status.ok() || v.udp == nullptr) return;
    proto::TestHeader h;
    if (proto::read_test_header(v.payload(), h) != proto::TestHeaderStatus::ok ||
        (h.flags & proto::test_flag::reflected) == 0 || h.flow_id >= flows_.size()) {
        return;
    }
    // The answer must come back to the flow that asked: its ports swapped, from its peer.
    const FlowTuple& t = flows_[h.flow_id];
    if (v.udp->dst_port.get() != t.src_port || v.udp->src_port.get() != t.dst_port || !(v.source() == t.dst)) {
        ++strays_;
        return;
    }
    if (!rr_.answer(h.flow_id, h.seq, now_ns)) ++strays_;
}

void UdpClientSet::tick(std::uint64_t now_ms) {
    if (fill_ms_ != 0 && now_ms > fill_ms_) rr_.expire(fill_ns_ + (now_ms - fill_ms_) * 1000000);
}

std::uint64_t UdpClientSet::fill(std::uint64_t now_ms, std::uint64_t now_ns, std::uint64_t budget) {
    fill_ms_ = now_ms;
    fill_ns_ = now_ns;
    rr_.expire(now_ns);
    std::uint64_t given = 0;
    const std::size_t n = flows_.size();
    for (std::size_t k = 0; k < n && given < budget && queued_ < queue_.size(); ++k) {
        const std::size_t f = (cursor_ + k) % n;
        if (!rr_.idle(f)) continue;
        sent_ns_[f] = now_ns;
        rr_.start(f, now_ns);
        queue_[(queue_head_ + queued_++) % queue_.size()] = static_cast<std::uint32_t>(f);
        ++given;
    }
    cursor_ = n == 0 ? 0 : (cursor_ + 1) % n;
    return given;
}

std::size_t UdpClientSet::next_frame(std::span<std::uint8_t> out) {
    while (queued_ > 0) {
        const std::uint32_t f = queue_[queue_head_];
        queue_head_ = (queue_head_ + 1) % queue_.size();
        --queued_;
        proto::TestHeader h;
        h.flow_id = f;
        h.seq = rr_.next_seq(f) - 1;  // the request in flight
        h.tx_ns = sent_ns_[f];
        (void)proto::write_request(payload_, h, rr_.spec().response_bytes);
        const FlowTuple& t = flows_[f];
        proto::L3Spec l3;
        l3.src = t.src;
        l3.dst = t.dst;
        l3.ttl = ttl_;
        const proto::BuildResult r = proto::build_udp_frame(out, l2_, l3, {t.src_port, t.dst_port}, payload_);
        if (r.ok()) return r.layout.length;
    }
    return 0;
}

bool UdpClientSet::all_acknowledged() const noexcept {
    for (std::size_t f = 0; f < flows_.size(); ++f) {
        if (!rr_.idle(f)) return false;
    }
    return true;
}

std::string UdpClientSet::verdict() const {
    const TransactionTotals t = rr_.totals();
    if (t.started > 0 && t.completed == 0 && t.late == 0) {
        return "the peer never answered: " + std::to_string(t.started) + " UDP requests on " +
               std::to_string(flows_.size()) + " flows, no response (the path drops UDP, or the far end is not a "
               "trafficgen sink)";
    }
    return "";
}

}  // namespace tg::traffic
