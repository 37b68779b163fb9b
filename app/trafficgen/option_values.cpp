#include "option_values.hpp"

#include <cmath>

#include "traffic/config_error.hpp"

namespace tg::app {

using traffic::ConfigError;

double seconds(const std::string& text, const std::string& what, bool zero_ok) {
    // "10", "10s", "250ms", "5us", "2m"
    std::size_t used = 0;
    double v = 0;
    try {
        v = std::stod(text, &used);
    } catch (...) {
        used = 0;
    }
    const std::string unit = text.substr(used);
    double scale = 1;
    if (unit == "" || unit == "s") scale = 1;
    else if (unit == "ms") scale = 1e-3;
    else if (unit == "us") scale = 1e-6;
    else if (unit == "m") scale = 60;
    else used = 0;
    if (used == 0 || !std::isfinite(v) || v < 0 || (!zero_ok && v == 0)) {
        throw ConfigError(what + " '" + text + "' is not a duration: give seconds (10, 2.5s), ms, us or m" +
                          (zero_ok ? "" : ", above zero"));
    }
    return v * scale;
}

unsigned whole_number(const std::string& text, const std::string& what, unsigned lo, unsigned hi, const std::string& range) {
    std::size_t used = 0;
    unsigned long v = 0;
    try {
        v = std::stoul(text, &used);
    } catch (...) {
        used = 0;
    }
    if (used == 0 || used != text.size() || text.front() == '-' || v < lo || v > hi) {
        throw ConfigError(what + " " + text + " is out of range: " + range);
    }
    return static_cast<unsigned>(v);
}

}  // namespace tg::app
