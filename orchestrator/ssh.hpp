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
    // Why it failed, in the host's own words: the first line it wrote on stderr, or what
    // became of it.
    [[nodiscard]] std::string failure() const;
};

class SshSession;

// A program started on a host that runs while this side does other things (a sink, a
// generator): its output read as it comes, its exit status when it ends, a signal sent
// to it by process id. Bounded by the host's `timeout` as every remote command is.
class RemoteProcess {
public:
    RemoteProcess(const RemoteProcess&) = delete;
    RemoteProcess& operator=(const RemoteProcess&) = delete;
    ~RemoteProcess();

    // Reads what has come, waiting at most `wait_ms` for something; false once it ended
    // (all output read, exit status known).
    bool poll(int wait_ms);
    [[nodiscard]] bool ended() const noexcept { return ended_; }
    // -1 while it runs, or when it was killed by a signal (then killed_by() says which).
    [[nodiscard]] int exit_status() const noexcept { return exit_status_; }
    // The signal that ended it ("KILL"), as its host said; "" if none did.
    [[nodiscard]] const std::string& killed_by() const noexcept { return killed_by_; }
    // Complete lines of stdout not taken yet.
    [[nodiscard]] std::vector<std::string> take_lines();
    [[nodiscard]] const std::string& err() const noexcept { return err_; }
    [[nodiscard]] long pid() const noexcept { return pid_; }
    // Sends `signal` (e.g. "INT") to the program on its host; false when that failed.
    bool signal(const std::string& signal);

private:
    friend class SshSession;
    RemoteProcess(SshSession& session, void* channel);
    struct Callbacks;

    SshSession& session_;
    void* channel_;  // ssh_channel
    long pid_ = 0;
    bool ended_ = false;
    int exit_status_ = -1;
    std::string killed_by_;
    std::unique_ptr<Callbacks> callbacks_;  // libssh's, for the exit signal
    std::string out_;  // stdout not yet split into lines
    std::vector<std::string> lines_;
    std::string err_;
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

    // Starts `argv` on the host and returns once it runs (its pid known), for at most
    // `limit_s` before the host's `timeout` ends it.
    std::unique_ptr<RemoteProcess> start(const std::vector<std::string>& argv, double limit_s);

    [[nodiscard]] const HostSpec& host() const noexcept { return host_; }

private:
    friend class RemoteProcess;
    // A channel running `command`; `what` names it if that fails.
    void* open_exec(const std::string& command, const std::string& what);
    struct Impl;
    HostSpec host_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tg::orch
