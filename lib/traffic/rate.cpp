#include "traffic/rate.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "traffic/config_error.hpp"

namespace tg::traffic {

namespace {

bool ends_with_ci(std::string_view s, std::string_view suffix) {
    if (s.size() < suffix.size()) return false;
    for (std::size_t i = 0; i < suffix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i]) return false;
    }
    return true;
}

[[noreturn]] void bad(std::string_view text, std::string_view what) {
    throw ConfigError(std::string(what) + " '" + std::string(text) +
                      "' is not a rate: give bits/s (100M, 2.5G, 800k), packets/s (1Mpps, 5000pps), "
                      "a percent of link speed (50%) or max");
}

}  // namespace

Rate Rate::parse(std::string_view text, std::string_view what) {
    std::string_view s = text;
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    if (s.empty()) bad(text, what);
    if (s == "max" || s == "0") return {};

    Unit unit = Unit::l2_bps;
    if (s.back() == '%') {
        unit = Unit::percent_l1;
        s.remove_suffix(1);
    } else if (ends_with_ci(s, "pps")) {
        unit = Unit::pps;
        s.remove_suffix(3);
    } else if (ends_with_ci(s, "bps")) {
        s.remove_suffix(3);
    }
    double scale = 1;
    if (unit != Unit::percent_l1 && !s.empty()) {
        switch (std::tolower(static_cast<unsigned char>(s.back()))) {
            case 'k': scale = 1e3; break;
            case 'm': scale = 1e6; break;
            case 'g': scale = 1e9; break;
            case 't': scale = 1e12; break;
            default: break;
        }
        if (scale != 1) s.remove_suffix(1);
    }
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v) || v <= 0) bad(text, what);
    if (unit == Unit::percent_l1 && v > 100) {
        throw ConfigError(std::string(what) + " '" + std::string(text) + "' is above 100% of the link speed");
    }
    return {unit, v * scale};
}

double Rate::packets_per_second(double frame_bytes, double link_bps) const noexcept {
    switch (unit) {
        case Unit::unlimited: return 0;
        case Unit::pps: return value;
        case Unit::l2_bps: return value / l2_bits(frame_bytes);
        case Unit::percent_l1: return link_bps * value / 100 / l1_bits(frame_bytes);
    }
    return 0;
}

std::string Rate::to_string() const {
    char buf[64];
    switch (unit) {
        case Unit::unlimited: return "max";
        case Unit::pps: std::snprintf(buf, sizeof(buf), "%gpps", value); break;
        case Unit::l2_bps: std::snprintf(buf, sizeof(buf), "%gbps", value); break;
        case Unit::percent_l1: std::snprintf(buf, sizeof(buf), "%g%%", value); break;
    }
    return buf;
}

}  // namespace tg::traffic
