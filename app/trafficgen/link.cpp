#include "link.hpp"

#include <chrono>
#include <thread>

#include <spdlog/spdlog.h>

#include "dataplane/dataplane_error.hpp"

namespace tg::app {

dataplane::LinkStatus wait_for_link(const dataplane::Port& port, double timeout_s, const std::atomic<int>& stop,
                                    double& waited_s) {
    const auto start = std::chrono::steady_clock::now();
    const auto until = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                   std::chrono::duration<double>(timeout_s));
    dataplane::LinkStatus l = port.link();
    while (!l.up && stop.load() == 0 && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        l = port.link();
    }
    waited_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!l.up) {
        const std::string& name = port.capabilities().name;
        if (stop.load() != 0) throw dataplane::DataplaneError("stopped by a signal while waiting for the link of port " + name);
        char waited[32];
        std::snprintf(waited, sizeof waited, "%.1f", waited_s);
        throw dataplane::DataplaneError("the link of port " + name + " is still down after " + waited +
                                        " s: check the cable, the VF's link state on the host, or the peer interface "
                                        "(--link-timeout waits longer)");
    }
    return l;
}

void watch_link(const dataplane::Port& port, stats::LinkWatch& watch, double t_s) {
    const bool up = port.link().up;
    if (!watch.observe(up, t_s)) return;
    if (!up) {
        spdlog::warn("the link of port {} went down at {:.1f} s", port.capabilities().name, t_s);
    } else {
        const auto& e = watch.episodes();
        spdlog::info("the link of port {} is up again at {:.1f} s{}", port.capabilities().name, t_s,
                     e.empty() || e.back().up_at_s != t_s ? "" : fmt::format(", after {:.1f} s down", t_s - e.back().down_at_s));
    }
}

std::string describe(const dataplane::LinkStatus& l) {
    if (!l.up) return "link down";
    std::string s = "link up";
    if (l.speed_mbps > 0) s += ", " + std::to_string(l.speed_mbps) + " Mbit/s";
    s += l.full_duplex ? " full duplex" : "";
    return s;
}

std::string describe(const dataplane::MemoryMode& m, unsigned memory_mb) {
    return std::string(m.hugepages ? "hugepages" : "no hugepages (" + std::to_string(memory_mb) + " MB)") +
           ", IOVA as " + (m.iova == "pa" ? "physical addresses" : m.iova == "va" ? "virtual addresses" : m.iova);
}

nlohmann::json link_json(const dataplane::LinkStatus& at_start, double waited_s, const stats::LinkWatch& watch,
                         double elapsed_s) {
    nlohmann::json episodes = nlohmann::json::array();
    for (const auto& e : watch.episodes()) {
        nlohmann::json j{{"down_at_s", e.down_at_s}};
        if (e.up_at_s >= 0) {
            j["up_at_s"] = e.up_at_s;
            j["down_for_s"] = e.up_at_s - e.down_at_s;
        } else {
            j["up_at_s"] = nullptr;  // still down when the run ended
            j["down_for_s"] = elapsed_s - e.down_at_s;
        }
        episodes.push_back(j);
    }
    return {{"up_at_start", at_start.up},
            {"speed_mbps", at_start.speed_mbps},
            {"full_duplex", at_start.full_duplex},
            {"autoneg", at_start.autoneg},
            {"waited_for_up_s", waited_s},
            {"up_at_end", watch.up()},
            {"down_events", watch.down_events()},
            {"down_seconds", watch.down_seconds(elapsed_s)},
            {"down", episodes}};
}

nlohmann::json memory_json(const dataplane::MemoryMode& m, unsigned memory_mb) {
    nlohmann::json j{{"hugepages", m.hugepages}, {"iova_mode", m.iova}};
    if (!m.hugepages) j["memory_mb"] = memory_mb;
    return j;
}

}  // namespace tg::app
