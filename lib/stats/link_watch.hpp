// A link's state over a run: each time it went down, when, and for how long. Fed the
// state as the control thread reads it (every 100 ms), it keeps the first episodes in
// full and counts all of them; no DPDK, no clock of its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tg::stats {

struct LinkDownEpisode {
    double down_at_s = 0;  // run time of the first reading that found it down
    double up_at_s = -1;   // of the first reading that found it up again; -1 while still down
};

class LinkWatch {
public:
    static constexpr std::size_t kept_episodes = 64;

    // The link's state read at run time `t_s` (non-decreasing). Returns true when it changed.
    bool observe(bool up, double t_s);

    [[nodiscard]] bool up() const noexcept { return up_; }
    [[nodiscard]] std::uint64_t down_events() const noexcept { return down_events_; }
    // Time spent down up to `now_s` (an episode still open counts up to now).
    [[nodiscard]] double down_seconds(double now_s) const noexcept;
    // The first kept_episodes episodes; the last may still be open.
    [[nodiscard]] const std::vector<LinkDownEpisode>& episodes() const noexcept { return episodes_; }

private:
    bool up_ = true;
    double down_since_s_ = 0;
    double closed_down_s_ = 0;  // the time of every episode that ended
    std::uint64_t down_events_ = 0;
    std::vector<LinkDownEpisode> episodes_;
};

}  // namespace tg::stats
