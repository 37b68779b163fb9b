#include "process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "interrupt_cleanup.hpp"

namespace tg::e2e {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

std::string Exit::describe() const {
    if (timed_out) return "timed out and was killed";
    if (signal != 0) return "ended by signal " + std::to_string(signal);
    return "exit code " + std::to_string(code);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

Child::Child(const std::vector<std::string>& argv, const std::string& log_stem) : stem_(log_stem) {
    if (argv.empty()) throw std::invalid_argument("Child: no command");
    for (const auto& a : argv) command_ += (command_.empty() ? "" : " ") + a;
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const std::string out = stem_ + ".out", err = stem_ + ".err";
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed for " + command_);
    if (pid_ == 0) {
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) ::_exit(126);  // the suite died before prctl took hold
        const int in_fd = ::open("/dev/null", O_RDONLY);
        const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in_fd < 0 || out_fd < 0 || err_fd < 0) ::_exit(126);
        ::dup2(in_fd, 0);
        ::dup2(out_fd, 1);
        ::dup2(err_fd, 2);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    ::setpgid(pid_, pid_);  // also from here, so it holds before either side runs on
    track_child(pid_);
    std::fprintf(stderr, "e2e: started pid %d: %s\n", static_cast<int>(pid_), command_.c_str());
}

Child::~Child() {
    if (!reaped_ && pid_ > 0) {
        ::kill(-pid_, SIGTERM);
        (void)wait(5);
    }
}

bool Child::reap(int options) {
    if (reaped_) return true;
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, options);
    if (r == 0) return false;
    reaped_ = true;
    untrack_child(pid_);
    if (r < 0) return true;  // already reaped elsewhere
    if (WIFEXITED(status)) exit_.code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) exit_.signal = WTERMSIG(status);
    return true;
}

bool Child::running() { return !reap(WNOHANG); }

bool Child::wait_for_output(const std::string& text, double timeout_s) {
    const auto start = Clock::now();
    while (since(start) < timeout_s) {
        if (out().find(text) != std::string::npos || err().find(text) != std::string::npos) return true;
        if (!running()) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

Exit Child::wait(double timeout_s) {
    const auto start = Clock::now();
    while (!reap(WNOHANG)) {
        if (since(start) >= timeout_s) {
            ::kill(-pid_, SIGKILL);
            reap(0);
            exit_.timed_out = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return exit_;
}

Exit Child::stop(int sig, double timeout_s) {
    if (!reaped_) ::kill(pid_, sig);
    return wait(timeout_s);
}

std::string Child::out() const { return read_file(stem_ + ".out"); }
std::string Child::err() const { return read_file(stem_ + ".err"); }

CommandResult run(const std::vector<std::string>& argv, double timeout_s) {
    TempDir dir;
    CommandResult r;
    {
        Child c(argv, dir / "cmd");
        r.exit = c.wait(timeout_s);
        r.out = c.out();
        r.err = c.err();
    }
    return r;
}

std::vector<std::string> in_ns(const std::string& ns, std::vector<std::string> argv) {
    argv.insert(argv.begin(), {"ip", "netns", "exec", ns});
    return argv;
}

TempDir::TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/tg-e2e.XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("cannot make a temporary directory from " + tmpl);
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

}  // namespace tg::e2e
