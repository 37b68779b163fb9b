// What a generator sent against what a sink received: the one place where loss is
// counted wherever the two reports meet (`trafficgen report`, a loopback run's report,
// `trafficgen-orch report` and its summed row). Loss is sent minus received, never the
// sink's sequence gaps alone: a protocol the path dropped entirely is 100 % lost, and
// the tail of a stream (after the last frame received) is lost too, or was still in
// flight when the sink stopped; the report keeps that part on its own line.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace tg::report {

struct Delivery {
    std::uint64_t sent = 0;
    std::uint64_t received = 0;    // distinct frames: arrivals less duplicates
    std::uint64_t lost = 0;        // sent - received, when more were sent
    std::uint64_t gaps = 0;        // of those, holes in a stream's sequence (the sink's count)
    std::uint64_t tail = 0;        // of those, after the last frame received: lost at the end, or in flight at stop
    std::uint64_t duplicates = 0;  // arrivals of a frame already received
    std::uint64_t reordered = 0;
    std::uint64_t unexpected = 0;  // received beyond what was sent (someone else's, or a replay)
    [[nodiscard]] double loss_percent() const noexcept {
        return sent == 0 ? 0.0 : 100.0 * double(lost) / double(sent);
    }
    // Sums another (a flow, a pair) into this one.
    void add(const Delivery& d) noexcept;
    [[nodiscard]] nlohmann::json to_json() const;
};

// `sent_packets`: what the generator counted for it; `sink`: the sink's block for the
// same protocol or stream (packets, lost, duplicates, reordered), or null.
[[nodiscard]] Delivery deliver(std::uint64_t sent_packets, const nlohmann::json& sink);

// From the "generator" and "sink" sections of reports: per protocol and per (protocol,
// flow, stream), and one sentence for each protocol or stream that had frames sent and
// none received. {"protocols": {...}, "streams": [...], "verdicts": [...]}.
[[nodiscard]] nlohmann::json delivery_json(const nlohmann::json& generator, const nlohmann::json& sink);

// The sentence for a protocol or stream nothing of which arrived; empty when some did.
[[nodiscard]] std::string nothing_arrived(const std::string& what, const Delivery& d);

}  // namespace tg::report
