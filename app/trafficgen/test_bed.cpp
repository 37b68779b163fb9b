#include "test_bed.hpp"

#include <algorithm>
#include <string>

#include "dataplane/eal.hpp"
#include "profiles/host_facts.hpp"
#include "report.hpp"

namespace tg::app {

namespace {

using nlohmann::json;

bool holds(const std::vector<unsigned>& v, unsigned x) { return std::find(v.begin(), v.end(), x) != v.end(); }

std::string role_of(const EngineRoom& room, unsigned lcore) {
    if (lcore == dataplane::main_lcore()) return "control";
    const bool tx = holds(room.tx_lcores, lcore), rx = holds(room.rx_lcores, lcore);
    if (room.paired || (tx && rx)) return "generator and sink";
    return tx ? "generator" : rx ? "sink" : "idle";
}

json port_json(const dataplane::PortCapabilities& caps, const dataplane::Port& port) {
    const dataplane::LinkStatus link = port.link();
    json j = {{"name", caps.name},       {"device", caps.device},
              {"driver", caps.driver},   {"firmware", caps.firmware.empty() ? json(nullptr) : json(caps.firmware)},
              {"numa_node", caps.numa_node < 0 ? json(nullptr) : json(caps.numa_node)},
              {"link_speed_mbps", link.speed_mbps}};
    return j;
}

}  // namespace

json test_bed_json(const EngineRoom& room, std::chrono::system_clock::time_point started) {
    const profiles::HostFacts host = profiles::read_host_facts();
    json b = versions_json(started);
    b["cpu_model"] = host.cpu_model;
    b["cpus_online"] = host.cpus_online;
    b["cpus_online_list"] = host.cpus_online_list;
    json lcores = json::array();
    std::vector<unsigned> all = {dataplane::main_lcore()};
    all.insert(all.end(), room.workers.begin(), room.workers.end());
    for (unsigned l : all) lcores.push_back({{"lcore", l}, {"cpus", dataplane::lcore_cpus(l)}, {"role", role_of(room, l)}});
    b["lcores"] = lcores;
    json pages = json::array();
    for (const auto& p : host.hugepages) pages.push_back({{"size_kb", p.size_kb}, {"total", p.total}, {"free", p.free}});
    b["hugepages"] = pages;
    const dataplane::MemoryMode m = dataplane::memory_mode();
    b["memory"] = {{"hugepages", m.hugepages}, {"iova_mode", m.iova}};
    json ports = json::array();
    if (room.port) ports.push_back(port_json(room.caps, *room.port));
    if (room.rx_port) ports.push_back(port_json(room.rx_caps, *room.rx_port));
    b["ports"] = ports;
    return b;
}

}  // namespace tg::app
