#include "run_step.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "check.hpp"
#include "host_scripts.hpp"
#include "orch_error.hpp"
#include "output.hpp"
#include "ssh.hpp"

namespace tg::orch {

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

// The sink's line when it is up and counting.
constexpr const char* sink_ready = "sink on";

// The latest live line of each side of each pair, summed by the printer.
struct LiveBoard {
    struct Rates {
        double pps = 0, bps = 0;
    };
    std::mutex mutex;
    std::map<std::string, Rates> tx, rx;  // by pair: the generator's sending, the sink's receiving
    double t = 0;
    std::vector<std::string> lines;  // a search's trials, "pair: trial ...", not yet printed
};

std::string last_line(const std::string& s) {
    std::size_t end = s.size();
    while (end > 0 && s[end - 1] == '\n') --end;
    const std::size_t start = s.rfind('\n', end == 0 ? 0 : end - 1);
    return s.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1));
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

std::string describe_exit(const RemoteProcess& p) {
    if (!p.killed_by().empty()) return "killed by SIG" + p.killed_by();
    const int status = p.exit_status();
    if (status > 128 && status < 160) {
        const char* name = ::sigabbrev_np(status - 128);
        return name != nullptr ? "killed by SIG" + std::string(name) : "killed by signal " + std::to_string(status - 128);
    }
    if (status < 0) return "its end unknown";
    return "exit status " + std::to_string(status);
}

bool has_option(const std::vector<std::string>& args, const std::string& name) {
    for (const auto& a : args) {
        if (a == name || a.rfind(name + "=", 0) == 0) return true;
    }
    return false;
}

struct Port {
    std::vector<std::string> args;  // --pci ADDR or --iface NAME
    std::string mac;
};

// How trafficgen is pointed at the host's NIC: by PCI address once a DPDK driver has it,
// else by its interface (af_xdp, af_packet).
Port port_of(SshSession& s, const HostSpec& h, const HostPaths& paths) {
    if (!h.nic) {
        throw OrchError(exit_code::bad_input, h.label + " has no \"nic\" in the inventory: give the NIC trafficgen drives");
    }
    const CommandResult r =
        s.run_script(host_script(), {"nic", to_string(h.nic->kind), h.nic->value, paths.sysfs_root, paths.state_dir}, 30);
    if (!r.ok()) throw OrchError(exit_code::step_failed, h.label + ": " + trimmed(r.err.empty() ? r.out : r.err));
    const HostFacts f = parse_facts(r.out);
    const auto get = [&](const char* k) { return f.count(k) != 0 ? f.at(k) : std::string(); };
    Port p;
    p.mac = get("mac");
    const std::string driver = get("driver");
    if ((driver == "vfio-pci" || driver == "uio_pci_generic" || driver == "igb_uio") && !get("pci").empty()) {
        p.args = {"--pci", get("pci")};
    } else if (!get("iface").empty()) {
        p.args = {"--iface", get("iface")};
    } else {
        throw OrchError(exit_code::step_failed, h.label + ": the NIC " + h.nic->value +
                                                    " has neither an interface nor a DPDK driver: run `bind` first");
    }
    return p;
}

// Removes a remote directory of the run's when the pair's run is left, however it ends.
struct RemoveOnExit {
    SshSession& session;
    std::string dir;
    ~RemoveOnExit() {
        try {
            (void)session.run({"rm", "-rf", dir}, 30);
        } catch (const std::exception&) {
            // The host is gone: nothing more can be done from here.
        }
    }
};

// Ends a remote program still running when the pair's run is left early.
struct StopOnExit {
    RemoteProcess* p = nullptr;
    ~StopOnExit() {
        if (p != nullptr && !p->ended()) p->signal("TERM");
    }
};

class PairRun {
public:
    PairRun(const PairSpec& pair, const Inventory& inv, const RunOptions& options, LiveBoard& board,
            const std::atomic<int>& stop)
        : pair_(pair), inv_(inv), options_(options), board_(board), stop_(stop), dir_(fs::path(options.out_dir) / pair.name) {}

