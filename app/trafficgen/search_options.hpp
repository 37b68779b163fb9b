// `trafficgen search`: the throughput search's settings (RFC 2544 NDR/PDR), typed once here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "search/throughput_search.hpp"
#include "traffic/rate.hpp"

namespace tg::app {

// A frame size to search at: bytes with FCS, or the simple IMIX (64:7,594:4,1518:1).
struct SearchSize {
    std::uint32_t bytes = 0;  // 0: IMIX
    [[nodiscard]] std::string name() const { return bytes == 0 ? "imix" : std::to_string(bytes); }
};

struct SearchOptions {
    bool requested = false;
    search::SearchSettings settings;   // rates filled in per size, from the texts below
    std::string min_rate_text = "10kpps";
    std::string max_rate_text;         // empty: the link's rate at each size
    traffic::Rate min_rate;            // both typed from the texts, which the report repeats
    traffic::Rate max_rate;            // 100% (of the link) unless given
    std::vector<SearchSize> sizes;     // RFC 2544's by default
    // No receiving port here and no --loopback: `trafficgen sink` on the far host counts,
    // and its counts come back in-band (proto/counts.hpp).
    bool far_sink = false;
};

struct SearchOptionTexts {
    std::string loss = "0,0.5%", sizes = "64,128,256,512,1024,1280,1518", trial_duration = "1", final_duration = "30",
                precision = "0.5%", phases = "3", max_trials = "200";
};

// Fills `s` from the texts; throws ConfigError naming a value it cannot use.
void parse_search_options(SearchOptions& s, const SearchOptionTexts& t);

}  // namespace tg::app
