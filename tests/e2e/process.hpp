// Child processes for the end-to-end suite, each bounded in time and stopped by its pid:
// trafficgen, dumpcap, the UDP counter, the kernel's tools.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace tg::e2e {

struct Exit {
    int code = -1;    // -1 when it did not exit normally
    int signal = 0;   // the signal that ended it, if one did
    bool timed_out = false;
    [[nodiscard]] bool ok() const noexcept { return code == 0; }
    [[nodiscard]] std::string describe() const;
};

// A started process in its own process group, with stdout and stderr in files. It gets
// SIGTERM should this suite die. The destructor stops it (SIGTERM, then SIGKILL) if it
// still runs.
class Child {
public:
    // `log_stem`: the output goes to log_stem.out and log_stem.err.
    Child(const std::vector<std::string>& argv, const std::string& log_stem);
    ~Child();
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    [[nodiscard]] pid_t pid() const noexcept { return pid_; }
    [[nodiscard]] bool running();
    // Waits until `text` shows in its output; false when it exits first or time runs out.
    [[nodiscard]] bool wait_for_output(const std::string& text, double timeout_s);
    // Waits for it to end; after `timeout_s` it is killed and the Exit says timed_out.
    Exit wait(double timeout_s);
    // Sends `sig` and waits as above.
    Exit stop(int sig, double timeout_s);
    [[nodiscard]] std::string out() const;
    [[nodiscard]] std::string err() const;
    [[nodiscard]] const std::string& command() const noexcept { return command_; }

private:
    bool reap(int options);

    pid_t pid_ = -1;
    Exit exit_;
    bool reaped_ = false;
    std::string stem_;
    std::string command_;
};

struct CommandResult {
    Exit exit;
    std::string out;
    std::string err;
};

// Runs a command to its end, bounded in time, and returns what it printed.
CommandResult run(const std::vector<std::string>& argv, double timeout_s = 30);

// The same command inside a network namespace.
std::vector<std::string> in_ns(const std::string& ns, std::vector<std::string> argv);

// A fresh directory for one test's files, removed with everything in it at the end.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    [[nodiscard]] std::string operator/(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

[[nodiscard]] std::string read_file(const std::string& path);

}  // namespace tg::e2e