    PairOutcome go() {
        PairOutcome o;
        o.pair = pair_.name;
        try {
            fs::create_directories(dir_);
        } catch (const fs::filesystem_error&) {
            o.code = exit_code::output;
            o.error = "cannot make " + dir_.string() + ": give an --out directory that can be written";
            return o;
        }
        try {
            run(o);
        } catch (const OrchError& e) {
            if (o.code == 0) {
                o.code = e.code();
                o.error = e.what();
            }
        }
        try {
            std::string text;
            for (const auto& l : live_) text += l + "\n";
            write_atomically((dir_ / "live.jsonl").string(), text);
        } catch (const OrchError& e) {
            if (o.code == 0) {
                o.code = e.code();
                o.error = e.what();
            }
        }
        return o;
    }

private:
    void take(RemoteProcess& p, const char* role) {
        for (auto& line : p.take_lines()) {
            const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
            // Only the intervals: "start" and "end" records (the settings, the report) are not live figures.
            if (!j.is_object() || !j.contains("t") || j.value("event", "interval") != "interval") continue;
            nlohmann::json tagged = j;
            tagged["role"] = role;
            live_.push_back(tagged.dump());
            std::lock_guard lock(board_.mutex);
            if (std::string(role) == "generator") {
                board_.tx[pair_.name] = {j.value("tx_pps", 0.0), j.value("tx_l2_bps", 0.0)};
            } else {
                board_.rx[pair_.name] = {j.value("rx_pps", 0.0), j.value("rx_l2_bps", 0.0)};
            }
            board_.t = std::max(board_.t, j.value("t", 0.0));
        }
    }

    // A search's progress: each trial's line on its stderr, once, tagged with the pair.
    void take_trials(const RemoteProcess& p) {
        const std::string& err = p.err();
        std::size_t end;
        while ((end = err.find('\n', err_seen_)) != std::string::npos) {
            const std::string line = err.substr(err_seen_, end - err_seen_);
            err_seen_ = end + 1;
            const auto at = line.find("trial ");
            if (at == std::string::npos && line.find("searching ") == std::string::npos) continue;
            const auto text = line.find("info: ");
            std::lock_guard lock(board_.mutex);
            board_.lines.push_back(pair_.name + ": " + (text == std::string::npos ? line : line.substr(text + 6)));
        }
    }

