// A frame size's search, repeated (`trafficgen search --repeat N`): each repetition's
// results and trials kept, and per loss ratio the median repetition's result with the
// rate's min, median and max over the repetitions. A repetition that found no rate above
// the minimum counts as 0 pps.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tg::app {

struct SearchRepetition {
    nlohmann::json results;  // per loss ratio, as one search reports them
    nlohmann::json trials;   // every trial of the repetition
    double forwarding_rate_pps = 0;
    std::string ended_by;
};

// Fills `size` (which has the frame size and the rates searched between) with "results",
// "trials" (each with its repetition, from 1), "repetitions", "forwarding_rate_pps" and
// "ended_by".
void add_repetitions(nlohmann::json& size, const std::vector<SearchRepetition>& reps);

}  // namespace tg::app
