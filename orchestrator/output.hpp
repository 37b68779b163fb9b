// Results on disk: written whole or not at all (a temporary file renamed over the target).
#pragma once

#include <string>

namespace tg::orch {

// Throws OrchError (exit code `output`) naming the file when it cannot be written.
void write_atomically(const std::string& path, const std::string& content);

}  // namespace tg::orch
