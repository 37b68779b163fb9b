#include "engine_room.hpp"

#include <rte_lcore.h>
#include <sched.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "dataplane/dataplane_error.hpp"
#include "driver_profiles.hpp"
#include "link.hpp"
#include "run.hpp"
#include "traffic/config_error.hpp"
#include "traffic_plan.hpp"

namespace tg::app {

using traffic::ConfigError;

namespace {

std::vector<std::string> split_words(const std::string& s) {
    std::istringstream in(s);
    std::vector<std::string> out;
    std::string w;
    while (in >> w) out.push_back(w);
    return out;
}

const std::vector<std::string> physical_iova_args = {"--iova-mode", "pa"};

// The control thread keeps time (the duration, session timers, the link watch, the live
// line): where it shares a CPU with a busy engine it is raised above it (nice -10), so
// that it runs as soon as it wakes rather than after the engine's time slice. The
// engines keep the rotation's time themselves.
void keep_the_control_thread_on_time() {
    cpu_set_t control;
    CPU_ZERO(&control);
    if (::sched_getaffinity(0, sizeof control, &control) != 0) return;
    for (unsigned l : worker_lcores()) {
        const rte_cpuset_t engine = rte_lcore_cpuset(l);
        cpu_set_t both;
        CPU_AND(&both, &control, &engine);
        if (CPU_COUNT(&both) == 0) continue;
        if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), -10) == 0) {
            spdlog::info("the control thread shares a CPU with engine lcore {}: it runs at a higher priority (nice -10)", l);
        } else {
            spdlog::warn("the control thread shares a CPU with engine lcore {} and cannot be raised above it ({}): "
                         "the duration may end late; give it a CPU of its own with --lcores",
                         l, std::strerror(errno));
        }
        return;
    }
}

// A kernel interface as a DPDK port (`index` tells two apart): af_xdp where the kernel
// and driver allow it, af_packet otherwise. A queue that sends and receives takes
// af_packet: on veth in copy mode, af_xdp put thousands of a generator's frames into the
// kernel's TX ring that never reached the wire while the same socket received (measured:
// 5500 of 20020 DATA frames, with nothing counted anywhere); af_packet carried every
// frame both ways.
std::string open_kernel_port(const std::string& iface, int index, bool both_ways) {
    const std::string xdp = "net_af_xdp_tg" + std::to_string(index);
    const std::string packet = "net_af_packet_tg" + std::to_string(index);
    if (both_ways) {
        spdlog::info("sending and receiving: using af_packet on {} (af_xdp loses frames when one queue sends and receives)",
                     iface);
        if (!dataplane::probe_device(packet + ",iface=" + iface)) {
            throw dataplane::DataplaneError("interface '" + iface + "' cannot be opened with af_packet; "
                                            "check that it exists and that this runs as root");
        }
        return packet;
    }
    if (dataplane::probe_device(xdp + ",iface=" + iface + ",busy_budget=0")) return xdp;
    spdlog::info("af_xdp is not available on {}; using af_packet", iface);
    if (!dataplane::probe_device(packet + ",iface=" + iface)) {
        throw dataplane::DataplaneError("interface '" + iface + "' cannot be opened with af_xdp or af_packet; "
                                        "check that it exists and that this runs as root");
    }
    return packet;
}

}  // namespace

std::vector<unsigned> worker_lcores() {
    std::vector<unsigned> out;
    for (unsigned l = rte_get_next_lcore(static_cast<unsigned>(-1), 1, 0); l < RTE_MAX_LCORE; l = rte_get_next_lcore(l, 1, 0)) {
        out.push_back(l);
    }
    return out;
}

// The lcores when --lcores is not given, on the CPUs this process may use: the control
// thread (lcore 0) on a CPU of its own, away from the busy engines (it keeps the
// duration, the sessions' timers and the link watch). A loopback on two CPUs runs its
// generator and sink on one engine lcore (dataplane::PairedEngines); with three, each
// has its own. Only a single CPU puts the control thread beside an engine (see
// keep_the_control_thread_on_time).
std::string default_lcores(Role role) {
    cpu_set_t set;
    CPU_ZERO(&set);
    std::vector<int> cpus;
    if (::sched_getaffinity(0, sizeof set, &set) == 0) {
        for (int c = 0; c < CPU_SETSIZE && cpus.size() < 3; ++c) {
            if (CPU_ISSET(c, &set)) cpus.push_back(c);
        }
    }
    if (cpus.empty()) cpus.push_back(0);
    const auto at = [&](std::size_t i) { return std::to_string(cpus[std::min(i, cpus.size() - 1)]); };
    if (role == Role::loopback && cpus.size() >= 3) return "0@" + at(0) + ",1@" + at(1) + ",2@" + at(2);
    return "0@" + at(0) + ",1@" + at(1);
}

