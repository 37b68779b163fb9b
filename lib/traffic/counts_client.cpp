#include "traffic/counts_client.hpp"

#include <array>

#include "proto/parse.hpp"

namespace tg::traffic {

std::size_t CountsClient::request(std::span<std::uint8_t> out, std::uint64_t now_ns) noexcept {
    std::array<std::uint8_t, proto::counts_request_bytes> payload{};
    if (!proto::write_counts_request(payload, seq_ + 1, now_ns, proto::counts_max_entries)) return 0;
    const proto::BuildResult r = proto::build_udp_frame(out, l2_, l3_, udp_, payload);
    if (!r.ok()) return 0;
    ++seq_;
    answer_.reset();
    ++counters_.requests;
    return r.layout.length;
}

bool CountsClient::offer(std::span<const std::uint8_t> frame) noexcept {
    const proto::ParseResult r = proto::parse_frame(frame);
    if (!r.status.ok() || r.view.udp == nullptr || r.view.udp->src_port.get() != udp_.dst_port ||
        r.view.udp->dst_port.get() != udp_.src_port) {
        return false;
    }
    const auto a = proto::read_counts_answer(r.view.payload());
    if (!a) return false;
    if (a->header.seq != seq_ || seq_ == 0) {
        ++counters_.stale;
        return false;
    }
    if (!answer_) ++counters_.answers;
    answer_ = a;
    return true;
}

}  // namespace tg::traffic
