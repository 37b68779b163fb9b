// trafficgen: the DPDK generator (default) and sink (`trafficgen sink`), `trafficgen
// search` (the throughput search, RFC 2544 NDR/PDR), and `trafficgen report`, which joins
// a generator's and a sink's reports.
//
// Exit codes: 0 done (also when stopped by SIGINT/SIGTERM: the report is written);
// 2 a flag, config value or setting cannot be used; 3 DPDK or the port failed to start;
// 4 the report could not be written.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <string_view>
#include <utility>

#include "dataplane/dataplane_error.hpp"
#include "options.hpp"
#include "outputs.hpp"
#include "live_stats.hpp"
#include "repeat_run.hpp"
#include "report.hpp"
#include "pair_report.hpp"
#include "run.hpp"
#include "search_run.hpp"
#include "summary.hpp"
#include "traffic/config_error.hpp"

namespace {

void on_signal(int sig) {
    tg::app::stop_signal.store(sig);
    tg::app::signals_received.fetch_add(1);
}

}  // namespace

int main(int argc, char** argv) {
    auto logger = spdlog::stderr_color_mt("trafficgen");
    logger->set_pattern("trafficgen: %^%l%$: %v");
    spdlog::set_default_logger(logger);

    if (argc > 1 && std::string_view(argv[1]) == "report") return tg::app::pair_report_main(argc - 1, argv + 1);

    std::optional<tg::app::Options> options;
    try {
        options = tg::app::parse_options(argc, argv);
    } catch (const tg::traffic::ConfigError& e) {
        std::fprintf(stderr, "trafficgen: %s\n", e.what());
        return tg::app::exit_bad_input;
    }
    if (!options) return 0;

    // Outputs that cannot be written are refused before any traffic.
    for (const auto& [path, what] : {std::pair{options->json_path, "report"}, std::pair{options->timeline_path, "timeline"}}) {
        if (path.empty()) continue;
        if (const std::string why = tg::app::why_not_writable(path); !why.empty()) {
            std::fprintf(stderr, "trafficgen: cannot write the %s to %s: %s\n", what, path.c_str(), why.c_str());
            return tg::app::exit_output;
        }
    }

    struct sigaction sa{};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);

    // Repeated runs: each a run of this program of its own, then one report of them all.
    if (options->repeat > 1 && !options->search.requested) return tg::app::repeat_runs(*options, argc, argv);

    // A run that stops before its traffic still leaves a report saying why.
    // --json-lines ends with the exit code and the report, as the file has it.
    const auto ended = [&](int code, const nlohmann::json& report) {
        if (options->json_lines) tg::app::print_json_line("end", {{"exit_code", code}, {"report", report}});
        return code;
    };
    const auto failed = [&](int code, const char* message) {
        std::fprintf(stderr, "trafficgen: %s\n", message);
        const nlohmann::json report = tg::app::error_report(*options, code, message);
        if (!options->json_path.empty()) {
            try {
                tg::app::write_report_atomically(report, options->json_path);
            } catch (const std::exception& e) {
                std::fprintf(stderr, "trafficgen: %s\n", e.what());
            }
        }
        return ended(code, report);
    };
    nlohmann::json report;
    try {
        report = options->search.requested ? tg::app::run_search(*options) : tg::app::run(*options);
    } catch (const tg::traffic::ConfigError& e) {
        return failed(tg::app::exit_bad_input, e.what());
    } catch (const tg::dataplane::DataplaneError& e) {
        return failed(tg::app::exit_dataplane, e.what());
    } catch (const std::exception& e) {
        return failed(tg::app::exit_output, e.what());
    }
    if (!options->quiet && !options->json_lines) {
        if (options->search.requested) tg::app::print_search_summary(report);
        else tg::app::print_summary(report);
    }
    bool output_failed = report.contains("output_errors");
    if (!options->json_path.empty()) {
        try {
            tg::app::write_report_atomically(report, options->json_path);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "trafficgen: %s\n", e.what());
            output_failed = true;
        }
    }
    if (output_failed) return ended(tg::app::exit_output, report);
    // The path under test did not carry what was asked of it: a finding, in one sentence.
    if (report.contains("generator")) {
        const auto& g = report["generator"];
        for (const auto& [block, what] : {std::pair{"sctp_associations", "SCTP"}, std::pair{"tcp_connections", "TCP"},
                                          std::pair{"request_response", "request/response"}}) {
            if (!g.contains(block)) continue;
            const std::string verdict = g[block].value("verdict", "");
            if (verdict.empty()) continue;
            std::fprintf(stderr, "trafficgen: %s: %s\n", what, verdict.c_str());
            return ended(tg::app::exit_path_failed, report);
        }
    }
    return ended(0, report);
}
