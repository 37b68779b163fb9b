#include "stats/link_watch.hpp"

namespace tg::stats {

bool LinkWatch::observe(bool up, double t_s) {
    if (up == up_) return false;
    up_ = up;
    if (!up) {
        ++down_events_;
        down_since_s_ = t_s;
        if (episodes_.size() < kept_episodes) episodes_.push_back({t_s, -1});
        return true;
    }
    closed_down_s_ += t_s - down_since_s_;
    if (!episodes_.empty() && episodes_.back().up_at_s < 0 && episodes_.back().down_at_s == down_since_s_) {
        episodes_.back().up_at_s = t_s;
    }
    return true;
}

double LinkWatch::down_seconds(double now_s) const noexcept {
    return closed_down_s_ + (up_ ? 0 : now_s - down_since_s_);
}

}  // namespace tg::stats
