#include "repeat_run.hpp"

#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "live_stats.hpp"
#include "outputs.hpp"
#include "report.hpp"
#include "run.hpp"
#include "stats/spread.hpp"

namespace tg::app {

namespace {

using nlohmann::json;

inline constexpr int repeat_schema_version = 1;

json spread_node(const std::vector<const json*>& values) {
    const json& first = *values.front();
    if (first.is_number()) {
        std::vector<double> v;
        for (const json* x : values) {
            if (!x->is_number()) return nullptr;
            v.push_back(x->get<double>());
        }
        const stats::Spread s = stats::spread(v);
        return {{"min", s.min}, {"median", s.median}, {"max", s.max}};
    }
    if (!first.is_object()) return nullptr;
    json out = json::object();
    for (const auto& [key, _] : first.items()) {
        std::vector<const json*> at;
        for (const json* x : values) {
            if (!x->is_object() || !x->contains(key)) break;
            at.push_back(&(*x)[key]);
        }
        if (at.size() != values.size()) continue;
        json node = spread_node(at);
        if (!node.is_null() && !(node.is_object() && node.empty())) out[key] = std::move(node);
    }
    return out;
}

// This program's argument list for one repetition: the same settings, one run, its report
// into `json_path`. Flags override a settings file, so a `repeat` there does not recurse.
std::vector<std::string> child_args(int argc, char** argv, const std::string& json_path) {
    std::vector<std::string> out;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--repeat" || a == "--json") {
            ++i;
            continue;
        }
        if (a.rfind("--repeat=", 0) == 0 || a.rfind("--json=", 0) == 0) continue;
        out.push_back(a);
    }
    out.insert(out.end(), {"--repeat", "1", "--json", json_path});
    return out;
}

struct Child {
    int exit_code = -1;  // -1: ended by a signal, or never started
    int signal = 0;
};

// One repetition: its stdout passed through (--json-lines records tagged with the
// repetition), SIGINT/SIGTERM passed on to it.
Child run_child(const std::string& exe, const std::vector<std::string>& args, bool json_lines, unsigned repetition) {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error(std::string("cannot make a pipe: ") + std::strerror(errno));
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(out[0]);
        ::close(out[1]);
        throw std::runtime_error(std::string("cannot start a repetition: ") + std::strerror(errno));
    }
    if (pid == 0) {
        // A group of its own: a Ctrl-C reaches this program alone, which passes it on once.
        ::setpgid(0, 0);
        ::dup2(out[1], 1);
        ::close(out[0]);
        ::close(out[1]);
        std::vector<char*> argv;
        argv.push_back(const_cast<char*>(exe.c_str()));
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(exe.c_str(), argv.data());
        std::fprintf(stderr, "trafficgen: cannot run %s: %s\n", exe.c_str(), std::strerror(errno));
        ::_exit(127);
    }
    ::close(out[1]);
    bool passed_on = false;
    std::string pending;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(out[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            // A signal for this program: the repetition running stops too, and writes its report.
            if (stop_signal.load() != 0 && !passed_on) {
                ::kill(pid, stop_signal.load());
                passed_on = true;
            }
            continue;
        }
        if (n <= 0) break;
        pending.append(buf, static_cast<std::size_t>(n));
        for (std::size_t nl; (nl = pending.find('\n')) != std::string::npos;) {
            const std::string line = pending.substr(0, nl);
            pending.erase(0, nl + 1);
            json j = json_lines ? json::parse(line, nullptr, false) : json();
            if (j.is_object()) {
                j["repetition"] = repetition;
                std::printf("%s\n", j.dump().c_str());
            } else {
                std::printf("%s\n", line.c_str());
            }
        }
        std::fflush(stdout);
    }
    if (!pending.empty()) std::printf("%s", pending.c_str());
    ::close(out[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        if (stop_signal.load() != 0 && !passed_on) {
            ::kill(pid, stop_signal.load());
            passed_on = true;
        }
    }
    Child c;
    if (WIFEXITED(status)) c.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) c.signal = WTERMSIG(status);
    return c;
}

