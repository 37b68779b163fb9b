#include "search_repetitions.hpp"

#include "stats/spread.hpp"

namespace tg::app {

using nlohmann::json;

void add_repetitions(json& size, const std::vector<SearchRepetition>& reps) {
    json trials = json::array(), each = json::array();
    std::string ended_by = reps.empty() ? "interrupted" : "precision";
    for (std::size_t r = 0; r < reps.size(); ++r) {
        for (json t : reps[r].trials) {
            t["repetition"] = r + 1;
            trials.push_back(std::move(t));
        }
        each.push_back({{"repetition", r + 1},
                        {"forwarding_rate_pps", reps[r].forwarding_rate_pps},
                        {"ended_by", reps[r].ended_by},
                        {"results", reps[r].results}});
        if (reps[r].ended_by != "precision") ended_by = reps[r].ended_by;
    }
    json results = json::array();
    double forwarding = 0;
    const std::size_t ratios = reps.empty() ? 0 : reps.front().results.size();
    for (std::size_t i = 0; i < ratios; ++i) {
        std::vector<double> rates;
        std::size_t found = 0;
        for (const auto& rep : reps) {
            const json& res = rep.results[i];
            const bool f = res.value("found", false);
            found += f ? 1 : 0;
            rates.push_back(f ? res.value("rate_pps", 0.0) : 0.0);
        }
        const stats::Spread s = stats::spread(rates);
        json r = reps[s.median_index].results[i];
        r["repetitions"] = {{"count", reps.size()},
                            {"found", found},
                            {"median_repetition", s.median_index + 1},
                            {"rate_pps", {{"min", s.min}, {"median", s.median}, {"max", s.max}}}};
        results.push_back(std::move(r));
        // The forwarding rate of the repetition whose NDR is the median one.
        if (i == 0) forwarding = reps[s.median_index].forwarding_rate_pps;
    }
    size["forwarding_rate_pps"] = forwarding;
    size["ended_by"] = ended_by;
    size["results"] = results;
    size["trials"] = trials;
    size["repetitions"] = each;
}

}  // namespace tg::app
