// One SSH connection to a host of the inventory (libssh): the host key checked against
// the inventory's known_hosts (strictly unless the host says otherwise), key-only login,
// and commands run as argument vectors (shell_quote.hpp), each bounded in time. Failures
// to reach, to trust or to log in to a host are OrchErrors (exit code `unreachable`),
// each in one sentence that says which and what to do.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "inventory.hpp"

namespace tg::orch {

struct CommandResult {
    int exit_status = -1;  // -1: none came (timed out, or the connection went)
    bool timed_out = false;
    std::string out;
    std::string err;
    [[nodiscard]] bool ok() const noexcept { return exit_status == 0 && !timed_out; }
};

class SshSession {
public:
    // Connects, checks the host key and logs in; throws OrchError.
    explicit SshSession(const HostSpec& host);
    ~SshSession();
    SshSession(const SshSession&) = delete;
    SshSession& operator=(const SshSession&) = delete;

    // Runs `argv` on the host, `input` on its stdin, for at most `timeout_s` (the remote
    // program is then killed by the host's `timeout`).
    CommandResult run(const std::vector<std::string>& argv, double timeout_s, std::string_view input = {});
    // Runs a shell script given on stdin with positional arguments `args` ($1, $2, ...):
    // the script is fixed text, the values arrive as data.
    CommandResult run_script(std::string_view script, const std::vector<std::string>& args, double timeout_s);

    [[nodiscard]] const HostSpec& host() const noexcept { return host_; }

private:
    struct Impl;
    HostSpec host_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tg::orch
