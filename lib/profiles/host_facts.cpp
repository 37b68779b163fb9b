#include "profiles/host_facts.hpp"

#include <sys/utsname.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>

namespace tg::profiles {

namespace {

std::uint64_t number_in(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::uint64_t v = 0;
    in >> v;
    return in ? v : 0;
}

std::string trimmed(std::string s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return "";
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

bool parse_unsigned(std::string_view s, unsigned& out) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && end == s.data() + s.size();
}

}  // namespace

unsigned count_cpu_list(const std::string& list) {
    unsigned n = 0;
    std::string_view rest = list;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string_view part = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        const auto dash = part.find('-');
        unsigned lo = 0, hi = 0;
        if (dash == std::string_view::npos) {
            if (!parse_unsigned(part, lo)) return 0;
            hi = lo;
        } else if (!parse_unsigned(part.substr(0, dash), lo) || !parse_unsigned(part.substr(dash + 1), hi) || hi < lo) {
            return 0;
        }
        n += hi - lo + 1;
    }
    return n;
}

HostFacts read_host_facts(const std::string& root) {
    namespace fs = std::filesystem;
    const fs::path base(root);
    HostFacts h;
    std::ifstream cpuinfo(base / "proc/cpuinfo");
    for (std::string line; std::getline(cpuinfo, line);) {
        const auto colon = line.find(':');
        if (colon == std::string::npos || trimmed(line.substr(0, colon)) != "model name") continue;
        h.cpu_model = trimmed(line.substr(colon + 1));
        break;
    }
    if (h.cpu_model.empty()) h.cpu_model = "unknown";
    std::ifstream online(base / "sys/devices/system/cpu/online");
    std::getline(online, h.cpus_online_list);
    h.cpus_online_list = trimmed(h.cpus_online_list);
    h.cpus_online = count_cpu_list(h.cpus_online_list);
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(base / "sys/kernel/mm/hugepages", ec)) {
        const std::string name = e.path().filename().string();  // hugepages-2048kB
        if (name.rfind("hugepages-", 0) != 0 || name.size() < 13 || name.substr(name.size() - 2) != "kB") continue;
        unsigned kb = 0;
        if (!parse_unsigned(std::string_view(name).substr(10, name.size() - 12), kb)) continue;
        h.hugepages.push_back({kb, number_in(e.path() / "nr_hugepages"), number_in(e.path() / "free_hugepages")});
    }
    std::sort(h.hugepages.begin(), h.hugepages.end(), [](const auto& a, const auto& b) { return a.size_kb < b.size_kb; });
    if (root == "/") {
        utsname u{};
        if (uname(&u) == 0) h.kernel = u.release;
    }
    return h;
}

}  // namespace tg::profiles
