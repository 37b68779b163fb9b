#include "far_sink.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <thread>

#include "dataplane/dataplane_error.hpp"
#include "session_control.hpp"

namespace tg::app {

using Clock = std::chrono::steady_clock;

FarSink::FarSink(dataplane::ControlPath& path, traffic::HostPresence& presence, const traffic::CountsClient& client,
                 std::string where, const std::atomic<int>& stop)
    : path_(path), presence_(presence), client_(client), where_(std::move(where)), stop_(stop) {}

std::optional<proto::CountsAnswer> FarSink::ask(int tries) {
    for (int i = 0; i < tries && stop_.load() == 0; ++i) {
        const auto now_ns = static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count());
        const bool sent = path_.send([&, done = false](std::span<std::uint8_t> out) mutable -> std::size_t {
            if (done) return 0;
            done = true;
            return client_.request(out, now_ns);
        }) > 0;
        const auto deadline = Clock::now() + std::chrono::milliseconds(200);
        while (Clock::now() < deadline && stop_.load() == 0) {
            const std::uint64_t now_ms = steady_ms();
            // The host's presence too: the path's router asks who we are before it forwards the answer.
            path_.receive([&](std::span<const std::uint8_t> frame) {
                if (!client_.offer(frame)) (void)offer_presence(presence_, frame, now_ms);
            });
            presence_.tick(now_ms);
            path_.send([&](std::span<std::uint8_t> out) { return presence_.next_frame(out); });
            if (client_.answer()) break;
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
        if (!client_.answer()) {
            if (!sent) spdlog::warn("a count request for the far sink found no room on the port");
            continue;
        }
        const proto::CountsAnswer& a = *client_.answer();
        if (sink_id_ && *sink_id_ != a.sink_id) {
            throw dataplane::DataplaneError("the far sink at " + where_ +
                                            " restarted during the search (its id changed): its counts started over, "
                                            "so the trial cannot be counted; run the search again");
        }
        sink_id_ = a.sink_id;
        return a;
    }
    if (stop_.load() != 0) return std::nullopt;
    throw dataplane::DataplaneError(
        "no trafficgen sink answered " + std::to_string(tries) + " count requests sent to " + where_ +
        (sink_id_ ? " (it answered before: the path or the sink stopped)" : "") +
        ": start `trafficgen sink` on the far host with --dst-ip among its --ip, or give --rx-iface, --rx-vdev or "
        "--rx-pci, or --loopback, when this process receives the frames itself");
}

std::optional<proto::CountsAnswer> FarSink::settled(std::chrono::milliseconds quiet, std::chrono::milliseconds limit) {
    const auto end = Clock::now() + limit;
    std::optional<proto::CountsAnswer> last = ask();
    while (last && stop_.load() == 0 && Clock::now() < end) {
        std::this_thread::sleep_for(quiet);
        auto next = ask();
        if (!next) return last;
        const bool same = [&] {
            for (std::size_t i = 0; i < next->entries; ++i) {
                if (i >= last->entries || next->counts[i].packets != last->counts[i].packets) return false;
            }
            return true;
        }();
        last = next;
        if (same) break;
    }
    return last;
}

nlohmann::json FarSink::report() const {
    char id[20];
    std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(sink_id_.value_or(0)));
    const auto& c = client_.counters();
    return {{"address", where_},
            {"sink_id", id},
            {"count_requests", c.requests},
            {"answered", c.answers},
            {"answered_late", c.stale},
            {"unanswered", c.requests - c.answers - std::min(c.stale, c.requests - c.answers)}};
}

}  // namespace tg::app