    void run(PairOutcome& o) {
        const bool search = options_.search;
        const double limit_s = (search ? inv_.search.limit_s : inv_.run.duration_s) + 300;
        const std::string interval = std::to_string(options_.stats_interval_s);
        SshSession sink_s(pair_.sink);
        SshSession gen_s(pair_.generator);
        const Port sink_port = port_of(sink_s, pair_.sink, options_.paths);
        const Port gen_port = port_of(gen_s, pair_.generator, options_.paths);
        const std::string sink_dir = remote_dir(sink_s);
        const RemoveOnExit sink_dir_guard{sink_s, sink_dir};
        const std::string gen_dir = remote_dir(gen_s);
        const RemoveOnExit gen_dir_guard{gen_s, gen_dir};

        std::vector<std::string> sink_argv = {pair_.sink.trafficgen, "sink"};
        sink_argv.insert(sink_argv.end(), sink_port.args.begin(), sink_port.args.end());
        if (!pair_.sink.lcores.empty()) sink_argv.insert(sink_argv.end(), {"--lcores", pair_.sink.lcores});
        sink_argv.insert(sink_argv.end(), {"--duration", "0", "--json", sink_dir + "/sink.json", "--json-lines",
                                           "--stats-interval", interval});
        // The sink answers ARP, neighbour discovery and ping for its data address.
        if (!has_option(pair_.sink.args, "--ip") && !pair_.sink.data_ip.empty()) {
            sink_argv.insert(sink_argv.end(), {"--ip", pair_.sink.data_ip});
        }
        sink_argv.insert(sink_argv.end(), pair_.sink.args.begin(), pair_.sink.args.end());
        auto sink = sink_s.start(sink_argv, limit_s);
        StopOnExit sink_guard{sink.get()};
        const auto ready_by = Clock::now() + std::chrono::seconds(60);
        while (sink->err().find(sink_ready) == std::string::npos && !sink->ended() && Clock::now() < ready_by &&
               stop_.load() == 0) {
            sink->poll(100);
            take(*sink, "sink");
        }
        if (sink->err().find(sink_ready) == std::string::npos) {
            throw OrchError(exit_code::step_failed, pair_.sink.label + ": the sink did not start (" +
                                                        (sink->ended() ? describe_exit(*sink) : "no word in 60 s") +
                                                        "): " + last_line(sink->err()));
        }

        std::vector<std::string> gen_argv = {pair_.generator.trafficgen};
        if (search) gen_argv.push_back("search");
        gen_argv.insert(gen_argv.end(), gen_port.args.begin(), gen_port.args.end());
        if (!pair_.generator.lcores.empty()) gen_argv.insert(gen_argv.end(), {"--lcores", pair_.generator.lcores});
        std::vector<std::string> traffic = search ? inv_.search.args : inv_.run.args;
        traffic.insert(traffic.end(), pair_.generator.args.begin(), pair_.generator.args.end());
        // On one link the sink's MAC is the next hop's; through a router (--gateway) the
        // generator asks the router's.
        if (!has_option(traffic, "--dst-mac") && !has_option(traffic, "--gateway") && !sink_port.mac.empty()) {
            gen_argv.insert(gen_argv.end(), {"--dst-mac", sink_port.mac});
        }
        if (!has_option(traffic, "--src-ip") && !pair_.generator.data_ip.empty()) {
            gen_argv.insert(gen_argv.end(), {"--src-ip", pair_.generator.data_ip});
        }
        if (!has_option(traffic, "--dst-ip") && !pair_.sink.data_ip.empty()) {
            gen_argv.insert(gen_argv.end(), {"--dst-ip", pair_.sink.data_ip});
        }
        const std::string gen_file = search ? "search.json" : "generator.json";
        if (search) {
            gen_argv.insert(gen_argv.end(), {"--json", gen_dir + "/" + gen_file});
        } else {
            if (!has_option(traffic, "--duration") && !has_option(traffic, "--count")) {
                gen_argv.insert(gen_argv.end(), {"--duration", std::to_string(inv_.run.duration_s)});
            }
            gen_argv.insert(gen_argv.end(), {"--json", gen_dir + "/" + gen_file, "--json-lines", "--stats-interval", interval});
        }
        gen_argv.insert(gen_argv.end(), traffic.begin(), traffic.end());
        auto gen = gen_s.start(gen_argv, limit_s);
        StopOnExit gen_guard{gen.get()};

        bool gen_stopped = false;
        while (!gen->ended()) {
            gen->poll(50);
            sink->poll(0);
            take(*gen, "generator");
            take(*sink, "sink");
            if (search) take_trials(*gen);
            if (stop_.load() != 0 && !gen_stopped) {
                gen_stopped = gen->signal("INT");
                if (o.code == 0) {
                    o.code = exit_code::interrupted;
                    o.error = pair_.name + ": stopped by a signal; what was gathered is kept";
                }
            }
            if (sink->ended() && !gen_stopped) {
                // The sink went away mid-run: the generator is stopped and its report kept.
                o.code = exit_code::step_failed;
                o.error = pair_.sink.label + ": the sink ended mid-run (" + describe_exit(*sink) +
                          "); the generator was stopped and the reports so far are kept";
                gen_stopped = gen->signal("INT");
            }
        }
        take(*gen, "generator");
        o.generator_exit = gen->exit_status();
        if (!sink->ended()) {
            sink->signal("INT");
            const auto by = Clock::now() + std::chrono::seconds(30);
            while (!sink->ended() && Clock::now() < by) {
                sink->poll(100);
                take(*sink, "sink");
            }
            if (!sink->ended()) sink->signal("KILL");
        }
        o.sink_exit = sink->exit_status();
        if (o.code == 0 && o.generator_exit != 0) {
            o.code = o.generator_exit == 5 ? exit_code::path_failed : exit_code::step_failed;
            o.error = pair_.generator.label + ": trafficgen ended with " + describe_exit(*gen) + ": " +
                      last_line(gen->err());
        }
        if (search) take_trials(*gen);
        o.generator_report = fetch(gen_s, gen_dir + "/" + gen_file, gen_file.c_str());
        o.sink_report = fetch(sink_s, sink_dir + "/sink.json", "sink.json");
    }

