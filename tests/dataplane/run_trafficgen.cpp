#include "run_trafficgen.hpp"

#include <gtest/gtest.h>

#include <cstdio>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace tg::testing {

namespace fs = std::filesystem;

std::string temp_dir() {
    std::string tmpl = (fs::temp_directory_path() / "tg-dp-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    return tmpl;
}

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

Outcome run(const std::vector<std::string>& args, bool want_report, double timeout_s, double term_after_s,
            const WhileRunning* watch) {
    const char* bin = std::getenv("TRAFFICGEN");
    if (bin == nullptr) throw std::runtime_error("TRAFFICGEN is not set: run this through meson test");
    const std::string dir = temp_dir();
    const std::string report = dir + "/report.json";
    std::vector<std::string> full = {bin};
    full.insert(full.end(), args.begin(), args.end());
    if (want_report) full.insert(full.end(), {"--json", report});

    const pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        if (!freopen((dir + "/out").c_str(), "w", stdout) || !freopen((dir + "/err").c_str(), "w", stderr)) _exit(127);
        if (!freopen("/dev/null", "r", stdin)) _exit(127);
        std::vector<char*> argv;
        for (auto& a : full) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(bin, argv.data());
        _exit(127);
    }
    Outcome o;
    int status = 0;
    const auto begin = std::chrono::steady_clock::now();
    const auto deadline = begin + std::chrono::duration<double>(timeout_s);
    bool termed = false;
    bool looked = watch == nullptr;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (!looked && std::chrono::steady_clock::now() > begin + std::chrono::duration<double>(watch->after_s)) {
            watch->look(pid);
            looked = true;
        }
        if (term_after_s > 0 && !termed && std::chrono::steady_clock::now() > begin + std::chrono::duration<double>(term_after_s)) {
            kill(pid, SIGTERM);
            termed = true;
        }
        if (std::chrono::steady_clock::now() > deadline) {
            o.timed_out = true;
            kill(-pid, SIGKILL);
            waitpid(pid, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (WIFEXITED(status)) o.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) o.signal = WTERMSIG(status);
    o.out = slurp(dir + "/out");
    o.err = slurp(dir + "/err");
    if (want_report && fs::exists(report)) {
        o.report = nlohmann::json::parse(slurp(report), nullptr, false);
        // Every report the suite reads is held against its published JSON Schema.
        const std::string check = std::string("python3 ") + TG_REPORT_CHECKER + " " + report + " 2>&1";
        std::string said;
        if (FILE* p = ::popen(check.c_str(), "r")) {
            char buf[512];
            while (std::fgets(buf, sizeof buf, p) != nullptr) said += buf;
            const int rc = ::pclose(p);
            if (rc != 0) ADD_FAILURE() << "the report does not match docs/schema: " << said;
        } else {
            ADD_FAILURE() << "cannot run the report checker";
        }
    }
    fs::remove_all(dir);
    return o;
}

}  // namespace

Outcome run_trafficgen(const std::vector<std::string>& args, bool want_report, double timeout_s, double term_after_s) {
    return run(args, want_report, timeout_s, term_after_s, nullptr);
}

Outcome run_trafficgen_watched(const std::vector<std::string>& args, const WhileRunning& watch, double timeout_s) {
    return run(args, true, timeout_s, 0, &watch);
}

std::vector<nlohmann::json> json_lines_of(const std::string& out) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line, nullptr, false));
    return lines;
}

}  // namespace tg::testing
