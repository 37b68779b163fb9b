// The generator's side of in-band counts (proto/counts.hpp): it asks the far sink what it
// has counted, over the path under test, and takes the answer to its latest question. An
// answer to an earlier question (one that came after its retry had gone) is left aside:
// counts are only compared when they answer the latest request.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "proto/build.hpp"
#include "proto/counts.hpp"

namespace tg::traffic {

struct CountsClientCounters {
    std::uint64_t requests = 0;  // count requests built
    std::uint64_t answers = 0;   // answers to the latest request
    std::uint64_t stale = 0;     // answers to an earlier one
};

class CountsClient {
public:
    // Requests go from `l3.src`:`udp.src_port` to `l3.dst`:`udp.dst_port` in `l2`'s frames
    // (the test traffic's own addresses, so that the path treats them alike).
    CountsClient(const proto::L2Spec& l2, const proto::L3Spec& l3, const proto::UdpSpec& udp) noexcept
        : l2_(l2), l3_(l3), udp_(udp) {}

    // A new request as a frame in `out`: its length (0 when it does not fit). The answer
    // to an earlier one is no longer taken.
    std::size_t request(std::span<std::uint8_t> out, std::uint64_t now_ns) noexcept;
    // A frame that arrived: true when it answers the latest request, whose answer is then
    // `answer()`.
    bool offer(std::span<const std::uint8_t> frame) noexcept;
    // The latest request's answer; none until it came.
    [[nodiscard]] const std::optional<proto::CountsAnswer>& answer() const noexcept { return answer_; }
    [[nodiscard]] const CountsClientCounters& counters() const noexcept { return counters_; }

private:
    proto::L2Spec l2_;
    proto::L3Spec l3_;
    proto::UdpSpec udp_;
    std::uint32_t seq_ = 0;  // the latest request's
    std::optional<proto::CountsAnswer> answer_;
    CountsClientCounters counters_;
};

}  // namespace tg::traffic
