// Results on disk: written whole or not at all (a temporary file renamed over the target);
// and what the reports written there share: numbers read from JSON, fixed-point text,
// text made safe for HTML.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace tg::orch {

// Throws OrchError (exit code `output`) naming the file when it cannot be written.
void write_atomically(const std::string& path, const std::string& content);

// `j[k]` as a number; 0 when `j` has no number there.
[[nodiscard]] double num(const nlohmann::json& j, const char* k);
// `v` with `digits` after the point.
[[nodiscard]] std::string fixed(double v, int digits = 1);

// `s` with <, >, & and " as HTML entities.
[[nodiscard]] std::string html_escape(const std::string& s);

}  // namespace tg::orch
