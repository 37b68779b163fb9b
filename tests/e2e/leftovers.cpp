#include "leftovers.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <regex>
#include <sstream>

#include "lab.hpp"
#include "process.hpp"

namespace tg::e2e {

namespace {

namespace fs = std::filesystem;

std::vector<std::string> lab_ids() {
    std::vector<std::string> ids;
    std::istringstream in(run({tool_path("TG_LAB_SCRIPT"), "list"}).out);
    for (std::string id; std::getline(in, id);) {
        if (!id.empty()) ids.push_back(id);
    }
    return ids;
}

bool alive(pid_t pid) {
    if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
    // A zombie has ended; it only waits for its parent to notice.
    const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
    const auto close = stat.rfind(')');
    return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] != 'Z';
}

std::string cmdline(pid_t pid) {
    std::string s = read_file("/proc/" + std::to_string(pid) + "/cmdline");
    for (char& c : s) {
        if (c == '\0') c = ' ';
    }
    return s;
}

}  // namespace

std::vector<std::string> leftovers_of(pid_t owner, const std::vector<pid_t>& children) {
    std::vector<std::string> found;
    const std::string mine = std::to_string(owner) + "x";
    for (const auto& id : lab_ids()) {
        if (id.rfind(mine, 0) == 0) found.push_back("lab " + id + " (namespaces tgl-" + id + "-*)");
    }
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/run/trafficgen-lab", ec)) {
        if (e.path().filename().string().rfind(mine, 0) == 0) found.push_back("lab file " + e.path().string());
    }
    for (pid_t pid : children) {
        if (alive(pid)) found.push_back("process " + std::to_string(pid) + ": " + cmdline(pid));
        const fs::path runtime = "/var/run/dpdk/tg" + std::to_string(pid);
        if (fs::exists(runtime, ec)) found.push_back("DPDK runtime directory " + runtime.string());
    }
    return found;
}

std::vector<std::string> orphans() {
    std::vector<std::string> found;
    for (const auto& id : lab_ids()) {
        const auto x = id.find('x');
        const pid_t creator = static_cast<pid_t>(std::stol(id.substr(0, x)));
        if (!alive(creator)) found.push_back("lab " + id + " of a creator that is gone");
    }
    std::error_code ec;
    const std::regex runtime("tg([0-9]+)");
    for (const auto& e : fs::directory_iterator("/var/run/dpdk", ec)) {
        std::smatch m;
        const std::string name = e.path().filename().string();
        if (std::regex_match(name, m, runtime) && !alive(static_cast<pid_t>(std::stol(m[1])))) {
            found.push_back("DPDK runtime directory " + e.path().string() + " of a process that is gone");
        }
    }
    const std::string links = run({"ip", "-o", "link", "show"}).out;
    std::istringstream in(links);
    for (std::string line; std::getline(in, line);) {
        if (line.find(": tg-") != std::string::npos) found.push_back("interface in the host namespace: " + line);
    }
    return found;
}

std::vector<std::string> processes_mentioning(const std::string& text) {
    std::vector<std::string> found;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/proc", ec)) {
        const std::string name = e.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        const auto pid = static_cast<pid_t>(std::stol(name));
        if (pid == ::getpid()) continue;
        const std::string cmd = cmdline(pid);
        if (cmd.find(text) != std::string::npos && alive(pid)) found.push_back("process " + name + ": " + cmd);
    }
    return found;
}

std::vector<pid_t> started_pids(const std::string& log) {
    std::vector<pid_t> pids;
    const std::regex started("e2e: started pid ([0-9]+):");
    for (auto it = std::sregex_iterator(log.begin(), log.end(), started); it != std::sregex_iterator(); ++it) {
        pids.push_back(static_cast<pid_t>(std::stol((*it)[1])));
    }
    return pids;
}

}  // namespace tg::e2e
