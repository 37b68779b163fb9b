#include "lab.hpp"

#include <cctype>

#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "interrupt_cleanup.hpp"
#include "process.hpp"

namespace tg::e2e {

std::string tool_path(const char* env_name) {
    const char* v = std::getenv(env_name);
    if (v == nullptr || *v == '\0') {
        throw std::runtime_error(std::string("the environment variable ") + env_name +
                                 " is not set; run the suite with `meson test --suite e2e`");
    }
    return v;
}

Lab::Lab(LabShape shape) {
    std::vector<std::string> argv = {tool_path("TG_LAB_SCRIPT"), "up", "--owner", std::to_string(::getpid())};
    if (shape.router) argv.push_back("--router");
    if (shape.service) argv.push_back("--service");
    if (shape.bridge) argv.push_back("--bridge");
    if (shape.ssh) argv.push_back("--ssh");
    const CommandResult r = run(argv, 60);
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
        const auto eq = line.find('=');
        if (eq != std::string::npos) vars_[line.substr(0, eq)] = line.substr(eq + 1);
    }
    if (vars_.count("TG_LAB_ID") != 0) track_lab(vars_["TG_LAB_ID"]);
    if (!r.exit.ok()) {
        if (vars_.count("TG_LAB_ID") != 0) run({tool_path("TG_LAB_SCRIPT"), "down", vars_["TG_LAB_ID"]});
        throw std::runtime_error("scripts/lab up failed (" + r.exit.describe() + "): " + r.err);
    }
}

Lab::~Lab() {
    const auto it = vars_.find("TG_LAB_ID");
    if (it == vars_.end()) return;
    (void)run({tool_path("TG_LAB_SCRIPT"), "down", it->second}, 60);
    untrack_lab(it->second);
}

void kernel_owns(const Lab& lab, LabSide side) {
    const bool gen = side == LabSide::generator;
    const std::string& ns = lab[gen ? "TG_GEN_NS" : "TG_SINK_NS"];
    const std::string& ifname = lab[gen ? "TG_GEN_IF" : "TG_SINK_IF"];
    for (const auto& cmd : std::vector<std::vector<std::string>>{
             {"ip", "-n", ns, "addr", "add", lab[gen ? "TG_GEN_IP4" : "TG_SINK_IP4"] + "/15", "dev", ifname}}) {
        const CommandResult r = run(cmd);
        if (!r.exit.ok()) throw std::runtime_error("`ip` failed (" + r.exit.describe() + "): " + r.err);
    }
}

void kernel_sends_plain_frames(const Lab& lab, LabSide side) {
    const bool gen = side == LabSide::generator;
    const CommandResult r = run(in_ns(lab[gen ? "TG_GEN_NS" : "TG_SINK_NS"],
                                      {"ethtool", "-K", lab[gen ? "TG_GEN_IF" : "TG_SINK_IF"], "tx", "off", "tso", "off",
                                       "gso", "off"}));
    if (!r.exit.ok()) throw std::runtime_error("ethtool failed (" + r.exit.describe() + "): " + r.err);
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

const std::string& Lab::operator[](const std::string& key) const {
    const auto it = vars_.find(key);
    if (it == vars_.end()) throw std::out_of_range("the lab has no " + key);
    return it->second;
}

}  // namespace tg::e2e
