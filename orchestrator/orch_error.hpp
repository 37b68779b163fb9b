// The one error type of trafficgen-orch: a sentence for the user and the exit code it
// ends the program with. Each code means one kind of failure, so that a script (or a
// CI job) driving the orchestrator can tell them apart.
#pragma once

#include <stdexcept>
#include <string>

namespace tg::orch {

namespace exit_code {
inline constexpr int ok = 0;
inline constexpr int bad_input = 2;    // flags, the inventory, a local file it names
inline constexpr int unreachable = 3;  // a host could not be reached or authenticated, or its host key is wrong
inline constexpr int step_failed = 4;  // a step failed on a host (a command, trafficgen missing, a NIC, a process that died)
inline constexpr int path_failed = 5;  // trafficgen ran and reported that the path under test failed
inline constexpr int output = 6;       // results could not be written
inline constexpr int interrupted = 130;
}  // namespace exit_code

class OrchError : public std::runtime_error {
public:
    OrchError(int code, const std::string& sentence) : std::runtime_error(sentence), code_(code) {}
    [[nodiscard]] int code() const noexcept { return code_; }

private:
    int code_;
};

}  // namespace tg::orch
