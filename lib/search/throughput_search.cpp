#include "search/throughput_search.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace tg::search {

double Trial::loss_ratio() const noexcept {
    if (sent == 0) return 1.0;
    return received >= sent ? 0.0 : double(sent - received) / double(sent);
}

double RatioResult::relative_width() const noexcept {
    if (!lower || !upper || upper->rate_pps <= 0) return 0;
    return (upper->rate_pps - lower->rate_pps) / upper->rate_pps;
}

namespace {

std::string number(double v) {
    std::ostringstream o;
    o << v;
    return o.str();
}

// Two rates are the same rate when they differ by less than this, relatively.
constexpr double same = 1e-9;

bool at_least(double a, double b) noexcept { return a >= b * (1 - same); }

struct Bounds {
    std::optional<Trial> lower, upper;
};

// For one loss ratio, among the trials whose duration is in [from, to): the lowest rate
// that missed it is the upper bound; the highest rate below that which met it, the lower.
// A rate that missed below one that met (a path is rarely perfectly monotonic) keeps the
// lower bound under it: the search never reports a rate above one that failed.
Bounds bounds_of(const std::vector<PhaseTrial>& trials, double ratio, double from, double to) {
    Bounds b;
    const auto in = [&](const Trial& t) {
        return !t.interrupted && at_least(t.duration_s, from) && t.duration_s < to * (1 - same);
    };
    for (const auto& pt : trials) {
        const Trial& t = pt.trial;
        if (in(t) && t.loss_ratio() > ratio && (!b.upper || t.rate_pps < b.upper->rate_pps)) b.upper = t;
    }
    for (const auto& pt : trials) {
        const Trial& t = pt.trial;
        if (!in(t) || t.loss_ratio() > ratio) continue;
        if (b.upper && !(t.rate_pps < b.upper->rate_pps * (1 - same))) continue;
        if (!b.lower || t.rate_pps > b.lower->rate_pps) b.lower = t;
    }
    return b;
}

bool measured(const std::vector<PhaseTrial>& trials, double rate, double duration) {
    return std::any_of(trials.begin(), trials.end(), [&](const PhaseTrial& pt) {
        return !pt.trial.interrupted && at_least(pt.trial.duration_s, duration) &&
               std::abs(pt.trial.rate_pps - rate) <= rate * same;
    });
}

}  // namespace

std::string SearchSettings::check() const {
    if (loss_ratios.empty()) return "no loss ratio to search for: give at least one, 0 for the NDR";
    for (std::size_t i = 0; i < loss_ratios.size(); ++i) {
        const double r = loss_ratios[i];
        if (!(r >= 0 && r < 1)) return "loss ratio " + number(r) + " is not from 0 up to (not including) 1";
        if (i > 0 && !(r > loss_ratios[i - 1])) {
            return "loss ratios " + number(loss_ratios[i - 1]) + " and " + number(r) +
                   " are not in ascending order: give each once, the smallest (the NDR's) first";
        }
    }
    if (!(min_rate_pps > 0)) return "minimum rate " + number(min_rate_pps) + " pps is not above 0";
    if (!(max_rate_pps >= min_rate_pps)) {
        return "maximum rate " + number(max_rate_pps) + " pps is below the minimum, " + number(min_rate_pps) + " pps";
    }
    if (!(trial_duration_s > 0)) return "trial duration " + number(trial_duration_s) + " s is not above 0";
    if (!(final_duration_s >= trial_duration_s)) {
        return "final duration " + number(final_duration_s) + " s is shorter than the first trials' " +
               number(trial_duration_s) + " s";
    }
    if (!(precision > 0 && precision < 0.5)) return "precision " + number(precision) + " is not a relative width above 0 and below 0.5";
    if (phases < 1 || phases > 16) return "phases " + std::to_string(phases) + " is not from 1 to 16";
    if (max_trials < 1) return "a search needs at least one trial";
    return {};
}

double phase_duration(const SearchSettings& s, std::uint32_t phase) noexcept {
    if (s.phases <= 1 || phase + 1 >= s.phases) return s.final_duration_s;
    const double f = double(phase) / double(s.phases - 1);
    return s.trial_duration_s * std::pow(s.final_duration_s / s.trial_duration_s, f);
}

double phase_width(const SearchSettings& s, std::uint32_t phase) noexcept {
    const std::uint32_t later = phase + 1 >= s.phases ? 0 : s.phases - 1 - phase;
    return std::max(s.precision, std::min(0.25, s.precision * std::ldexp(1.0, static_cast<int>(later))));
}