EngineRoom open_engine_room(const Options& o) {
    EngineRoom room;
    dataplane::EalOptions eo;
    eo.lcores = o.lcores.empty() ? default_lcores(o.role) : o.lcores;
    eo.vdevs = o.vdevs;
    if (!o.rx_vdev.empty()) eo.vdevs.push_back(o.rx_vdev);
    if (!o.pci.empty()) eo.pci = {o.pci};
    if (!o.rx_pci.empty()) eo.pci.push_back(o.rx_pci);
    eo.extra = split_words(o.eal);
    room.named = named_profile(o);
    if (room.named && !o.pci.empty()) {
        const auto more = profile_eal_args(*room.named, o);
        eo.extra.insert(eo.extra.begin(), more.begin(), more.end());
    }
    // Hugepages where a NIC needs or can use them; none for virtual devices and kernel interfaces.
    const bool physical_iova = std::find(eo.extra.begin(), eo.extra.end(), "--iova-mode=pa") != eo.extra.end() ||
                               std::search(eo.extra.begin(), eo.extra.end(), physical_iova_args.begin(),
                                           physical_iova_args.end()) != eo.extra.end();
    room.memory_plan =
        profiles::plan_memory(profiles::read_host_memory(), o.memory, o.pci, physical_iova, o.memory_mb);
    if (!room.memory_plan.refusal.empty()) throw dataplane::DataplaneError(room.memory_plan.refusal);
    eo.hugepages = room.memory_plan.hugepages;
    spdlog::info("memory: {} ({})", room.memory_plan.hugepages ? "hugepages" : "no hugepages, " + std::to_string(o.memory_mb) + " MB",
                 room.memory_plan.why);
    eo.memory_mb = o.memory_mb;
    room.eal = std::make_unique<dataplane::Eal>(eo);

    std::string port_name;
    if (!o.vdevs.empty()) {
        port_name = o.vdevs.front().substr(0, o.vdevs.front().find(','));
    } else if (!o.pci.empty()) {
        port_name = o.pci;
    } else {
        // A generator with sessions, a round trip or requests both sends and receives on its queue.
        const bool both_ways = o.associations > 0 || o.connections > 0 || o.round_trip || o.request_response ||
                               expects_answers(o);
        port_name = open_kernel_port(o.iface, 0, both_ways);
    }
    std::string rx_port_name;
    if (!o.rx_vdev.empty()) rx_port_name = o.rx_vdev.substr(0, o.rx_vdev.find(','));
    else if (!o.rx_pci.empty()) rx_port_name = o.rx_pci;
    else if (!o.rx_iface.empty()) rx_port_name = open_kernel_port(o.rx_iface, 1, false);

    room.workers = worker_lcores();
    const auto& workers = room.workers;
    keep_the_control_thread_on_time();
    if (workers.empty()) {
        throw ConfigError("--lcores '" + eo.lcores + "' gives no engine lcore; a " + to_string(o.role) +
                          " needs one besides the first (control) lcore");
    }
    // A loopback with one engine lcore runs its generator and sink there, paired.
    room.paired = o.role == Role::loopback && workers.size() == 1;
    for (std::size_t i = 0; i < workers.size(); ++i) {
        if (o.role == Role::generator || (o.role == Role::loopback && i == 0)) room.tx_lcores.push_back(workers[i]);
        if (o.role == Role::sink || (o.role == Role::loopback && (i > 0 || room.paired))) room.rx_lcores.push_back(workers[i]);
    }

    room.port = std::make_unique<dataplane::Port>(port_name);
    if (!o.iface.empty()) room.port->use_kernel_link_of(o.iface);
    room.caps = room.port->capabilities();
    room.profile = port_profile(o, room.caps.driver, room.named);
    if (!rx_port_name.empty()) {
        room.rx_port = std::make_unique<dataplane::Port>(rx_port_name);
        if (!o.rx_iface.empty()) room.rx_port->use_kernel_link_of(o.rx_iface);
        room.rx_caps = room.rx_port->capabilities();
    }
    return room;

}

void start_rx_port(EngineRoom& room, const dataplane::PortSetup& setup, std::uint32_t max_frame, const Options& o) {
    const auto queues = static_cast<std::uint16_t>(std::max<std::size_t>(room.rx_lcores.size(), 1));
    room.rx_port_pool = std::make_unique<dataplane::Mempool>(
        "tg_rx1", dataplane::pool_size(2048, queues, static_cast<std::uint32_t>(room.workers.size())),
        std::max<std::uint32_t>(std::min<std::uint32_t>(max_frame, port_max_frame(room.rx_caps)), 2048));
    dataplane::PortSetup rx_setup = setup;
    rx_setup.rx_pool = room.rx_port_pool->get();
    rx_setup.rx_queues = queues;
    rx_setup.tx_queues = queues;
    rx_setup.max_frame = std::min(max_frame, port_max_frame(room.rx_caps));
    rx_setup.tx_checksum_offload = false;
    room.rx_port->start(rx_setup);
    double waited_s = 0;
    (void)wait_for_link(*room.rx_port, o.link_timeout_s, stop_signal, waited_s);
}

}  // namespace tg::app
