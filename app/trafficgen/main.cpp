// trafficgen: the DPDK generator (default) and sink (`trafficgen sink`), and
// `trafficgen report`, which joins a generator's and a sink's reports.
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
#include "report.hpp"
#include "pair_report.hpp"
#include "run.hpp"
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

    struct sigaction sa{};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);

    nlohmann::json report;
    try {
        report = tg::app::run(*options);
    } catch (const tg::traffic::ConfigError& e) {
        std::fprintf(stderr, "trafficgen: %s\n", e.what());
        return tg::app::exit_bad_input;
    } catch (const tg::dataplane::DataplaneError& e) {
        std::fprintf(stderr, "trafficgen: %s\n", e.what());
        return tg::app::exit_dataplane;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "trafficgen: %s\n", e.what());
        return tg::app::exit_output;
    }
    if (!options->quiet && !options->json_lines) tg::app::print_summary(report);
    if (!options->json_path.empty()) {
        try {
            tg::app::write_report_atomically(report, options->json_path);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "trafficgen: %s\n", e.what());
            return tg::app::exit_output;
        }
    }
    // The path under test did not carry what was asked of it: a finding, in one sentence.
    if (report.contains("generator")) {
        const auto& g = report["generator"];
        for (const auto& [block, what] : {std::pair{"sctp_associations", "SCTP"}, std::pair{"tcp_connections", "TCP"},
                                          std::pair{"request_response", "request/response"}}) {
            if (!g.contains(block)) continue;
            const std::string verdict = g[block].value("verdict", "");
            if (verdict.empty()) continue;
            std::fprintf(stderr, "trafficgen: %s: %s\n", what, verdict.c_str());
            return tg::app::exit_path_failed;
        }
    }
    return 0;
}
