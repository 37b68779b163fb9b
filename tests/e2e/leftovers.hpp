// What a run may leave behind: its labs (namespaces, their veth, their description file),
// its processes and their DPDK runtime directories. Each is described in one line.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace tg::e2e {

// What is left of a run whose process was `owner` and which started `children`.
[[nodiscard]] std::vector<std::string> leftovers_of(pid_t owner, const std::vector<pid_t>& children);

// Labs and DPDK runtime directories whose creator is gone (what `scripts/lab clean` removes),
// and lab interfaces in this namespace.
[[nodiscard]] std::vector<std::string> orphans();

// Live processes whose command line mentions `text` (a run's work directory, say).
[[nodiscard]] std::vector<std::string> processes_mentioning(const std::string& text);

// The pids a run of this suite reported starting ("e2e: started pid N: ...").
[[nodiscard]] std::vector<pid_t> started_pids(const std::string& log);

}  // namespace tg::e2e
