// Commands for a remote shell built from argument vectors: each argument single-quoted,
// so that quotes, spaces, $(), backticks and ; in an inventory value reach the remote
// program as one argument, as data. SSH carries a command line, not a vector: this is
// the only place one is made.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tg::orch {

// 'it'\''s' for it's: safe in any POSIX shell.
[[nodiscard]] std::string shell_quote(std::string_view arg);
// The arguments, each quoted, joined by spaces.
[[nodiscard]] std::string shell_command(const std::vector<std::string>& argv);

}  // namespace tg::orch