void print_repeat_summary(const json& report) {
    const json& f = report["figures"];
    std::printf("\n%d of %d runs; min / median / max over them\n", report["done"].get<int>(), report["repeat"].get<int>());
    const auto row = [](const char* what, const json& n, double scale, const char* unit) {
        if (!n.is_object() || !n.contains("median")) return;
        std::printf("  %-22s %12.6g %12.6g %12.6g %s\n", what, n["min"].get<double>() / scale,
                    n["median"].get<double>() / scale, n["max"].get<double>() / scale, unit);
    };
    for (const char* side : {"sink", "generator"}) {
        if (!f.contains(side) || !f[side].contains("protocols")) continue;
        for (const auto& [proto, p] : f[side]["protocols"].items()) {
            std::printf("%s %s\n", side, proto.c_str());
            row("packets", p.value("packets", json()), 1, "");
            row("loss %", p.value("loss_percent", json()), 1, "");
            row("pps", p.value("pps", json()), 1e3, "k");
            row("L2 bit/s", p.value("l2_bps", json()), 1e6, "M");
            row("jitter max us", p.value("jitter_ns_max", json()), 1e3, "");
        }
    }
}

}  // namespace

json spread_of(const std::vector<json>& reports) {
    json out = json::object();
    if (reports.empty()) return out;
    for (const char* block : {"generator", "sink", "delivery"}) {
        std::vector<const json*> at;
        for (const auto& r : reports) {
            if (r.contains(block)) at.push_back(&r[block]);
        }
        if (at.size() != reports.size()) continue;
        json node = spread_node(at);
        if (node.is_object() && !node.empty()) out[block] = std::move(node);
    }
    return out;
}

int repeat_runs(const Options& o, int argc, char** argv) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const std::string exe = fs::read_symlink("/proc/self/exe", ec).string();
    if (ec) {
        std::fprintf(stderr, "trafficgen: cannot find this program to repeat it: %s\n", ec.message().c_str());
        return exit_output;
    }
    std::string dir_template = (fs::temp_directory_path(ec) / "tg-repeat.XXXXXX").string();
    if (::mkdtemp(dir_template.data()) == nullptr) {
        std::fprintf(stderr, "trafficgen: cannot make a directory for the repetitions' reports: %s\n", std::strerror(errno));
        return exit_output;
    }
    const fs::path dir = dir_template;
    if (o.role == Role::generator && !o.round_trip) {
        spdlog::warn("each run's sequence numbers start again at 0: a sink that runs through all {} counts the later "
                     "ones as duplicates; start it afresh for each run (trafficgen-orch does), or use --round-trip",
                     o.repeat);
    }
    std::vector<json> runs;
    json exits = json::array();
    int code = 0;
    std::string stopped_by = "count";
    for (unsigned i = 1; i <= o.repeat; ++i) {
        if (stop_signal.load() != 0) {
            stopped_by = "signal";
            break;
        }
        if (!o.json_lines) spdlog::info("run {} of {}", i, o.repeat);
        const std::string path = (dir / ("run-" + std::to_string(i) + ".json")).string();
        Child c;
        try {
            c = run_child(exe, child_args(argc, argv, path), o.json_lines, i);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "trafficgen: %s\n", e.what());
            code = exit_output;
            stopped_by = "failed";
            break;
        }
        std::ifstream in(path);
        const json report = json::parse(in, nullptr, false);
        const bool has_report = report.is_object() && !report.contains("error");
        if (has_report) runs.push_back(report);
        exits.push_back(c.signal != 0 ? json{{"signal", c.signal}} : json(c.exit_code));
        if (c.exit_code == exit_path_failed) code = exit_path_failed;  // the path failed it: the others still run
        if ((c.exit_code != 0 && c.exit_code != exit_path_failed) || !has_report) {
            code = c.exit_code > 0 ? c.exit_code : exit_dataplane;
            stopped_by = stop_signal.load() != 0 ? "signal" : "failed";
            if (stop_signal.load() != 0 && c.exit_code == 0) code = 0;
            break;
        }
        if (stop_signal.load() != 0) {
            stopped_by = "signal";
            break;
        }
    }
    fs::remove_all(dir, ec);

    json report = {{"schema", "trafficgen.repeat"},
                   {"schema_version", repeat_schema_version},
                   {"role", to_string(o.role)},
                   {"repeat", o.repeat},
                   {"done", runs.size()},
                   {"stopped_by", stopped_by},
                   {"exit_codes", exits}};
    if (!runs.empty()) {
        report["settings"] = runs.front().value("settings", json::object());
        report["test_bed"] = runs.front().value("test_bed", json::object());
    }
    report["figures"] = spread_of(runs);
    report["runs"] = runs;
    if (!o.quiet && !o.json_lines && !runs.empty()) print_repeat_summary(report);
    if (!o.json_path.empty()) {
        try {
            write_report_atomically(report, o.json_path);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "trafficgen: %s\n", e.what());
            if (code == 0) code = exit_output;
        }
    }
    if (o.json_lines) print_json_line("end", {{"exit_code", code}, {"report", report}});
    return code;
}

}  // namespace tg::app
