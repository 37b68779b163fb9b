// What a run shows while it happens: the live line on stderr, or with --json-lines one
// JSON record per line on stdout, each with an "event": "start" (the settings and the
// port), "interval" (every --stats-interval: the totals, rates and the interval's
// per-protocol figures) and "end" (the exit code and the whole report).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "dataplane/engines.hpp"
#include "options.hpp"
#include "stats/link_watch.hpp"

namespace tg::app {

class LiveStats {
public:
    LiveStats(const Options& o, const std::vector<std::unique_ptr<dataplane::TxEngine>>& tx,
              const std::vector<std::unique_ptr<dataplane::RxEngine>>& rx);
    // One interval, `elapsed_s` from the start; `interval` is its record in the report.
    void print(double elapsed_s, const nlohmann::json& interval);
    void finish();
    // The line says when the port's link is down.
    void watch_link(const stats::LinkWatch* watch) { link_ = watch; }

private:
    const Options& o_;
    const std::vector<std::unique_ptr<dataplane::TxEngine>>& tx_;
    const std::vector<std::unique_ptr<dataplane::RxEngine>>& rx_;
    bool tty_;
    bool printed_ = false;
    const stats::LinkWatch* link_ = nullptr;
    double last_t_ = 0;
    std::uint64_t last_tx_ = 0, last_tx_bytes_ = 0, last_rx_ = 0, last_rx_bytes_ = 0;
};

// A --json-lines record of `event` ("start", "end") with `fields`, on stdout.
void print_json_line(const char* event, nlohmann::json fields);

}  // namespace tg::app
