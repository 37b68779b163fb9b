#include "run.hpp"

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <spdlog/spdlog.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <memory>
#include <numeric>
#include <sstream>
#include <thread>

#include "dataplane/dataplane_error.hpp"
#include "dataplane/eal.hpp"
#include "driver_profiles.hpp"
#include "dataplane/engines.hpp"
#include "dataplane/mempools.hpp"
#include "dataplane/port.hpp"
#include "link.hpp"
#include "presence_setup.hpp"
#include "report.hpp"
#include "report/delivery.hpp"
#include "sctp_session.hpp"
#include "session_control.hpp"
#include "tcp_session.hpp"
#include "traffic/udp_clients.hpp"
#include "transactions_report.hpp"
#include "traffic/config_error.hpp"
#include "traffic/dns_clock.hpp"
#include "traffic/frame_template.hpp"
#include "proto/dns.hpp"

namespace tg::app {

std::atomic<int> stop_signal{0};
std::atomic<int> signals_received{0};

namespace {

using traffic::ConfigError;
using traffic::Protocol;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t default_payload = 1400;  // the seed's iperf3 --length

std::vector<std::string> split_words(const std::string& s) {
    std::istringstream in(s);
    std::vector<std::string> out;
    std::string w;
    while (in >> w) out.push_back(w);
    return out;
}

std::vector<unsigned> worker_lcores() {
    std::vector<unsigned> out;
    for (unsigned l = rte_get_next_lcore(static_cast<unsigned>(-1), 1, 0); l < RTE_MAX_LCORE; l = rte_get_next_lcore(l, 1, 0)) {
        out.push_back(l);
    }
    return out;
}

template <typename Engine>
int launch(void* arg) {
    return static_cast<Engine*>(arg)->run();
}

// The templates for the protocols of the run, each protocol through its own size cycle.
struct Traffic {
    traffic::TemplateSet templates;
    std::unique_ptr<traffic::FlowSet> flows;
    proto::L2Spec l2;  // what every frame starts with: MACs and VLAN tags
    std::vector<Protocol> used;
    std::uint32_t max_frame = 0;
    std::array<double, traffic::protocol_count> mean_frame{};  // per protocol, with FCS
};

// ARP and DNS: frames as long as their request, whatever --size says. ARP has one; DNS
// one per name, sent in the order given.
void add_request_templates(const Options& o, Protocol p, bool v6, Traffic& t) {
    auto& cycle = t.templates.cycle[static_cast<std::size_t>(p)];
    double bytes = 0;
    const std::size_t n = p == Protocol::dns ? o.dns_names.size() : 1;
    for (std::size_t i = 0; i < n; ++i) {
        traffic::TemplateSpec spec;
        spec.protocol = p;
        spec.ipv6 = v6;
        spec.l2 = t.l2;
        spec.ttl = o.ttl;
        if (p == Protocol::dns) {
            std::string why;
            spec.dns_query = proto::dns_query(o.dns_names[i], o.dns_type, why);
            spec.dns_port = o.dns_port;
        }
        auto tmpl = std::make_unique<traffic::FrameTemplate>(spec);
        t.max_frame = std::max(t.max_frame, tmpl->frame_size());
        bytes += tmpl->frame_size();
        cycle.push_back(static_cast<std::uint16_t>(t.templates.templates.size()));
        t.templates.templates.push_back(std::move(tmpl));
    }
    t.mean_frame[static_cast<std::size_t>(p)] = bytes / double(n);
}

Traffic compile_traffic(const Options& o, const dataplane::PortCapabilities& caps) {
    Traffic t;
    t.flows = std::make_unique<traffic::FlowSet>(traffic::IpRange::parse(o.src_ip, "--src-ip"),
                                                 traffic::IpRange::parse(o.dst_ip, "--dst-ip"),
                                                 traffic::PortRange::parse(o.src_port, "--src-port"),
                                                 traffic::PortRange::parse(o.dst_port, "--dst-port"), o.flows);
    const bool v6 = t.flows->ipv6();
    proto::L2Spec l2;
    l2.src = o.src_mac;
    if (!o.src_mac_given && !caps.mac.empty()) {
        if (auto m = proto::MacAddress::parse(caps.mac)) l2.src = *m;
    }
    l2.dst = o.dst_mac;
    for (std::size_t i = 0; i < o.vlans.size(); ++i) {
        const bool outer_of_two = o.vlans.size() == 2 && i == 0;
        l2.vlans[l2.vlan_count++] = {outer_of_two ? proto::ether_type::qinq : proto::ether_type::vlan,
                                     proto::make_vlan_tci(0, false, o.vlans[i])};
    }
    t.l2 = l2;
    for (const auto& wp : o.mix.empty() ? o.protocols : o.mix) t.used.push_back(wp.protocol);
    for (Protocol p : t.used) {
        if (p == Protocol::dns || p == Protocol::arp) {
            add_request_templates(o, p, v6, t);
            continue;
        }
        const auto vl = static_cast<std::uint8_t>(o.vlans.size());
        traffic::SizeMix sizes = o.sizes ? *o.sizes
                                         : traffic::SizeMix::single(traffic::FrameTemplate::frame_size_for_payload(
                                               p, v6, vl, p == Protocol::udp && o.udp_payload > 0 ? o.udp_payload : default_payload));
        const std::uint32_t min = traffic::FrameTemplate::min_frame_size(p, v6, vl);
        for (auto& e : sizes.entries) {
            if (e.size < min) {
                spdlog::warn("{} frames of {} bytes are raised to {}: the headers and the test header need that much",
                             traffic::to_string(p), e.size, min);
                e.size = min;
            }
        }
        std::vector<std::uint16_t> index_of_entry;
        double bytes = 0, n = 0;
        for (const auto& e : sizes.entries) {
            traffic::TemplateSpec spec;
            spec.protocol = p;
            spec.ipv6 = v6;
            spec.l2 = l2;
            spec.frame_size = e.size;
            spec.ttl = o.ttl;
            spec.sctp_ppid = o.sctp_ppid;
            spec.ether_type = o.ether_type;
            spec.pattern = o.payload_pattern;
            auto tmpl = std::make_unique<traffic::FrameTemplate>(spec);
            t.max_frame = std::max(t.max_frame, tmpl->frame_size());
            bytes += double(tmpl->frame_size()) * e.weight;
            n += e.weight;
            index_of_entry.push_back(static_cast<std::uint16_t>(t.templates.templates.size()));
            t.templates.templates.push_back(std::move(tmpl));
        }
        t.mean_frame[static_cast<std::size_t>(p)] = bytes / n;
        for (std::uint32_t size : sizes.cycle()) {
            for (std::size_t i = 0; i < sizes.entries.size(); ++i) {
                if (sizes.entries[i].size == size) {
                    t.templates.cycle[static_cast<std::size_t>(p)].push_back(index_of_entry[i]);
                    break;
                }
            }
        }
    }
    return t;
}

traffic::Rate rate_for(const Options& o, Protocol p) {
    if (p == Protocol::udp && !o.udp_rate_text.empty()) return traffic::Rate::parse(o.udp_rate_text);
    if (!o.rate_text.empty()) return traffic::Rate::parse(o.rate_text);
    // The seed's defaults: UDP has no flow control, so it gets a target (iperf3 -b 100M),
    // as do raw frames. Requests a peer answers go at a rate a host answers without
    // taking it for a flood: ping -i 0.001, and a resolver's ordinary load.
    if (p == Protocol::udp || p == Protocol::raw) return traffic::Rate::parse("100M");
    if (p == Protocol::icmp || p == Protocol::dns) return traffic::Rate::parse("1000pps");
    if (p == Protocol::arp) return traffic::Rate::parse("100pps");
    return {};
}

// The largest frame (with FCS) the port carries. Some virtual ports say UINT32_MAX, so
// the arithmetic is done wide and capped at what an mbuf can hold.
std::uint32_t port_max_frame(const dataplane::PortCapabilities& caps) {
    return static_cast<std::uint32_t>(std::min<std::uint64_t>(std::uint64_t{caps.max_rx_pktlen} + 4, 65535));
}

double pps_for(const traffic::Rate& r, double mean_frame, const dataplane::PortCapabilities& caps) {
    if (r.unit == traffic::Rate::Unit::percent_l1 && caps.link_speed_mbps == 0) {
        throw ConfigError("--rate " + r.to_string() + " needs the link speed, which port " + caps.name +
                          " does not report: give bits/s or packets/s");
    }
    return r.packets_per_second(mean_frame, double(caps.link_speed_mbps) * 1e6);
}

const std::vector<std::string> physical_iova_args = {"--iova-mode", "pa"};

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

// A generator sending ICMP echo, ARP or DNS requests counts their answers itself.
bool expects_answers(const Options& o) {
    return o.role == Role::generator &&
           (sends(o, Protocol::icmp) || sends(o, Protocol::arp) || sends(o, Protocol::dns));
}

// TCP_CRR: the source ports the connections take turns on (one port: from it up to 65535).
traffic::PortRange crr_source_ports(const Options& o) {
    traffic::PortRange ports = traffic::PortRange::parse(o.src_port, "--src-port");
    if (ports.count == 1) ports.count = 65536u - ports.first;
    return ports;
}

// The rates of a run, in packets/s for the whole port: per rotating protocol, or for the
// mix with its per-packet protocol cycle. Checked before the port sends anything.
struct PacingPlan {
    std::array<double, traffic::protocol_count> protocol_pps{};
    double pps = 0;                  // the first protocol's, or the mix's
    std::vector<Protocol> mix;       // per-packet protocol cycle, or empty
};

// A mix with --udp-rate: UDP at its own rate, the other protocols sharing --rate by their
// weights. The mix's per-packet cycle then carries each protocol in proportion to its
// packet rate (to 1 in 100,000 of the whole), and the whole is paced at the sum.
void plan_mix_with_udp_apart(const Options& o, const Traffic& t, const dataplane::PortCapabilities& caps, PacingPlan& plan) {
    const traffic::Rate others = o.rate_text.empty() ? traffic::Rate{} : traffic::Rate::parse(o.rate_text);
    if (others.unit == traffic::Rate::Unit::unlimited) {
        throw ConfigError("--udp-rate " + o.udp_rate_text + " gives UDP its own rate in --mix; the other protocols then "
                          "need a rate of theirs to share by weight: give --rate too (not max)");
    }
    const traffic::Rate udp = traffic::Rate::parse(o.udp_rate_text);
    if (udp.unit == traffic::Rate::Unit::unlimited) {
        throw ConfigError("--udp-rate max leaves UDP no share of its own in --mix: give it a rate, or leave it out");
    }
    double other_bytes = 0, other_weight = 0;
    for (const auto& wp : o.mix) {
        if (wp.protocol == Protocol::udp) continue;
        other_bytes += t.mean_frame[static_cast<std::size_t>(wp.protocol)] * wp.weight;
        other_weight += wp.weight;
    }
    const double others_pps = pps_for(others, other_bytes / other_weight, caps);
    const double udp_pps = pps_for(udp, t.mean_frame[static_cast<std::size_t>(Protocol::udp)], caps);
    plan.pps = others_pps + udp_pps;
    constexpr double cycle_length = 100000;
    std::vector<traffic::SizeMix::Entry> weights;
    for (const auto& wp : o.mix) {
        const double pps = wp.protocol == Protocol::udp ? udp_pps : others_pps * wp.weight / other_weight;
        const auto w = static_cast<std::uint32_t>(std::max(1.0, std::round(pps / plan.pps * cycle_length)));
        weights.push_back({static_cast<std::uint32_t>(wp.protocol), w});
    }
    // Smaller whole weights, the same shares: divide by their greatest common divisor.
    std::uint32_t g = 0;
    for (const auto& w : weights) g = std::gcd(g, w.weight);
    for (auto& w : weights) w.weight /= g;
    for (std::uint32_t pi : traffic::SizeMix{weights}.cycle()) plan.mix.push_back(static_cast<Protocol>(pi));
}

PacingPlan plan_pacing(const Options& o, const Traffic& t, const dataplane::PortCapabilities& caps) {
    PacingPlan plan;
    const bool udp_apart = o.mix.size() > 1 && !o.udp_rate_text.empty() && sends(o, Protocol::udp);
    if (udp_apart) {
        plan_mix_with_udp_apart(o, t, caps, plan);
    } else if (!o.mix.empty()) {
        std::vector<traffic::SizeMix::Entry> weights;
        double bytes = 0, n = 0;
        for (const auto& wp : o.mix) {
            weights.push_back({static_cast<std::uint32_t>(wp.protocol), wp.weight});
            bytes += t.mean_frame[static_cast<std::size_t>(wp.protocol)] * wp.weight;
            n += wp.weight;
        }
        for (std::uint32_t pi : traffic::SizeMix{weights}.cycle()) plan.mix.push_back(static_cast<Protocol>(pi));
        const bool only_udp = o.mix.size() == 1 && o.mix[0].protocol == Protocol::udp;
        Protocol paced = only_udp ? Protocol::udp : Protocol::tcp;
        // Requests a peer answers set the mix's pace unless --rate does: the slowest of them.
        for (Protocol p : {Protocol::dns, Protocol::icmp, Protocol::arp}) {
            if (sends(o, p)) paced = p;
        }
        plan.pps = pps_for(rate_for(o, paced), bytes / n, caps);
    } else {
        for (const auto& wp : o.protocols) {
            const auto pi = static_cast<std::size_t>(wp.protocol);
            plan.protocol_pps[pi] = pps_for(rate_for(o, wp.protocol), t.mean_frame[pi], caps);
        }
        plan.pps = plan.protocol_pps[static_cast<std::size_t>(o.protocols.front().protocol)];
    }
    if (o.pacing.pattern != traffic::Pattern::continuous && o.pacing.pattern != traffic::Pattern::burst &&
        o.pacing.pattern != traffic::Pattern::backoff &&
        (plan.pps <= 0 || std::any_of(o.protocols.begin(), o.protocols.end(), [&](const auto& wp) {
             return o.mix.empty() && plan.protocol_pps[static_cast<std::size_t>(wp.protocol)] <= 0;
         }))) {
        throw ConfigError(std::string("--pattern ") + traffic::to_string(o.pacing.pattern) + " needs a --rate");
    }
    return plan;
}

// Each protocol's target rate, as the pacing plan has it: its own in a rotation, its
// share of the mix's; none where it goes as fast as it can. The sink's measure of it
// meets it in the joined report (delivery).
void add_targets(const Options& o, const PacingPlan& plan, const Traffic& t, nlohmann::json& generator) {
    if (!generator.contains("protocols") || o.pacing.pattern != traffic::Pattern::continuous) return;
    for (Protocol p : traffic::all_protocols) {
        if (!generator["protocols"].contains(traffic::to_string(p))) continue;
        const auto pi = static_cast<std::size_t>(p);
        const double pps = plan.mix.empty() ? plan.protocol_pps[pi]
                                            : plan.pps * double(std::count(plan.mix.begin(), plan.mix.end(), p)) /
                                                  double(plan.mix.size());
        if (pps <= 0) continue;  // as fast as it can: no target
        auto& block = generator["protocols"][traffic::to_string(p)];
        block["target_pps"] = pps;
        block["target_l2_bps"] = pps * t.mean_frame[pi] * 8;
    }
}

// Each request and each response of a transaction is one frame (UDP), one segment or
// one DATA chunk: they must fit the path.
void check_transaction_sizes(const Options& o, Protocol p, bool ipv6, const dataplane::PortCapabilities& caps) {
    const std::uint32_t mtu = std::min<std::uint32_t>(port_max_frame(caps) - 18, p == Protocol::udp ? 65535 : 1500);
    const std::uint32_t ip = ipv6 ? 40 : 20;
    const std::uint32_t l4 = p == Protocol::udp ? 8 : p == Protocol::tcp ? 20 + 12 : 12 + 16;  // TCP: with timestamps
    const std::uint32_t fits = mtu - 4 * static_cast<std::uint32_t>(o.vlans.size()) - ip - l4;
    if (o.request_bytes > fits) {
        throw ConfigError("--request-size " + std::to_string(o.request_bytes) + " does not fit one " +
                          (p == Protocol::udp ? "frame" : p == Protocol::tcp ? "segment" : "DATA chunk") + " on port " +
                          caps.name + ": at most " + std::to_string(fits) + " bytes");
    }
    if (p == Protocol::udp && o.response_bytes > fits) {
        throw ConfigError("--response-size " + std::to_string(o.response_bytes) +
                          " does not fit one UDP frame on port " + caps.name + ": at most " + std::to_string(fits) +
                          " bytes (TCP and SCTP answers may be larger)");
    }
}

}  // namespace

nlohmann::json run(const Options& o) {
    const auto started_wall = std::chrono::system_clock::now();

    dataplane::EalOptions eo;
    eo.lcores = o.lcores.empty() ? default_lcores(o.role) : o.lcores;
    eo.vdevs = o.vdevs;
    if (!o.pci.empty()) eo.pci = {o.pci};
    eo.extra = split_words(o.eal);
    const auto named = named_profile(o);
    if (named && !o.pci.empty()) {
        const auto more = profile_eal_args(*named, o);
        eo.extra.insert(eo.extra.begin(), more.begin(), more.end());
    }
    // Hugepages where a NIC needs or can use them; none for virtual devices and kernel interfaces.
    const bool physical_iova = std::find(eo.extra.begin(), eo.extra.end(), "--iova-mode=pa") != eo.extra.end() ||
                               std::search(eo.extra.begin(), eo.extra.end(), physical_iova_args.begin(),
                                           physical_iova_args.end()) != eo.extra.end();
    const profiles::MemoryPlan memory_plan =
        profiles::plan_memory(profiles::read_host_memory(), o.memory, o.pci, physical_iova, o.memory_mb);
    if (!memory_plan.refusal.empty()) throw dataplane::DataplaneError(memory_plan.refusal);
    eo.hugepages = memory_plan.hugepages;
    spdlog::info("memory: {} ({})", memory_plan.hugepages ? "hugepages" : "no hugepages, " + std::to_string(o.memory_mb) + " MB",
                 memory_plan.why);
    eo.memory_mb = o.memory_mb;
    dataplane::Eal eal(eo);

    std::string port_name;
    if (!o.vdevs.empty()) {
        port_name = o.vdevs.front().substr(0, o.vdevs.front().find(','));
    } else if (!o.pci.empty()) {
        port_name = o.pci;
    } else {
        // af_xdp where the kernel and driver allow it, af_packet otherwise. A generator
        // with sessions takes af_packet: on veth in copy mode, af_xdp put thousands of its
        // frames into the kernel's TX ring that never reached the wire while the same
        // socket received (measured: 5500 of 20020 DATA frames, with nothing counted
        // anywhere); af_packet carried every frame both ways.
        port_name = "net_af_xdp_tg0";
        if (o.associations > 0 || o.connections > 0 || o.round_trip || o.request_response || expects_answers(o)) {
            spdlog::info("sending and receiving: using af_packet on {} (af_xdp loses frames when one queue sends and receives)",
                         o.iface);
            port_name = "net_af_packet_tg0";
            if (!dataplane::probe_device(port_name + ",iface=" + o.iface)) {
                throw dataplane::DataplaneError("interface '" + o.iface + "' cannot be opened with af_packet; "
                                                "check that it exists and that this runs as root");
            }
        } else if (!dataplane::probe_device(port_name + ",iface=" + o.iface + ",busy_budget=0")) {
            spdlog::info("af_xdp is not available on {}; using af_packet", o.iface);
            port_name = "net_af_packet_tg0";
            if (!dataplane::probe_device(port_name + ",iface=" + o.iface)) {
                throw dataplane::DataplaneError("interface '" + o.iface + "' cannot be opened with af_xdp or af_packet; "
                                                "check that it exists and that this runs as root");
            }
        }
    }

    const std::vector<unsigned> workers = worker_lcores();
    keep_the_control_thread_on_time();
    if (workers.empty()) {
        throw ConfigError("--lcores '" + eo.lcores + "' gives no engine lcore; a " + to_string(o.role) +
                          " needs one besides the first (control) lcore");
    }
    // A loopback with one engine lcore runs its generator and sink there, paired.
    const bool paired = o.role == Role::loopback && workers.size() == 1;
    std::vector<unsigned> tx_lcores, rx_lcores;
    for (std::size_t i = 0; i < workers.size(); ++i) {
        if (o.role == Role::generator || (o.role == Role::loopback && i == 0)) tx_lcores.push_back(workers[i]);
        if (o.role == Role::sink || (o.role == Role::loopback && (i > 0 || paired))) rx_lcores.push_back(workers[i]);
    }

    // Pools are declared before the port, so the port is stopped (and lets go of their
    // mbufs) before they are freed.
    std::vector<std::unique_ptr<dataplane::Mempool>> pools;
    std::unique_ptr<dataplane::Mempool> rx_pool;
    auto port = std::make_unique<dataplane::Port>(port_name);
    if (!o.iface.empty()) port->use_kernel_link_of(o.iface);
    const dataplane::PortCapabilities caps = port->capabilities();
    const auto profile = port_profile(o, caps.driver, named);

    Traffic traffic_plan;
    PacingPlan pacing_plan;
    const Protocol session_protocol = o.connections > 0 ? Protocol::tcp : o.associations > 0 ? Protocol::sctp : Protocol::udp;
    if (!tx_lcores.empty()) {
        traffic_plan = compile_traffic(o, caps);
        if (traffic_plan.flows->size() < tx_lcores.size()) {
            throw ConfigError("--lcores gives " + std::to_string(tx_lcores.size()) + " generator lcores but there are " +
                              std::to_string(traffic_plan.flows->size()) +
                              " flows: each generator lcore sends flows of its own, so give at least " +
                              std::to_string(tx_lcores.size()) + " flows or fewer lcores");
        }
        if (traffic_plan.max_frame > port_max_frame(caps)) {
            throw ConfigError("--size " + std::to_string(traffic_plan.max_frame) + " is above what port " + caps.name +
                              " carries: " + std::to_string(port_max_frame(caps)) + " bytes with FCS");
        }
        pacing_plan = plan_pacing(o, traffic_plan, caps);
        if (o.request_response) check_transaction_sizes(o, session_protocol, traffic_plan.flows->ipv6(), caps);
        if (o.connect_per_request) traffic::TcpCrrClientSet::check_ports(*traffic_plan.flows, crr_source_ports(o));
    }
    const std::uint32_t max_frame = std::max<std::uint32_t>(traffic_plan.max_frame, o.role == Role::sink ? 9018 : 1518);
    // Every port gets an RX queue (some drivers want one), so every run has an RX pool. Its
    // buffers hold at least DPDK's default 2048 bytes: af_xdp makes its UMEM of them, and
    // the kernel refuses chunks below 2048.
    rx_pool = std::make_unique<dataplane::Mempool>(
        // af_xdp keeps its fill ring stocked from this pool and takes the buffers of copied
        // TX frames from it too: a generator (it receives too: ARP, ping, sessions' answers)
        // and a sink that answers need room for both, or af_xdp drops TX frames for want of
        // a buffer (measured: 1 in 3 DATA frames lost with the 1024-descriptor pool, and
        // 16,600 of 17,300 UDP frames once the generator had received one ARP reply).
        "tg_rx", dataplane::pool_size(o.role == Role::generator ? 8192 : o.role == Role::sink ? 4096 : 1024, static_cast<std::uint32_t>(std::max<std::size_t>(rx_lcores.size(), 1)),
                                      static_cast<std::uint32_t>(workers.size())),
        std::max<std::uint32_t>(std::min<std::uint32_t>(max_frame, port_max_frame(caps)), 2048));
    dataplane::PortSetup setup;
    setup.rx_queues = static_cast<std::uint16_t>(std::max<std::size_t>(rx_lcores.size(), 1));
    // A sink's RX lcores each answer SCTP associations and TCP connections on a TX queue of their own.
    setup.tx_queues = static_cast<std::uint16_t>(
        std::max<std::size_t>(o.role == Role::sink ? rx_lcores.size() : tx_lcores.size(), 1));
    setup.max_frame = std::max<std::uint32_t>(traffic_plan.max_frame, 1518);
    setup.max_frame = std::min(setup.max_frame, port_max_frame(caps));
    setup.rx_pool = rx_pool->get();
    // A port that computes checksums would mend the spoiled ones.
    setup.tx_checksum_offload = o.tx_checksum_offload && o.bad_checksum_every == 0;
    port->start(setup);
    double link_waited_s = 0;
    const dataplane::LinkStatus link_at_start = wait_for_link(*port, o.link_timeout_s, stop_signal, link_waited_s);
    const dataplane::MemoryMode memory = dataplane::memory_mode();
    spdlog::info("{} port {} ({}): MAC {}, {}; memory: {}", to_string(o.role), caps.name, caps.driver, caps.mac,
                 describe(link_at_start), describe(memory, o.memory_mb));
    if (o.role == Role::sink) {
        if (o.sink.addresses.empty()) {
            spdlog::info("sink with no --ip: it answers no ARP, neighbour solicitation or ping, so a peer on a routed "
                         "path needs a static neighbour entry for it");
        } else {
            spdlog::info("sink answering ARP, neighbour solicitations and ping for {}", o.sink.addresses.to_string());
        }
    }

    // The generator's presence on its link: its frames go through queue 0, straight from
    // this thread until the engines run, through engine 0's rings after.
    std::unique_ptr<dataplane::ControlPath> control;
    std::unique_ptr<traffic::HostPresence> presence;
    if (o.role == Role::generator) {
        control = std::make_unique<dataplane::ControlPath>(port->id(), 0, rx_pool->get());
        presence = make_generator_presence(o, traffic_plan.l2);
        spdlog::info("generator at {} on {}, answering ARP, neighbour solicitations and ping for {}",
                     traffic_plan.l2.src.to_string(), caps.name, presence->config().owned.to_string());
        if (!o.dst_mac_given) {
            // The frames are built for the MAC the next hop answers with.
            Options resolved = o;
            resolved.dst_mac = resolve_next_hop(o, *control, *presence, stop_signal, caps.name);
            traffic_plan = compile_traffic(resolved, caps);
        } else {
            poll_presence(*control, *presence);  // the announcements
        }
    }
    for (std::size_t i = 0; i < traffic_plan.templates.templates.size(); ++i) {
        pools.push_back(std::make_unique<dataplane::Mempool>(
            "tg_tx" + std::to_string(i), dataplane::pool_size(1024, 1, static_cast<std::uint32_t>(workers.size())),
            *traffic_plan.templates.templates[i]));
    }

    const dataplane::Clock clock = dataplane::Clock::now();
    std::atomic<bool> tx_stop{false}, rx_stop{false};

    // Real sessions (SCTP associations or TCP connections), driven from this thread.
    std::unique_ptr<SessionControl> session;
    traffic::SctpClientSet* sctp_clients = nullptr;
    traffic::TcpClientSet* tcp_clients = nullptr;
    traffic::TcpCrrClientSet* crr_clients = nullptr;
    traffic::UdpClientSet* udp_clients = nullptr;
    // No data before the sessions are up; request/response: none from the engines at all.
    std::atomic<bool> hold{o.associations > 0 || o.connections > 0 || o.request_response};
    // TCP connections carry their data from this thread in both modes; SCTP associations
    // only in closed loop (open loop: the engines stamp each flow's DATA); requests always.
    const bool control_data = o.closed_loop || o.connections > 0 || o.request_response;
    const char* session_what = o.connections > 0 ? "TCP connections" : o.associations > 0 ? "SCTP associations" : "UDP flows";
    traffic::TransactionSpec rr;
    rr.request_bytes = o.request_bytes;
    rr.response_bytes = o.response_bytes;
    if (o.associations > 0) {
        traffic::SctpSending sending;
        sending.closed_loop = o.closed_loop;
        sending.mtu = std::min<std::uint32_t>(1500, port_max_frame(caps) - 18);
        const auto& sctp_cycle = traffic_plan.templates.cycle[static_cast<std::size_t>(Protocol::sctp)];
        sending.payload_bytes = traffic_plan.templates.templates[sctp_cycle.front()]->payload_bytes();
        sending.ppid = o.sctp_ppid;
        sending.request_response = o.request_response;
        sending.rr = rr;
        auto clients = make_sctp_clients(*traffic_plan.flows, o.streams, traffic_plan.l2, sending);
        sctp_clients = clients.get();
        session = std::make_unique<SessionControl>(std::move(clients), control_data, *control, presence.get(), clock);
    }
    if (o.connections > 0) {
        traffic::TcpSending sending;
        sending.closed_loop = o.closed_loop;
        sending.mss = static_cast<std::uint16_t>(std::min<std::uint32_t>(1500, port_max_frame(caps) - 18) - 40);
        const auto& tcp_cycle = traffic_plan.templates.cycle[static_cast<std::size_t>(Protocol::tcp)];
        sending.payload_bytes = traffic_plan.templates.templates[tcp_cycle.front()]->payload_bytes();
        sending.request_response = o.request_response;
        sending.rr = rr;
        if (o.connect_per_request) {
            // TCP_CRR: each connection's source port from its slot's share of the range.
            auto clients = make_tcp_crr_clients(*traffic_plan.flows, crr_source_ports(o), traffic_plan.l2, sending,
                                                clock.ns(rte_rdtsc()));
            crr_clients = clients.get();
            session = std::make_unique<SessionControl>(std::move(clients), control_data, *control, presence.get(), clock);
        } else {
            auto clients = make_tcp_clients(*traffic_plan.flows, traffic_plan.l2, sending);
            tcp_clients = clients.get();
            session = std::make_unique<SessionControl>(std::move(clients), control_data, *control, presence.get(), clock);
        }
    }
    if (o.request_response && session_protocol == Protocol::udp) {
        rr.timeout_ns = static_cast<std::uint64_t>(o.response_timeout_s * 1e9);
        auto clients = std::make_unique<traffic::UdpClientSet>(*traffic_plan.flows, traffic_plan.l2, o.ttl, rr);
        udp_clients = clients.get();
        session = std::make_unique<SessionControl>(std::move(clients), control_data, *control, presence.get(), clock);
    }
    // ICMP echo, ARP and DNS: each engine counts the answers that reach its queue; a DNS
    // answer finds its query's send time whichever engine sent it.
    const bool answers = expects_answers(o);
    std::unique_ptr<traffic::DnsQueryClock> dns_clock;
    if (answers && sends(o, Protocol::dns)) dns_clock = std::make_unique<traffic::DnsQueryClock>(clock.ns(rte_rdtsc()));
    std::vector<std::unique_ptr<dataplane::TxEngine>> tx;
    for (std::size_t i = 0; i < tx_lcores.size(); ++i) {
        dataplane::TxEngineConfig c;
        c.port = port->id();
        c.queue = static_cast<std::uint16_t>(i);
        c.templates = &traffic_plan.templates;
        for (const auto& p : pools) c.pools.push_back(p->get());
        for (const auto& t : traffic_plan.templates.templates) {
            const auto ipproto = traffic::ip_protocol_number(t->spec().protocol);
            // What the port offers, less what its profile knows it gets wrong.
            c.offload.push_back(setup.tx_checksum_offload && traffic::is_transport(t->spec().protocol) &&
                                port->offload_l4(ipproto) && (t->spec().ipv6 || port->offload_ip()) &&
                                profile_allows_offload(profile, ipproto, t->spec().ipv6));
        }
        c.flows = traffic_plan.flows.get();
        c.streams = o.streams;
        c.first_flow = static_cast<std::uint32_t>(i);
        c.flow_step = static_cast<std::uint32_t>(tx_lcores.size());
        c.pacing = o.pacing;
        c.mix = pacing_plan.mix;
        c.protocol_pps = pacing_plan.protocol_pps;
        c.pacing.pps = pacing_plan.pps;
        // Each generator lcore sends its share.
        c.pacing.pps /= static_cast<double>(tx_lcores.size());
        for (double& pps : c.protocol_pps) pps /= static_cast<double>(tx_lcores.size());
        c.pacing.ramp_from_pps /= static_cast<double>(tx_lcores.size());
        if (o.count > 0) {
            const std::uint64_t share = o.count / tx_lcores.size() + (i < o.count % tx_lcores.size() ? 1 : 0);
            c.count = share;
        }
        c.bad_checksum_every = o.bad_checksum_every;
        for (const auto& wp : o.protocols) c.rotation.push_back(wp.protocol);
        c.rotation_period_s = o.protocol_duration_s;
        if (session) c.hold = &hold;
        if (control && i == 0) {
            c.control = control->outbound();
            c.inbound = control->inbound();
            // With no sessions only the presence's frames go to this thread; the rest is freed.
            c.inbound_presence_only = !session;
        }
        if (o.round_trip || answers) {
            // What comes back (reflections, or answers to requests) is counted on this
            // host's TSC; at the end the engines send no more and go on counting.
            c.hold = &hold;
            c.round_trip = o.round_trip;
            c.answers = answers;
            c.returns.max_streams = o.sink.max_streams;
            c.returns.shared_clock = true;
            c.returns.sctp_server = false;
            c.returns.tcp_server = false;
        }
        if (answers) {
            c.returns.udp_answers = false;
            c.returns.count_answers = true;
            c.returns.dns_clock = dns_clock.get();
            c.returns.dns_timeout_ns = static_cast<std::uint64_t>(o.dns_timeout_s * 1e9);
            c.dns_clock = dns_clock.get();
        }
        c.stop = &tx_stop;
        c.clock = clock;
        tx.push_back(std::make_unique<dataplane::TxEngine>(std::move(c)));
    }

    std::vector<std::unique_ptr<dataplane::RxEngine>> rx;
    for (std::size_t i = 0; i < rx_lcores.size(); ++i) {
        dataplane::RxEngineConfig c;
        c.port = port->id();
        c.queue = static_cast<std::uint16_t>(i);
        c.sink = o.sink;
        // One process, one TSC: a loopback's latency is always measured on a shared clock.
        if (o.role == Role::loopback) c.sink.shared_clock = true;
        if (o.role == Role::sink) {
            if (auto m = proto::MacAddress::parse(caps.mac)) c.sink.mac = *m;
            c.sink.announce = i == 0;
            c.tx_queue = static_cast<std::uint16_t>(i);
            c.reply_pool = rx_pool->get();
            c.reflect = o.reflect;
        }
        c.stop = &rx_stop;
        c.clock = clock;
        rx.push_back(std::make_unique<dataplane::RxEngine>(std::move(c)));
    }

    spdlog::info("{} on {} ({}), {} TX and {} RX lcores, DPDK runtime {}", to_string(o.role), caps.name, caps.driver,
                 tx.size(), rx.size(), eal.file_prefix());
    std::unique_ptr<dataplane::PairedEngines> pair;
    if (paired) {
        spdlog::info("loopback: generator and sink take turns on lcore {}, the control thread keeps a CPU of its own",
                     tx_lcores.front());
        pair = std::make_unique<dataplane::PairedEngines>(*tx.front(), *rx.front());
        rte_eal_remote_launch(launch<dataplane::PairedEngines>, pair.get(), tx_lcores.front());
    } else {
        for (std::size_t i = 0; i < rx.size(); ++i) rte_eal_remote_launch(launch<dataplane::RxEngine>, rx[i].get(), rx_lcores[i]);
        for (std::size_t i = 0; i < tx.size(); ++i) rte_eal_remote_launch(launch<dataplane::TxEngine>, tx[i].get(), tx_lcores[i]);
    }
    if (control) control->engines_started();
    // Real sessions: set up while the engines hold their data.
    bool send_data = true;
    nlohmann::json not_up;  // the sessions not up when the data started, and why
    if (session) {
        spdlog::info("setting up {} {}", session->clients().size(), session_what);
        const bool all_up = session->establish(stop_signal, o.setup_timeout_s);
        if (sctp_clients != nullptr && !all_up) not_up = not_established_json(*sctp_clients);
        if (control_data && session->any_established() && stop_signal.load() == 0) {
            // This thread hands the sessions that came up their data; the engines hold
            // theirs the whole run, engine 0 carrying the frames.
            if (!all_up) spdlog::warn("{}: {}; data goes on those that are up", session_what, session->verdict());
            // The cap is the session protocol's rate: --udp-rate for UDP transactions.
            const std::string& cap_text =
                session_protocol == Protocol::udp && !o.udp_rate_text.empty() ? o.udp_rate_text : o.rate_text;
            const double cap = cap_text.empty() ? 0 : pps_for(traffic::Rate::parse(cap_text),
                                                             traffic_plan.mean_frame[static_cast<std::size_t>(session_protocol)], caps);
            session->start_data(o.count, cap);
            spdlog::info("{} on the {} that are up",
                         o.request_response ? "request/response" : o.closed_loop ? "closed loop" : "open loop", session_what);
            // Transactions wait on answers: poll often, and let the sleeps be short.
            if (o.request_response) ::prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
        } else if (!control_data && sctp_clients != nullptr && session->any_established() && stop_signal.load() == 0) {
            // Open loop: the engines stamp DATA on the flows whose association is up.
            if (!all_up) spdlog::warn("{}: {}; data goes on those that are up", session_what, session->verdict());
            bind_sctp(*sctp_clients, tx);
            if (all_up) spdlog::info("{} {} established", session->clients().size(), session_what);
            hold.store(false, std::memory_order_release);
        } else {
            send_data = false;
            spdlog::warn("{}: {}; no data sent", session_what, session->verdict().empty() ? "set-up failed" : session->verdict());
        }
    }

    double duration = o.duration_s;
    if (duration < 0) {
        if (o.role == Role::sink || o.count > 0) duration = 0;
        else if (o.mix.empty() && o.protocols.size() > 1) duration = o.protocol_duration_s * double(o.protocols.size());
        else duration = 10;
    }
    LiveStats live(o, tx, rx);
    stats::LinkWatch link_watch;
    live.watch_link(&link_watch);
    const auto start = Clock::now();
    auto next_link_check = start;
    std::string stopped_by;
    std::size_t turn_logged = 0;  // the rotation's turn last logged (the engines keep its time themselves)
    auto next_live = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.stats_interval_s));
    Clock::time_point tx_done_at{};
    std::uint64_t last_rx = 0;
    auto last_rx_change = start;
    if (!send_data) stopped_by = stop_signal.load() != 0 ? "signal" : "session setup failed";
    while (send_data) {
        // A closed loop answers SACKs within a fraction of a millisecond; open loop only
        // has handshakes and SACKs to look after.
        std::this_thread::sleep_for(std::chrono::microseconds(!session ? 5000 : o.request_response ? 10 : control_data ? 100 : 1000));
        if (session) session->poll();
        else if (presence) poll_presence(*control, *presence);
        const auto now = Clock::now();
        const double elapsed = std::chrono::duration<double>(now - start).count();
        if (stop_signal.load() != 0 && stopped_by.empty()) stopped_by = "signal";
        if (now >= next_link_check) {
            next_link_check = now + std::chrono::milliseconds(100);
            watch_link(*port, link_watch, elapsed);
        }
        bool tx_done = !tx.empty();
        for (const auto& e : tx) tx_done = tx_done && e->finished();
        if (session && control_data) {
            tx_done = session->data_done();
            // Every session ended before its data did (the peer reset or vanished): the
            // report says so rather than "count".
            if (session->clients().all_closed() && stopped_by.empty()) stopped_by = "sessions ended";
        }
        if (tx_done && stopped_by.empty()) stopped_by = "count";
        if (duration > 0 && elapsed >= duration && stopped_by.empty()) stopped_by = "duration";
        if (o.mix.empty() && o.protocols.size() > 1 && stopped_by.empty()) {
            const auto turn = static_cast<std::size_t>(elapsed / o.protocol_duration_s);
            if (turn != turn_logged) {
                turn_logged = turn;
                spdlog::info("now sending {}", traffic::to_string(o.protocols[turn % o.protocols.size()].protocol));
            }
        }
        std::uint64_t rx_now = 0;
        for (const auto& e : rx) rx_now += e->counters().packets.load(std::memory_order_relaxed);
        if (rx_now != last_rx) {
            last_rx = rx_now;
            last_rx_change = now;
        }
        if (o.role == Role::sink && o.idle_timeout_s > 0 && rx_now > 0 && stopped_by.empty() &&
            std::chrono::duration<double>(now - last_rx_change).count() >= o.idle_timeout_s) {
            stopped_by = "idle";
        }
        if (now >= next_live) {
            live.print(elapsed);
            next_live += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.stats_interval_s));
        }
        if (stopped_by.empty()) continue;
        // With sessions the engines live on (holding their data) for the SHUTDOWNs and FINs;
        // with a round trip, for the returns still on their way.
        if (session || o.round_trip || answers) hold.store(true, std::memory_order_release);
        else tx_stop.store(true);
        if (o.role != Role::loopback) break;
        // Loopback: let what is still in the port's rings arrive, then stop the sink.
        if (tx_done_at == Clock::time_point{}) tx_done_at = now;
        std::uint64_t tx_now = 0;
        for (const auto& e : tx) tx_now += e->counters().packets.load(std::memory_order_relaxed);
        const bool all_in = rx_now >= tx_now && std::all_of(tx.begin(), tx.end(), [](const auto& e) { return e->finished(); });
        const double since_rx = std::chrono::duration<double>(now - last_rx_change).count();
        if (all_in || (since_rx > 0.5 && std::chrono::duration<double>(now - tx_done_at).count() > 0.5) ||
            std::chrono::duration<double>(now - tx_done_at).count() > 5) {
            break;
        }
    }
    if ((o.round_trip || answers) && stop_signal.load() == 0) {
        // The last reflections or answers are still on their way back: wait until every
        // packet sent has returned, or none returned for half a second (a DNS answer may
        // take up to --dns-timeout), 5 s at most beyond that.
        std::uint64_t sent = 0, back = 0, last_back = ~std::uint64_t{0};
        auto last_change = Clock::now();
        const double quiet_s = dns_clock ? std::max(0.5, o.dns_timeout_s) : 0.5;
        const auto quiet = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(quiet_s));
        const auto limit = Clock::now() + std::chrono::seconds(5) + quiet;
        while (Clock::now() < limit && stop_signal.load() == 0) {
            sent = back = 0;
            for (const auto& e : tx) {
                sent += e->counters().packets.load(std::memory_order_relaxed);
                back += e->counters().returned.load(std::memory_order_relaxed);
            }
            if (back != last_back) {
                last_back = back;
                last_change = Clock::now();
            }
            if (back >= sent || Clock::now() - last_change > quiet) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }
    if (session) {
        // Data over; engine 0 keeps carrying the control frames for the SHUTDOWNs.
        hold.store(true, std::memory_order_release);
        session->close(stop_signal, signals_received);
    }
    tx_stop.store(true);
    rx_stop.store(true);
    rte_eal_mp_wait_lcore();
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    watch_link(*port, link_watch, elapsed);
    live.finish();
    // Each output on its own: a timeline that cannot be written is said in the report,
    // which is still written.
    nlohmann::json output_errors = nlohmann::json::array();
    if (!o.timeline_path.empty()) {
        try {
            write_timeline(rx, o.timeline_path);
        } catch (const std::exception& e) {
            spdlog::error("{}", e.what());
            output_errors.push_back({{"file", o.timeline_path}, {"error", e.what()}});
        }
    }

    ReportInputs in{o, caps, *port, tx, rx, elapsed, stopped_by, started_wall, dataplane::dpdk_version()};
    nlohmann::json report = build_report(in);
    if (!output_errors.empty()) report["output_errors"] = output_errors;
    if (profile) report["port"]["driver_profile"] = profile_json(*profile, named.has_value());
    report["port"]["link"] = link_json(link_at_start, link_waited_s, link_watch, elapsed);
    report["port"]["memory"] = memory_json(memory, o.memory_mb);
    report["port"]["memory"]["chosen_because"] = memory_plan.why;
    if (!tx.empty() && !control_data) add_targets(o, pacing_plan, traffic_plan, report["generator"]);
    // Both ends in one process: what arrived against what was sent, and at which rate.
    if (report.contains("generator") && report.contains("sink")) {
        report["delivery"] = report::delivery_json(report["generator"], report["sink"]);
    }
    if (presence) report["generator"]["neighbours"] = presence_json({presence.get()});
    if (o.role == Role::sink && !o.sink.addresses.empty()) {
        std::vector<const traffic::HostPresence*> cores;
        for (const auto& e : rx) cores.push_back(e->core().presence());
        report["sink"]["neighbours"] = presence_json(cores);
    }
    if (session) {
        if (udp_clients == nullptr) {
            nlohmann::json a = sctp_clients != nullptr  ? sctp_clients_report(*sctp_clients, *session)
                               : crr_clients != nullptr ? tcp_crr_clients_report(*crr_clients, *session)
                                                        : tcp_clients_report(*tcp_clients, *session);
            // What engine 0 put on the wire of what the control thread handed it.
            a["control_frames_on_wire"] = tx.front()->counters().control.load();
            a["control_frames_not_taken"] = tx.front()->counters().control_dropped.load();
            // What engine 0 received for the control thread, and what its ring had no room for.
            a["control_frames_received"] = tx.front()->counters().control_in.load();
            a["control_frames_received_dropped"] = tx.front()->counters().control_in_dropped.load();
            if (!not_up.is_null()) a["not_established"] = not_up;
            report["generator"][sctp_clients != nullptr ? "sctp_associations" : "tcp_connections"] = a;
        } else {
            report["generator"]["protocols"]["udp"] = {{"packets", tx.front()->counters().control.load()},
                                                       {"requests", udp_clients->filled()},
                                                       {"bad_l4_checksum", 0}};
            report["generator"]["answers_not_ours"] = udp_clients->strays();
        }
        if (control_data) {
            // Every frame went out through engine 0's control path: data, resends, handshakes.
            report["generator"]["packets"] = tx.front()->counters().control.load();
            report["generator"]["bytes"] = tx.front()->counters().control_bytes.load();
            if (sctp_clients != nullptr) add_sctp_closed_loop_data(*sctp_clients, report["generator"]);
            else if (tcp_clients != nullptr) add_tcp_closed_loop_data(*tcp_clients, report["generator"]);
            else if (crr_clients != nullptr) add_tcp_crr_data(*crr_clients, report["generator"]);
        }
        if (const traffic::Transactions* t = session->clients().transactions()) {
            report["generator"]["request_response"] = transactions_json(*t, session_protocol, session->verdict());
        }
    }
    return report;
}

}  // namespace tg::app
