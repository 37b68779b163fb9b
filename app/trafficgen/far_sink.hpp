// A search whose frames are counted by `trafficgen sink` on the far host: its counts come
// back in-band (proto/counts.hpp), asked over the generator's port between trials, when
// the control thread owns queue 0. The received packets of a trial are the difference of
// the answers before and after it; "after" is when the path has drained, two answers at
// least `quiet` apart with the same count.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "dataplane/control_path.hpp"
#include "proto/counts.hpp"
#include "traffic/counts_client.hpp"
#include "traffic/presence.hpp"
#include "traffic/protocol.hpp"

namespace tg::app {

class FarSink {
public:
    // `where`: the sink's address and port, for messages.
    FarSink(dataplane::ControlPath& path, traffic::HostPresence& presence, const traffic::CountsClient& client,
            std::string where, const std::atomic<int>& stop);

    // Asks until answered (each request waits 200 ms; `tries` at most) and returns the
    // answer. Throws DataplaneError when none came, or when the sink's id changed (it
    // restarted, and its counts started over); nothing when stopped by a signal.
    std::optional<proto::CountsAnswer> ask(int tries = 15);
    // After a trial's last frame: asks until two answers `quiet` apart count the same
    // test packets (`limit` at most: then the last answer).
    std::optional<proto::CountsAnswer> settled(std::chrono::milliseconds quiet = std::chrono::milliseconds(100),
                                               std::chrono::milliseconds limit = std::chrono::seconds(5));

    [[nodiscard]] const traffic::CountsClientCounters& counters() const noexcept { return client_.counters(); }
    [[nodiscard]] nlohmann::json report() const;

private:
    dataplane::ControlPath& path_;
    traffic::HostPresence& presence_;
    traffic::CountsClient client_;
    std::string where_;
    const std::atomic<int>& stop_;
    std::optional<std::uint64_t> sink_id_;
};

// A protocol's test packets in an answer.
[[nodiscard]] inline std::uint64_t packets_in(const proto::CountsAnswer& a, traffic::Protocol p) noexcept {
    const auto i = static_cast<std::size_t>(p);
    return i < a.entries ? a.counts[i].packets : 0;
}

}  // namespace tg::app