    static std::string remote_dir(SshSession& s) {
        const CommandResult r = s.run({"mktemp", "-d", "/tmp/trafficgen-orch.XXXXXX"}, 30);
        if (!r.ok()) throw OrchError(exit_code::step_failed, s.host().label + ": cannot make a directory in /tmp: " + trimmed(r.err));
        return trimmed(r.out);
    }

    bool fetch(SshSession& s, const std::string& remote, const char* local) {
        const CommandResult r = s.run({"cat", remote}, 60);
        if (!r.ok() || r.out.empty()) return false;
        write_atomically((dir_ / local).string(), r.out);
        return true;
    }

    const PairSpec& pair_;
    const Inventory& inv_;
    const RunOptions& options_;
    LiveBoard& board_;
    const std::atomic<int>& stop_;
    fs::path dir_;
    std::vector<std::string> live_;
    std::size_t err_seen_ = 0;  // how much of the generator's stderr take_trials() has read
};

std::string rate(double pps, double bps) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%9.3f Mpps %8.3f Gbit/s", pps / 1e6, bps / 1e9);
    return buf;
}

}  // namespace

std::vector<PairOutcome> run_pairs(const Inventory& inv, const RunOptions& options, const std::atomic<int>& stop,
                                   std::ostream& live) {
    LiveBoard board;
    std::vector<PairOutcome> outcomes(inv.pairs.size());
    std::vector<std::thread> threads;
    std::atomic<std::size_t> running{inv.pairs.size()};
    for (std::size_t i = 0; i < inv.pairs.size(); ++i) {
        threads.emplace_back([&, i] {
            outcomes[i] = PairRun(inv.pairs[i], inv, options, board, stop).go();
            running.fetch_sub(1);
        });
    }
    // Live: what all the pairs send and receive, summed, once per stats interval.
    auto next = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.stats_interval_s));
    while (running.load() > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (Clock::now() < next) continue;
        next += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.stats_interval_s));
        std::lock_guard lock(board.mutex);
        if (options.search) {
            // A search's trials come and go: each one's line, not rates summed over pairs.
            for (const auto& l : board.lines) live << l << std::endl;
            board.lines.clear();
            continue;
        }
        if (board.tx.empty() && board.rx.empty()) continue;
        double tx_pps = 0, tx_bps = 0, rx_pps = 0, rx_bps = 0;
        for (const auto& [p, r] : board.tx) {
            tx_pps += r.pps;
            tx_bps += r.bps;
        }
        for (const auto& [p, r] : board.rx) {
            rx_pps += r.pps;
            rx_bps += r.bps;
        }
        char t[32];
        std::snprintf(t, sizeof t, "%7.1fs", board.t);
        live << t << "  tx " << rate(tx_pps, tx_bps) << "  rx " << rate(rx_pps, rx_bps) << "  (" << board.tx.size()
             << " of " << inv.pairs.size() << " pairs sending)" << std::endl;
    }
    for (auto& t : threads) t.join();
    for (const auto& l : board.lines) live << l << std::endl;

    nlohmann::json pairs = nlohmann::json::array();
    for (const auto& o : outcomes) {
        pairs.push_back({{"pair", o.pair},
                         {"exit_code", o.code},
                         {"error", o.error},
                         {"generator_exit", o.generator_exit},
                         {"sink_exit", o.sink_exit},
                         {"generator_report", o.generator_report},
                         {"sink_report", o.sink_report}});
    }
    try {
        fs::create_directories(options.out_dir);
        write_atomically((fs::path(options.out_dir) / "run.json").string(),
                         nlohmann::json{{"schema", "trafficgen.orch.run"}, {"schema_version", 1},
                                        {"kind", options.search ? "search" : "run"}, {"pairs", pairs}}.dump(2) + "\n");
    } catch (const fs::filesystem_error&) {
        throw OrchError(exit_code::output, "cannot make " + options.out_dir + ": give an --out directory that can be written");
    }
    return outcomes;
}

int run_exit_code(const std::vector<PairOutcome>& outcomes) {
    // The most telling failure first: an interruption, then what stopped a run, then a finding.
    int code = 0;
    for (const auto& o : outcomes) {
        if (o.code == exit_code::interrupted) return o.code;
        if (o.code != 0 && (code == 0 || code == exit_code::path_failed)) code = o.code;
    }
    return code;
}

}  // namespace tg::orch
