// Results on disk: written whole or not at all (a temporary file renamed over the target);
// and text made safe for the HTML pages written there.
#pragma once

#include <string>

namespace tg::orch {

// Throws OrchError (exit code `output`) naming the file when it cannot be written.
void write_atomically(const std::string& path, const std::string& content);

// `s` with <, >, & and " as HTML entities.
[[nodiscard]] std::string html_escape(const std::string& s);

}  // namespace tg::orch