SearchResult find_throughput(const SearchSettings& s, const Measurer& measure) {
    SearchResult out;
    auto& trials = out.trials;
    bool stop = false;
    const auto run = [&](std::uint32_t phase, double rate, double duration) {
        if (trials.size() >= s.max_trials) {
            out.ended_by = "trial limit";
            stop = true;
            return;
        }
        Trial t = measure(rate, duration);
        t.rate_pps = rate;
        trials.push_back({phase, t});
        if (t.interrupted) {
            out.ended_by = "interrupted";
            stop = true;
        }
    };

    // The maximum rate first: if the path carries it, every ratio is met there; if not,
    // what arrived per second is where the search starts looking.
    run(0, s.max_rate_pps, phase_duration(s, 0));
    if (!stop) {
        const Trial& first = trials.front().trial;
        out.forwarding_rate_pps = first.duration_s > 0 ? double(first.received) / first.duration_s : 0;
    }
    const double forwarding = std::clamp(out.forwarding_rate_pps, s.min_rate_pps, s.max_rate_pps);

    for (std::uint32_t phase = 0; phase < s.phases && !stop; ++phase) {
        const double d = phase_duration(s, phase);
        const double goal = phase_width(s, phase);
        for (double ratio : s.loss_ratios) {
            // Steps away from a bound, each twice the last: up from the lower bound, down from the upper.
            int up = 0, down = 0;
            const auto step = [&](int& n) { return std::min(0.5, goal * std::ldexp(1.0, n++)); };
            while (!stop) {
                const Bounds b = bounds_of(trials, ratio, d, HUGE_VAL);
                if (b.lower && at_least(b.lower->rate_pps, s.max_rate_pps)) break;  // met at the maximum
                if (b.upper && !b.lower && b.upper->rate_pps <= s.min_rate_pps * (1 + same)) break;  // not even at the minimum
                // The earlier phases' shorter trials: where to look first.
                const Bounds hint = bounds_of(trials, ratio, 0, d);
                double next = 0;
                if (b.lower && b.upper) {
                    const double l = b.lower->rate_pps, u = b.upper->rate_pps;
                    if ((u - l) / u <= goal * (1 + same)) break;
                    // From the bound the last trial moved, a step that doubles each time,
                    // never past the middle: the throughput is usually near the bound just
                    // found (the forwarding rate is a good first guess), and far from the
                    // other (the maximum rate).
                    const bool moved_lower = trials.back().trial.loss_ratio() <= ratio;
                    next = moved_lower ? std::min((l + u) / 2, l / (1 - step(up))) : std::max((l + u) / 2, u * (1 - step(down)));
                } else if (b.upper) {
                    // Too fast: down to where the shorter trials met the ratio, to the
                    // forwarding rate, or a step below that doubles each time.
                    const double u = b.upper->rate_pps;
                    if (hint.lower && hint.lower->rate_pps < u * (1 - same)) next = hint.lower->rate_pps;
                    else if (!hint.lower && forwarding < u * (1 - same)) next = forwarding;
                    else next = u * (1 - step(down));
                } else if (b.lower) {
                    // Met: up to where the shorter trials missed it, or a step above.
                    const double l = b.lower->rate_pps;
                    if (hint.upper && hint.upper->rate_pps > l * (1 + same)) next = hint.upper->rate_pps;
                    else next = l / (1 - step(up));
                } else {
                    // This phase's first trial for the ratio: the last phase's lower bound again.
                    next = hint.lower ? hint.lower->rate_pps : hint.upper ? s.min_rate_pps : forwarding;
                }
                next = std::clamp(next, s.min_rate_pps, s.max_rate_pps);
                if (measured(trials, next, d)) break;  // nothing new to learn at this duration
                run(phase, next, d);
            }
        }
    }

    bool all_converged = true;
    const double final_d = phase_duration(s, s.phases - 1);
    for (double ratio : s.loss_ratios) {
        const Bounds b = bounds_of(trials, ratio, final_d, HUGE_VAL);
        RatioResult r;
        r.loss_ratio = ratio;
        r.lower = b.lower;
        r.upper = b.upper;
        r.at_max = b.lower && at_least(b.lower->rate_pps, s.max_rate_pps);
        r.below_min = !b.lower && b.upper && b.upper->rate_pps <= s.min_rate_pps * (1 + same);
        r.converged = r.at_max || r.below_min || (b.lower && b.upper && r.relative_width() <= s.precision * (1 + same));
        all_converged = all_converged && r.converged;
        out.ratios.push_back(r);
    }
    if (out.ended_by.empty()) out.ended_by = all_converged ? "precision" : "trial limit";
    return out;
}

}  // namespace tg::search
