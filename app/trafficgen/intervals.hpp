// The report's "intervals": every --stats-interval, per protocol, what was sent and what
// arrived in it (packets, pps, L2 bit/s), what was found lost and the highest RFC 3550
// jitter estimate, as iperf3's JSON has them. Sampled on the control thread from the
// engines' live counters; a last, shorter interval at the end makes the sums equal the
// report's totals.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dataplane/engines.hpp"
#include "traffic/protocol.hpp"

namespace tg::app {

// Every protocol's running totals at one moment.
struct ProtocolSample {
    std::uint64_t sent = 0, sent_bytes = 0;
    std::uint64_t received = 0, received_bytes = 0;
    std::uint64_t lost = 0;          // missing sequence numbers so far
    std::uint64_t jitter_peak_ns = 0;  // since the previous sample
};
using Sample = std::array<ProtocolSample, traffic::protocol_count>;

class Intervals {
public:
    // `sessions_protocol`: sessions whose data goes through engine 0's control path
    // (closed loop, request/response); its sent packets are that path's frames.
    Intervals(const std::vector<std::unique_ptr<dataplane::TxEngine>>& tx,
              const std::vector<std::unique_ptr<dataplane::RxEngine>>& rx,
              std::optional<traffic::Protocol> sessions_protocol);

    // Closes the interval that ends `t` seconds after the start and returns it.
    const nlohmann::json& sample(double t);
    // The last interval, if anything happened since the previous one (or none was taken).
    void finish(double t);
    [[nodiscard]] const nlohmann::json& list() const noexcept { return list_; }

    // The interval between two samples: what was sent (`sends`) and what arrived
    // (`receives`) in it, per protocol and summed.
    [[nodiscard]] static nlohmann::json interval(const Sample& before, const Sample& now, double start, double end,
                                                 bool sends, bool receives);

private:
    [[nodiscard]] Sample read() const;

    const std::vector<std::unique_ptr<dataplane::TxEngine>>& tx_;
    std::vector<const sink::SinkCore*> received_by_;  // the sink's cores, or the generator's returns
    std::optional<traffic::Protocol> sessions_protocol_;
    Sample last_{};
    double last_t_ = 0;
    nlohmann::json list_ = nlohmann::json::array();
};

}  // namespace tg::app
