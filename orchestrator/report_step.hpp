// `trafficgen-orch report`: the two sides of each pair lined up, generator sent against
// sink received, per protocol and per flow and stream: loss, throughput, jitter and
// latency, with the pairs summed into a fleet total. Written as a text table
// (report.txt), JSON (report.json) and a self-contained HTML page (report.html) whose
// charts (inline SVG, nothing fetched) show each pair's throughput over time, from the
// live lines `run` kept, and the latency distribution.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace tg::orch {

// Reads what `run` left in `out_dir`; throws OrchError (bad_input) when there is nothing
// to report on, naming the directory.
[[nodiscard]] nlohmann::json build_report(const std::string& out_dir);
[[nodiscard]] std::string report_text(const nlohmann::json& report);
[[nodiscard]] std::string report_html(const nlohmann::json& report);

// All three, written atomically into `out_dir`; returns the text table.
std::string write_reports(const std::string& out_dir);

}  // namespace tg::orch
