#include "search_options.hpp"

#include <cstdlib>
#include <sstream>

#include "option_values.hpp"
#include "traffic/config_error.hpp"

namespace tg::app {

namespace {

using traffic::ConfigError;

std::vector<std::string> comma_list(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string part; std::getline(in, part, ',');) {
        const auto b = part.find_first_not_of(" \t");
        const auto e = part.find_last_not_of(" \t");
        out.push_back(b == std::string::npos ? "" : part.substr(b, e - b + 1));
    }
    return out;
}

// "0.005", "0.5%": a ratio in [0, 1).
double ratio(const std::string& text, const std::string& what, const std::string& accepted) {
    std::string t = text;
    const bool percent = !t.empty() && t.back() == '%';
    if (percent) t.pop_back();
    char* end = nullptr;
    const double v = t.empty() ? -1 : std::strtod(t.c_str(), &end);
    if (t.empty() || end == nullptr || *end != '\0' || !(v >= 0)) {
        throw ConfigError(what + " '" + text + "' is not " + accepted);
    }
    return percent ? v / 100 : v;
}

}  // namespace

void parse_search_options(SearchOptions& s, const SearchOptionTexts& t) {
    auto& st = s.settings;
    st.loss_ratios.clear();
    for (const auto& part : comma_list(t.loss)) {
        const double r = ratio(part, "--loss", "a loss ratio (0, 0.001, or 0.5%)");
        if (!(r < 1)) throw ConfigError("--loss '" + part + "' is not below 1 (100%): a path that loses everything has no throughput");
        st.loss_ratios.push_back(r);
    }
    s.sizes.clear();
    for (const auto& part : comma_list(t.sizes)) {
        if (part == "imix") {
            s.sizes.push_back({0});
            continue;
        }
        s.sizes.push_back({whole_number(part, "--sizes", 64, 16128, "a frame size from 64 to 16128 bytes (with FCS), or imix")});
    }
    st.trial_duration_s = seconds(t.trial_duration, "--trial-duration", false);
    st.final_duration_s = seconds(t.final_duration, "--final-duration", false);
    st.precision = ratio(t.precision, "--precision", "a relative width (0.005, or 0.5%)");
    st.phases = whole_number(t.phases, "--phases", 1, 16, "from 1 to 16");
    st.max_trials = whole_number(t.max_trials, "--max-trials", 1, 100000, "from 1 to 100000");
    // The rates in frames/s come from the port and the frame size; their kind is known now.
    s.min_rate = traffic::Rate::parse(s.min_rate_text, "--min-rate");
    s.max_rate = traffic::Rate::parse(s.max_rate_text.empty() ? "100%" : s.max_rate_text, "--max-rate");
    if (s.max_rate.unit == traffic::Rate::Unit::unlimited) {
        throw ConfigError("--max-rate " + s.max_rate_text + " is where the search starts: give a rate, "
                          "such as 10G, 14.88Mpps or 100%");
    }
    // Check what does not depend on the port and the frame size.
    search::SearchSettings probe = st;
    probe.min_rate_pps = 1;
    probe.max_rate_pps = 1;
    if (const std::string why = probe.check(); !why.empty()) {
        throw ConfigError("trafficgen search: " + why);
    }
}

}  // namespace tg::app
