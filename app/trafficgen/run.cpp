#include "run.hpp"

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <sys/random.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <random>
#include <thread>

#include "dataplane/dataplane_error.hpp"
#include "dataplane/engines.hpp"
#include "driver_profiles.hpp"
#include "engine_plans.hpp"
#include "engine_room.hpp"
#include "intervals.hpp"
#include "link.hpp"
#include "live_stats.hpp"
#include "presence_setup.hpp"
#include "report.hpp"
#include "report/delivery.hpp"
#include "sctp_session.hpp"
#include "session_control.hpp"
#include "tcp_session.hpp"
#include "test_bed.hpp"
#include "traffic_plan.hpp"
#include "traffic/udp_clients.hpp"
#include "transactions_report.hpp"
#include "traffic/config_error.hpp"
#include "traffic/dns_clock.hpp"
#include "traffic/frame_template.hpp"

namespace tg::app {

std::atomic<int> stop_signal{0};
std::atomic<int> signals_received{0};

namespace {

using traffic::ConfigError;
using traffic::Protocol;
using Clock = std::chrono::steady_clock;

// A sink's id for count answers: a restarted sink is told apart by a new one.
std::uint64_t random_id() {
    std::uint64_t id = 0;
    if (::getrandom(&id, sizeof id, 0) != static_cast<ssize_t>(sizeof id)) id = std::random_device{}();
    return id;
}

}  // namespace

nlohmann::json run(const Options& o) {
    const auto started_wall = std::chrono::system_clock::now();

    // The EAL, the port and the pools, held in the order they must outlive each other.
    EngineRoom room = open_engine_room(o);
    std::vector<std::unique_ptr<dataplane::Mempool>>& pools = room.pools;
    std::unique_ptr<dataplane::Mempool>& rx_pool = room.rx_pool;
    dataplane::Port* const port = room.port.get();
    const dataplane::PortCapabilities& caps = room.caps;
    const auto& profile = room.profile;
    const auto& named = room.named;
    const auto& memory_plan = room.memory_plan;
    const dataplane::Eal& eal = *room.eal;
    const std::vector<unsigned>& workers = room.workers;
    const std::vector<unsigned>& tx_lcores = room.tx_lcores;
    const std::vector<unsigned>& rx_lcores = room.rx_lcores;
    const bool paired = room.paired;

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
        // Two ports: the sending one's pool is a generator's (the receiving port has its own).
        "tg_rx", dataplane::pool_size(o.role == Role::generator || room.rx_port ? 8192 : o.role == Role::sink ? 4096 : 1024,
                                      static_cast<std::uint32_t>(std::max<std::size_t>(rx_lcores.size(), 1)),
                                      static_cast<std::uint32_t>(workers.size())),
        std::max<std::uint32_t>(std::min<std::uint32_t>(max_frame, port_max_frame(caps)), 2048));
    dataplane::PortSetup setup;
    // Two ports: the sending one receives only its host's own frames (ARP, ping), on one queue.
    setup.rx_queues = static_cast<std::uint16_t>(room.rx_port ? 1 : std::max<std::size_t>(rx_lcores.size(), 1));
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
    if (room.rx_port) {
        start_rx_port(room, setup, max_frame, o);
        spdlog::info("receiving port {} ({}): MAC {}, answering ARP, neighbour solicitations and ping for {}",
                     room.rx_caps.name, room.rx_caps.driver, room.rx_caps.mac, o.dst_ip);
    }
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
    // this thread until the engines run, through engine 0's rings after. Two ports in one
    // process: the sending one's, as a generator's on its own host.
    std::unique_ptr<dataplane::ControlPath> control;
    std::unique_ptr<traffic::HostPresence> presence;
    if (o.role == Role::generator || room.rx_port) {
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
        dataplane::TxEngineConfig c = tx_engine_plan(o, traffic_plan, pacing_plan, room, setup.tx_checksum_offload, i);
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
            c.returns.gap_threshold_ns = o.sink.gap_threshold_ns;
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

    // A far generator's count requests (a search's trials) are answered with every core's counts.
    sink::CountsBoard counts_board;
    counts_board.sink_id = random_id();
    std::vector<std::unique_ptr<dataplane::RxEngine>> rx;
    for (std::size_t i = 0; i < rx_lcores.size(); ++i) {
        dataplane::RxEngineConfig c = rx_engine_plan(o, room, i);
        c.sink.counts_board = &counts_board;
        c.stop = &rx_stop;
        c.clock = clock;
        rx.push_back(std::make_unique<dataplane::RxEngine>(std::move(c)));
        counts_board.cores.push_back(&rx.back()->core().live());
    }

    spdlog::info("{} on {} ({}), {} TX and {} RX lcores, DPDK runtime {}", to_string(o.role), caps.name, caps.driver,
                 tx.size(), rx.size(), eal.file_prefix());
    if (paired) {
        spdlog::info("loopback: generator and sink take turns on lcore {}, the control thread keeps a CPU of its own",
                     tx_lcores.front());
    }
    const auto pair = launch_engines(room, tx, rx);
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
            const std::optional<traffic::Rate>& cap_rate =
                session_protocol == Protocol::udp && o.udp_rate ? o.udp_rate : o.rate;
            const double cap = !cap_rate ? 0 : pps_for(*cap_rate, traffic_plan.mean_frame[static_cast<std::size_t>(session_protocol)], caps);
            traffic::PacingSpec pacing = o.pacing;
            pacing.pps = cap;
            session->start_data(o.count, pacing);
            spdlog::info("{} on the {} that are up",
                         o.request_response ? "request/response" : o.closed_loop ? "closed loop" : "open loop", session_what);
            // Transactions wait on answers: poll often, and let the sleeps be short.
            if (o.request_response) ::prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
        } else if (!control_data && sctp_clients != nullptr && session->any_established() && stop_signal.load() == 0) {
            // Open loop: the engines stamp DATA on the flows whose association is up.
            if (!all_up) spdlog::warn("{}: {}; data goes on those that are up", session_what, session->verdict());
            bind_sctp(*sctp_clients, tx);
            session->engines_carry_data();
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
    Intervals intervals(tx, rx, control_data ? std::optional{session_protocol} : std::nullopt);
    stats::LinkWatch link_watch;
    live.watch_link(&link_watch);
    if (o.json_lines) {
        print_json_line("start", {{"role", to_string(o.role)}, {"settings", settings_json(o)},
                                  {"port", port_report(caps, *port)}, {"test_bed", test_bed_json(room, started_wall)}});
    }
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
            live.print(elapsed, intervals.sample(elapsed));
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
        // The test packets the sink counted, not every frame: the port's own ARP and
        // announcements come back too, and would end the wait with test packets still in
        // the ring.
        const bool finished = std::all_of(tx.begin(), tx.end(), [](const auto& e) { return e->finished(); });
        std::uint64_t counted = 0;
        for (const auto& e : rx) counted += e->core().live().packets();
        const bool all_in = finished && counted >= tx_now;
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
                // The answers and reflections counted, not every frame that came in: a
                // stray frame (a router's or a kernel's own) would end the wait with an
                // answer still on its way.
                if (const sink::SinkCore* r = e->returns()) back += r->live().packets();
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
    intervals.finish(elapsed);
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
    report["intervals"] = intervals.list();
    report["test_bed"] = test_bed_json(room, started_wall);
    if (!output_errors.empty()) report["output_errors"] = output_errors;
    if (profile) report["port"]["driver_profile"] = profile_json(*profile, named.has_value());
    if (room.rx_port) report["rx_port"] = port_report(room.rx_caps, *room.rx_port);
    report["port"]["link"] = link_json(link_at_start, link_waited_s, link_watch, elapsed);
    report["port"]["memory"] = memory_json(memory, o.memory_mb);
    report["port"]["memory"]["chosen_because"] = memory_plan.why;
    if (!tx.empty() && !control_data) add_targets(o, pacing_plan, traffic_plan, report["generator"]);
    // Both ends in one process: what arrived against what was sent, and at which rate.
    if (report.contains("generator") && report.contains("sink")) {
        report["delivery"] = report::delivery_json(report["generator"], report["sink"]);
    }
    if (presence) report["generator"]["neighbours"] = presence_json({presence.get()});
    if (room.rx_port) {
        // The receiving port stood for the destination's host.
        std::vector<const traffic::HostPresence*> cores;
        for (const auto& e : rx) cores.push_back(e->core().presence());
        report["sink"]["neighbours"] = presence_json(cores);
    }
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
