#include "search_run.hpp"

#include <rte_eal.h>
#include <rte_lcore.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <thread>

#include "dataplane/control_path.hpp"
#include "dataplane/engines.hpp"
#include "dataplane/mempools.hpp"
#include "engine_plans.hpp"
#include "engine_room.hpp"
#include "far_sink.hpp"
#include "search_repetitions.hpp"
#include "test_bed.hpp"
#include "link.hpp"
#include "presence_setup.hpp"
#include "report.hpp"
#include "run.hpp"
#include "traffic/config_error.hpp"
#include "traffic_plan.hpp"

namespace tg::app {

namespace {

using traffic::ConfigError;
using traffic::Protocol;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

// One frame size's traffic: its templates, and where their pools start in the room's.
struct SizePlan {
    SearchSize size;
    Options options;  // the run's, with this size
    Traffic traffic;
    std::size_t first_pool = 0;
    double mean_frame = 0;  // with FCS
};

// What a trial measured besides its counts.
struct TrialExtra {
    std::uint64_t generator_sent = 0;  // what the port took; below the trial's count when the generator fell short
    std::uint64_t port_tx_errors = 0;  // of those, what the port's driver failed to put on the wire
    std::uint64_t other_frames = 0;    // arrived on the receiving port besides the test frames (ARP, neighbour discovery)
    json latency_us;                   // percentiles of the frames that arrived
    std::uint64_t count_requests = 0;  // a far sink's counts: the requests this trial took
};

json latency_json(const stats::LatencyHistogram& h) {
    if (h.count() == 0) return nullptr;
    const auto us = [](std::uint64_t ns) { return double(ns) / 1000.0; };
    return {{"min", us(h.min())},           {"mean", us(h.mean())},          {"p50", us(h.quantile(0.5))},
            {"p90", us(h.quantile(0.9))},   {"p99", us(h.quantile(0.99))},   {"p99_9", us(h.quantile(0.999))},
            {"max", us(h.max())}};
}

// Runs trials on the room's port, each with fresh engines and counters.
class TrialRunner {
public:
    // `far`: the frames are counted by a far sink, asked in-band; null: by this process's receiving lcores.
    TrialRunner(EngineRoom& room, bool tx_checksum_offload, dataplane::Clock clock, FarSink* far = nullptr)
        : room_(room), offload_(tx_checksum_offload), clock_(clock), far_(far) {}

    // A far sink: its counts before the first trial (the next trial's "before").
    void start_counts() {
        if (far_ != nullptr) far_before_ = far_->ask();
    }

