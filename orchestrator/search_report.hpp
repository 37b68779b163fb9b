// A search's results in the orchestrator's report (`trafficgen-orch search`, then
// `report`): per pair and frame size, each loss ratio's rate (NDR, PDRs) in frames/s, L1
// bit/s and share of the link, whether it was found, and the trials it took; over the
// pairs, the rates summed. Text rows, and an inline SVG chart for the HTML page: a bar per
// pair and ratio at each frame size.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace tg::orch {

// The pair's block from its `trafficgen search` report (schema trafficgen.search).
[[nodiscard]] nlohmann::json search_block(const nlohmann::json& search);
// Over the pairs' blocks: per frame size and ratio, the pairs that found it and their rates summed.
[[nodiscard]] nlohmann::json search_total(const nlohmann::json& pairs);
[[nodiscard]] std::string search_text(const nlohmann::json& report);
// Empty when no pair searched.
[[nodiscard]] std::string search_html(const nlohmann::json& report);

}  // namespace tg::orch
