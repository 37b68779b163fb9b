// The final JSON report (schema "trafficgen.report").
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dataplane/engines.hpp"
#include "dataplane/port.hpp"
#include "options.hpp"
#include "stats/link_watch.hpp"

namespace tg::app {

inline constexpr int report_schema_version = 2;

struct ReportInputs {
    const Options& options;
    const dataplane::PortCapabilities& caps;
    const dataplane::Port& port;
    const std::vector<std::unique_ptr<dataplane::TxEngine>>& tx;
    const std::vector<std::unique_ptr<dataplane::RxEngine>>& rx;
    double elapsed_s;
    std::string stopped_by;
    std::chrono::system_clock::time_point started;
    std::string dpdk_version;
};

[[nodiscard]] nlohmann::json build_report(const ReportInputs& in);
// The report's "settings": what the run was asked to do.
[[nodiscard]] nlohmann::json settings_json(const Options& o);
// The report's "port": its driver, MAC, link, offloads and counters.
[[nodiscard]] nlohmann::json port_report(const dataplane::PortCapabilities& caps, const dataplane::Port& port);
// Versions, kernel and start time, for reports other than the run's.
[[nodiscard]] nlohmann::json versions_json(std::chrono::system_clock::time_point started);

// Writes the report to a temporary file beside `path` and renames it into place, so a
// reader never sees half a report. Throws std::runtime_error naming the file and the
// system's reason on failure.
void write_report_atomically(const nlohmann::json& report, const std::string& path);

// Writes the arrivals the RX engines recorded, in time order, as CSV.
void write_timeline(const std::vector<std::unique_ptr<dataplane::RxEngine>>& rx, const std::string& path);

}  // namespace tg::app
