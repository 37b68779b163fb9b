// `trafficgen-orch run`: on every pair at once (a thread each), the sink started and
// waited for, then the generator; live stats from both, summed over the pairs, printed
// as they come; at the end (or on Ctrl-C, or when a side dies) the generator stopped,
// then the sink, and both JSON reports brought back. Whatever was gathered is written,
// atomically, under the output directory: PAIR/generator.json, PAIR/sink.json and
// PAIR/live.jsonl (each live line of each side, as it came), and run.json saying how
// each pair's run ended. A search (RunOptions::search) brings back PAIR/search.json instead
// of generator.json.
#pragma once

#include <atomic>
#include <ostream>
#include <string>
#include <vector>

#include "inventory.hpp"
#include "nic_steps.hpp"

namespace tg::orch {

struct RunOptions {
    std::string out_dir = "trafficgen-results";
    HostPaths paths;
    double stats_interval_s = 1;
    // `trafficgen-orch search`: each generator runs `trafficgen search` (the inventory's
    // "search" arguments) against its sink, which counts and answers in-band; its report
    // comes back as PAIR/search.json, and each trial's line is shown as it comes.
    bool search = false;
};

struct PairOutcome {
    std::string pair;
    int code = 0;                // the exit code this pair's run calls for (0: it went well)
    std::string error;           // one sentence when it did not
    int generator_exit = -1;     // trafficgen's own exit status on the generator
    int sink_exit = -1;
    bool generator_report = false;  // brought back (generator.json, or search.json for a search)
    bool sink_report = false;
};

// Runs every pair; `stop` set (by a signal) ends the runs early, as the generator's
// own end would. Never throws for one pair's failure: its outcome says it.
[[nodiscard]] std::vector<PairOutcome> run_pairs(const Inventory& inv, const RunOptions& options,
                                                 const std::atomic<int>& stop, std::ostream& live);

// The worst exit code of the outcomes (0 when all went well).
[[nodiscard]] int run_exit_code(const std::vector<PairOutcome>& outcomes);

}  // namespace tg::orch