    // `rate_pps` for `duration_s`: the generator is given the count the rate and duration
    // make, and as long as that takes plus a margin; what it did not send in that time is
    // lost too (the tester could not offer the rate), and said apart in `extra`.
    search::Trial run(const SizePlan& sp, double rate_pps, double duration_s, TrialExtra& extra) {
        search::Trial t;
        t.rate_pps = rate_pps;
        t.duration_s = duration_s;
        t.sent = static_cast<std::uint64_t>(std::llround(rate_pps * duration_s));
        if (t.sent == 0) t.sent = 1;
        const Protocol p = sp.options.protocols.front().protocol;
        const auto pi = static_cast<std::size_t>(p);

        Options trial = sp.options;
        trial.count = t.sent;
        PacingPlan plan;
        plan.pps = rate_pps;
        plan.protocol_pps[pi] = rate_pps;
        std::atomic<bool> tx_stop{false}, rx_stop{false};
        std::vector<std::unique_ptr<dataplane::TxEngine>> tx;
        for (std::size_t i = 0; i < room_.tx_lcores.size(); ++i) {
            auto c = tx_engine_plan(trial, sp.traffic, plan, room_, offload_, i, sp.first_pool);
            c.stop = &tx_stop;
            c.clock = clock_;
            tx.push_back(std::make_unique<dataplane::TxEngine>(std::move(c)));
            // A far sink keeps its streams from trial to trial: each trial's sequences go on
            // where the last trial's stopped, so the sink sees neither duplicates nor gaps.
            if (far_ != nullptr && i < previous_tx_.size()) (void)tx.back()->continue_from(*previous_tx_[i]);
        }
        std::vector<std::unique_ptr<dataplane::RxEngine>> rx;
        for (std::size_t i = 0; i < room_.rx_lcores.size(); ++i) {
            auto c = rx_engine_plan(trial, room_, i);
            c.stop = &rx_stop;
            c.clock = clock_;
            rx.push_back(std::make_unique<dataplane::RxEngine>(std::move(c)));
        }
        const std::uint64_t tx_errors_before = room_.port->counters().tx_errors;
        const auto pair = launch_engines(room_, tx, rx);

        const auto start = Clock::now();
        const auto limit = start + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(duration_s * 1.05 + 0.25));
        const auto sent = [&] {
            std::uint64_t n = 0;
            for (const auto& e : tx) n += e->counters().per_protocol[pi].load(std::memory_order_relaxed);
            return n;
        };
        const auto received = [&] {
            std::uint64_t n = 0;
            for (const auto& e : rx) n += e->counters().packets.load(std::memory_order_relaxed);
            return n;
        };
        while (stop_signal.load() == 0 && Clock::now() < limit &&
               !std::all_of(tx.begin(), tx.end(), [](const auto& e) { return e->finished(); })) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        tx_stop.store(true);
        if (far_ != nullptr) {
            rx_stop.store(true);
            rte_eal_mp_wait_lcore();
            extra.generator_sent = sent();
            extra.port_tx_errors = room_.port->counters().tx_errors - tx_errors_before;
            // The far sink's count once the path has drained; the trial's is the difference.
            const std::uint64_t requests_before = far_->counters().requests;
            const auto after = far_->settled();
            extra.count_requests = far_->counters().requests - requests_before;
            if (after && far_before_) {
                const std::uint64_t b = packets_in(*far_before_, p), a = packets_in(*after, p);
                t.received = std::min(a >= b ? a - b : 0, t.sent);
            }
            if (after) far_before_ = after;
            t.interrupted = stop_signal.load() != 0;
            previous_tx_ = std::move(tx);
            return t;
        }
        // What is still on its way: until nothing arrived for 100 ms (2 s at most). Not until
        // "as many arrived as were sent": the receiving port's count has the path's own
        // frames in it too (a router's ARP), and would end the wait with test frames still
        // on their way.
        const auto drain_limit = Clock::now() + std::chrono::seconds(2);
        std::uint64_t last = received();
        auto last_change = Clock::now();
        while (stop_signal.load() == 0 && Clock::now() < drain_limit) {
            const std::uint64_t now_rx = received();
            if (now_rx != last) {
                last = now_rx;
                last_change = Clock::now();
            } else if (Clock::now() - last_change > std::chrono::milliseconds(100)) {
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        rx_stop.store(true);
        rte_eal_mp_wait_lcore();

        extra.generator_sent = sent();
        extra.port_tx_errors = room_.port->counters().tx_errors - tx_errors_before;
        stats::LatencyHistogram latency;
        std::uint64_t arrived = 0;
        for (const auto& e : rx) {
            const auto& totals = e->core().totals().protocols[pi];
            arrived += totals.packets;
            extra.other_frames += e->core().totals().frames - totals.packets;
            latency.merge(totals.latency);
        }
        t.received = std::min(arrived, t.sent);
        t.interrupted = stop_signal.load() != 0;
        extra.latency_us = latency_json(latency);
        return t;
    }

private:
    EngineRoom& room_;
    bool offload_;
    dataplane::Clock clock_;
    FarSink* far_;
    std::optional<proto::CountsAnswer> far_before_;
    std::vector<std::unique_ptr<dataplane::TxEngine>> previous_tx_;  // the last trial's, with a far sink
};

json trial_json(const search::PhaseTrial& pt, const TrialExtra& extra) {
    const auto& t = pt.trial;
    json j = {{"phase", pt.phase},       {"rate_pps", t.rate_pps}, {"duration_s", t.duration_s},
              {"sent", t.sent},          {"received", t.received}, {"loss_ratio", t.loss_ratio()},
              {"generator_sent", extra.generator_sent}, {"port_tx_errors", extra.port_tx_errors},
              {"other_frames", extra.other_frames}};
    if (t.sent > extra.generator_sent) j["generator_short"] = t.sent - extra.generator_sent;
    if (extra.count_requests > 0) j["count_requests"] = extra.count_requests;
    j["latency_us"] = extra.latency_us;
    if (t.interrupted) j["interrupted"] = true;
    return j;
}

std::string ratio_name(double r, bool first) {
    if (first && r == 0) return "NDR";
    char buf[32];
    std::snprintf(buf, sizeof buf, "PDR %g%%", r * 100);
    return buf;
}

json ratio_json(const search::RatioResult& r, bool first, double mean_frame, double link_bps,
                const std::vector<search::PhaseTrial>& trials, const std::vector<TrialExtra>& extras) {
    json j = {{"name", ratio_name(r.loss_ratio, first)}, {"loss_ratio", r.loss_ratio},
              {"found", r.lower.has_value()},              {"converged", r.converged},
              {"at_max", r.at_max},                         {"below_min", r.below_min}};
    if (r.lower) {
        const double pps = r.lower->rate_pps;
        j["rate_pps"] = pps;
        j["l2_bps"] = pps * traffic::l2_bits(mean_frame);
        j["l1_bps"] = pps * traffic::l1_bits(mean_frame);
        if (link_bps > 0) j["link_percent"] = 100 * pps * traffic::l1_bits(mean_frame) / link_bps;
        j["loss_at_rate"] = r.lower->loss_ratio();
        // The latency of the final trial at that rate.
        for (std::size_t i = trials.size(); i-- > 0;) {
            const auto& t = trials[i].trial;
            if (t.duration_s == r.lower->duration_s && t.rate_pps == r.lower->rate_pps) {
                j["latency_us"] = extras[i].latency_us;
                break;
            }
        }
    }
    if (r.upper) {
        j["upper_pps"] = r.upper->rate_pps;
        j["upper_loss_ratio"] = r.upper->loss_ratio();
    }
    if (r.lower && r.upper) j["relative_width"] = r.relative_width();
    return j;
}

}  // namespace

json run_search(const Options& o) {
    const auto started_wall = std::chrono::system_clock::now();
    EngineRoom room = open_engine_room(o);
    const dataplane::PortCapabilities& caps = room.caps;

    // Every size's templates first: the ports start once, for the largest frame.
    std::vector<SizePlan> sizes;
    std::uint32_t max_frame = 1518;
    const auto compile = [&](const Options& with) {
        sizes.clear();
        for (const auto& size : with.search.sizes) {
            SizePlan sp;
            sp.size = size;
            sp.options = with;
            sp.options.sizes = size.bytes == 0 ? traffic::SizeMix::parse("imix") : traffic::SizeMix::single(size.bytes);
            sp.traffic = compile_traffic(sp.options, caps);
            if (sp.traffic.max_frame > port_max_frame(caps)) {
                throw ConfigError("--sizes " + size.name() + " is above what port " + caps.name + " carries: " +
                                  std::to_string(port_max_frame(caps)) + " bytes with FCS");
            }
            if (room.rx_port && sp.traffic.max_frame > port_max_frame(room.rx_caps)) {
                throw ConfigError("--sizes " + size.name() + " is above what port " + room.rx_caps.name + " receives: " +
                                  std::to_string(port_max_frame(room.rx_caps)) + " bytes with FCS");
            }
            if (sp.traffic.flows->size() < room.tx_lcores.size()) {
                throw ConfigError("--lcores gives " + std::to_string(room.tx_lcores.size()) +
                                  " generator lcores but there are " + std::to_string(sp.traffic.flows->size()) +
                                  " flows: give at least as many flows");
            }
            sp.mean_frame = sp.traffic.mean_frame[static_cast<std::size_t>(with.protocols.front().protocol)];
            max_frame = std::max(max_frame, sp.traffic.max_frame);
            sizes.push_back(std::move(sp));
        }
    };
    compile(o);
    // af_xdp stocks its fill ring from this pool and copies every frame it sends into a
    // buffer of it: a sending port needs room for both, as a generator's has (8192).
    room.rx_pool = std::make_unique<dataplane::Mempool>(
        "tg_rx", dataplane::pool_size(8192, static_cast<std::uint32_t>(std::max<std::size_t>(room.rx_lcores.size(), 1)) + 1,
                                      static_cast<std::uint32_t>(room.workers.size())),
        std::max<std::uint32_t>(std::min<std::uint32_t>(max_frame, port_max_frame(caps)), 2048));
    dataplane::PortSetup setup;
    setup.rx_queues = static_cast<std::uint16_t>(room.rx_port ? 1 : std::max<std::size_t>(room.rx_lcores.size(), 1));
    setup.tx_queues = static_cast<std::uint16_t>(std::max<std::size_t>(room.tx_lcores.size(), 1));
    setup.max_frame = std::min(max_frame, port_max_frame(caps));
    setup.rx_pool = room.rx_pool->get();
    setup.tx_checksum_offload = o.tx_checksum_offload;
    room.port->start(setup);
    double link_waited_s = 0;
    const dataplane::LinkStatus link = wait_for_link(*room.port, o.link_timeout_s, stop_signal, link_waited_s);
    if (room.rx_port) start_rx_port(room, setup, max_frame, o);
    // The sending port's own presence: it resolves the next hop and, with a far sink,
    // answers for its addresses while it asks for the sink's counts between trials.
    std::unique_ptr<dataplane::ControlPath> control;
    std::unique_ptr<traffic::HostPresence> presence;
    if (room.rx_port || o.search.far_sink) {
        control = std::make_unique<dataplane::ControlPath>(room.port->id(), 0, room.rx_pool->get());
        presence = make_generator_presence(o, sizes.front().traffic.l2);
        if (!o.dst_mac_given) {
            // The frames go to the next hop's MAC (--gateway's, else the destination's): asked for
            // on the sending port before any trial.
            Options resolved = o;
            resolved.dst_mac = resolve_next_hop(o, *control, *presence, stop_signal, caps.name);
            resolved.dst_mac_given = true;
            compile(resolved);
        }
    }
    std::unique_ptr<FarSink> far;
    if (o.search.far_sink) {
        // Count requests go as the first flow's frames do, so the path treats them alike.
        const traffic::FlowTuple f = sizes.front().traffic.flows->at(0);
        proto::L3Spec l3;
        l3.src = f.src;
        l3.dst = f.dst;
        const std::string where = (f.dst.is_v4() ? f.dst.to_string() : "[" + f.dst.to_string() + "]") + ":" +
                                  std::to_string(f.dst_port);
        far = std::make_unique<FarSink>(*control, *presence,
                                        traffic::CountsClient(sizes.front().traffic.l2, l3, {f.src_port, f.dst_port}),
                                        where, stop_signal);
    }
    for (auto& sp : sizes) {
        sp.first_pool = room.pools.size();
        for (std::size_t i = 0; i < sp.traffic.templates.templates.size(); ++i) {
            room.pools.push_back(std::make_unique<dataplane::Mempool>(
                "tg_s" + std::to_string(room.pools.size()),
                dataplane::pool_size(1024, 1, static_cast<std::uint32_t>(room.workers.size())),
                *sp.traffic.templates.templates[i]));
        }
    }
    const double link_bps = double(link.speed_mbps ? link.speed_mbps : caps.link_speed_mbps) * 1e6;

    TrialRunner runner(room, setup.tx_checksum_offload, dataplane::Clock::now(), far.get());
    if (far) {
        spdlog::info("the far sink at {} counts the trials: asking it for its counts", far->report()["address"].get<std::string>());
        runner.start_counts();
    }
    const Protocol p = o.protocols.front().protocol;
    // RFC 2544's learning frames: before any trial, a short run at a low rate, so that the
    // path learns the addresses (a router resolves the destination, a switch learns the
    // MACs) and the first trial is not charged for it. Not a trial of the search.
    json learning;
    if (!sizes.empty() && stop_signal.load() == 0) {
        TrialExtra extra;
        const search::Trial t = runner.run(sizes.front(), std::min(1000.0, 100 / 0.2), 0.2, extra);
        learning = {{"sent", extra.generator_sent}, {"received", t.received}, {"other_frames", extra.other_frames}};
        spdlog::info("learning frames: {} sent, {} arrived", extra.generator_sent, t.received);
    }
    json out_sizes = json::array();
    std::string ended_by = "precision";
    for (const auto& sp : sizes) {
        if (stop_signal.load() != 0) break;
        search::SearchSettings s = o.search.settings;
        const traffic::Rate& max_rate = o.search.max_rate;
        if (max_rate.unit == traffic::Rate::Unit::percent_l1 && link_bps <= 0) {
            throw ConfigError("port " + caps.name + " does not report its link speed: give --max-rate as bits/s or packets/s");
        }
        s.max_rate_pps = max_rate.packets_per_second(sp.mean_frame, link_bps);
        s.min_rate_pps = o.search.min_rate.packets_per_second(sp.mean_frame, link_bps);
        if (const std::string why = s.check(); !why.empty()) {
            throw ConfigError("trafficgen search at " + sp.size.name() + " bytes: " + why);
        }
        spdlog::info("searching {} at {} bytes: from {:.0f} pps down to at least {:.0f} pps, {} loss ratio(s)",
                     traffic::to_string(p), sp.size.name(), s.max_rate_pps, s.min_rate_pps, s.loss_ratios.size());
        std::vector<SearchRepetition> reps;
        for (unsigned rep = 1; rep <= o.repeat && stop_signal.load() == 0; ++rep) {
            if (o.repeat > 1) spdlog::info("repetition {} of {}", rep, o.repeat);
            std::vector<TrialExtra> extras;
            const auto result = search::find_throughput(s, [&](double rate, double duration) {
                TrialExtra extra;
                const search::Trial t = runner.run(sp, rate, duration, extra);
                extras.push_back(extra);
                spdlog::info("  trial {:>3}: {:.0f} pps for {:g} s: sent {}, received {}, loss {:.6f}", extras.size(),
                             rate, duration, t.sent, t.received, t.loss_ratio());
                return t;
            });
            SearchRepetition r;
            r.results = json::array();
            for (std::size_t i = 0; i < result.ratios.size(); ++i) {
                r.results.push_back(ratio_json(result.ratios[i], i == 0, sp.mean_frame, link_bps, result.trials, extras));
            }
            r.trials = json::array();
            for (std::size_t i = 0; i < result.trials.size(); ++i) r.trials.push_back(trial_json(result.trials[i], extras[i]));
            r.forwarding_rate_pps = result.forwarding_rate_pps;
            r.ended_by = result.ended_by;
            reps.push_back(std::move(r));
        }
        json size_json = {{"frame_size", sp.size.bytes == 0 ? json("imix") : json(sp.size.bytes)},
                          {"mean_frame_bytes", sp.mean_frame},
                          {"max_rate_pps", s.max_rate_pps},
                          {"min_rate_pps", s.min_rate_pps}};
        add_repetitions(size_json, reps);
        if (size_json["ended_by"] != "precision") ended_by = size_json["ended_by"];
        out_sizes.push_back(size_json);
    }
    if (stop_signal.load() != 0) ended_by = "interrupted";

    const auto& st = o.search.settings;
    json report = {{"schema", "trafficgen.search"}, {"schema_version", search_schema_version}};
    report.update(versions_json(started_wall));
    report["test_bed"] = test_bed_json(room, started_wall);
    report["protocol"] = traffic::to_string(p);
    report["settings"] = {{"loss_ratios", st.loss_ratios},
                          {"trial_duration_s", st.trial_duration_s},
                          {"final_duration_s", st.final_duration_s},
                          {"precision", st.precision},
                          {"phases", st.phases},
                          {"max_trials", st.max_trials},
                          {"repeat", o.repeat},
                          {"min_rate", o.search.min_rate_text},
                          {"max_rate", o.search.max_rate_text.empty() ? "100%" : o.search.max_rate_text},
                          {"flows", sizes.empty() ? 0 : sizes.front().traffic.flows->size()},
                          {"command_line", o.command_line}};
    report["port"] = port_report(caps, *room.port);
    if (room.rx_port) report["rx_port"] = port_report(room.rx_caps, *room.rx_port);
    // Who counted what arrived: this process's receiving port, the sending port itself, or a far sink.
    report["counted_by"] = room.rx_port ? "rx_port" : far ? "far_sink" : "loopback";
    if (far) report["far_sink"] = far->report();
    report["ended_by"] = ended_by;
    report["learning"] = learning;
    report["sizes"] = out_sizes;
    return report;
}

void print_search_summary(const json& report) {
    std::printf("\n%-8s %-10s %14s %12s %8s %11s %11s\n", "size", "ratio", "rate pps", "L1 bit/s", "% link", "lat p50 us",
                "lat p99 us");
    for (const auto& size : report.value("sizes", json::array())) {
        const std::string name = size["frame_size"].is_string() ? size["frame_size"].get<std::string>()
                                                                  : std::to_string(size["frame_size"].get<unsigned>());
        for (const auto& r : size["results"]) {
            const std::string ratio = r["name"].get<std::string>();
            // Repeated: the spread of the rate over the searches, under the median one's row.
            const auto spread = [&] {
                const json rep = r.value("repetitions", json::object());
                if (rep.value("count", 1) < 2) return;
                std::printf("%-8s %-10s %14s  over %d searches: min %.0f, median %.0f, max %.0f pps; found in %d\n", "",
                            "", "", rep["count"].get<int>(), rep["rate_pps"]["min"].get<double>(),
                            rep["rate_pps"]["median"].get<double>(), rep["rate_pps"]["max"].get<double>(),
                            rep["found"].get<int>());
            };
            if (!r.value("found", false)) {
                std::printf("%-8s %-10s %14s  not found above %.0f pps\n", name.c_str(), ratio.c_str(), "-",
                            size["min_rate_pps"].get<double>());
                spread();
                continue;
            }
            // No latency where no clock is shared (a far sink): a dash, not a zero.
            const json lat = r.value("latency_us", json());
            const auto pct = [&](const char* k) {
                char b[32] = "-";
                if (lat.is_object()) std::snprintf(b, sizeof b, "%.1f", lat[k].get<double>());
                return std::string(b);
            };
            std::printf("%-8s %-10s %14.0f %11.3gG %8s %11s %11s%s\n", name.c_str(), ratio.c_str(),
                        r["rate_pps"].get<double>(), r["l1_bps"].get<double>() / 1e9,
                        r.contains("link_percent") ? (std::to_string(std::lround(r["link_percent"].get<double>())) + "%").c_str() : "-",
                        pct("p50").c_str(), pct("p99").c_str(),
                        r.value("at_max", false) ? "  (the maximum: every rate tried passed)" : "");
            spread();
        }
    }
    std::printf("ended by: %s\n", report.value("ended_by", "").c_str());
}

}  // namespace tg::app
