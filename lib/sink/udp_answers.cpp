#include "sink/udp_answers.hpp"

#include <algorithm>
#include <cstring>

#include "proto/udp.hpp"

namespace tg::sink {

UdpAnswers::UdpAnswers(const CountsBoard& board, std::size_t capacity)
    : board_(board), ring_(capacity), payload_(16384, 0x5a) {}

bool UdpAnswers::queue(const proto::PacketView& v, const proto::Request& request) noexcept {
    return queue_entry(v, request.header,
                       std::clamp(request.response_bytes, proto::response_min_bytes, proto::response_max_bytes), false);
}

bool UdpAnswers::queue_counts(const proto::PacketView& v, const proto::TestHeader& request) noexcept {
    return queue_entry(v, request, static_cast<std::uint32_t>(proto::counts_answer_bytes(traffic::protocol_count)), true);
}

bool UdpAnswers::queue_entry(const proto::PacketView& v, const proto::TestHeader& head, std::uint32_t bytes,
                             bool counts) noexcept {
    if (v.udp == nullptr || (v.ipv4 == nullptr && v.ipv6 == nullptr)) return false;
    if (count_ == ring_.size()) {
        ++counters_.dropped;
        return false;
    }
    Entry& e = ring_[(head_ + count_) % ring_.size()];
    // Back the way it came: MACs swapped, VLAN tags kept.
    std::memcpy(e.l2.dst.bytes.data(), v.frame.data() + 6, 6);
    std::memcpy(e.l2.src.bytes.data(), v.frame.data(), 6);
    e.l2.vlan_count = v.vlan_count;
    for (std::uint8_t i = 0; i < v.vlan_count; ++i) e.l2.vlans[i] = {v.vlan_tpid[i], v.vlan_tci[i]};
    e.l3 = {};
    e.l3.src = v.destination();
    e.l3.dst = v.source();
    e.udp = {v.udp->dst_port.get(), v.udp->src_port.get()};
    e.head = head;
    e.bytes = bytes;
    e.counts = counts;
    ++count_;
    ++(counts ? counters_.count_requests : counters_.requests);
    return true;
}

std::size_t UdpAnswers::next_frame(std::span<std::uint8_t> out) noexcept {
    while (count_ > 0) {
        const Entry& e = ring_[head_];
        head_ = (head_ + 1) % ring_.size();
        --count_;
        const std::size_t headers = 14 + 4u * e.l2.vlan_count + (e.l3.dst.is_v4() ? 20 : 40) + sizeof(proto::UdpHeader);
        const std::size_t room = std::min(out.size() > headers ? out.size() - headers : 0, payload_.size());
        if (room < proto::response_min_bytes) continue;
        std::size_t len = 0;
        if (e.counts) {
            // Written now, not when the request came: what every core has counted by the time it goes.
            std::array<std::uint8_t, proto::counts_answer_bytes(traffic::protocol_count)> buf{};
            if (room < buf.size()) continue;
            const auto counts = board_.sum();
            len = proto::write_counts_answer(buf, e.head, board_.sink_id, counts);
            const proto::BuildResult r = proto::build_udp_frame(out, e.l2, e.l3, e.udp, {buf.data(), len});
            if (!r.ok()) continue;
            return r.layout.length;
        }
        len = std::min<std::size_t>(e.bytes, room);
        if (len < e.bytes) ++counters_.cut;
        const std::span<std::uint8_t> payload(payload_.data(), len);
        (void)proto::write_response_head(payload, e.head);
        const proto::BuildResult r = proto::build_udp_frame(out, e.l2, e.l3, e.udp, payload);
        if (!r.ok()) continue;
        counters_.response_bytes += len;
        return r.layout.length;
    }
    return 0;
}

}  // namespace tg::sink
