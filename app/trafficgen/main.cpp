// trafficgen: the DPDK generator (default) and sink (`trafficgen sink`).
//
// Exit codes: 0 done (also when stopped by SIGINT/SIGTERM: the report is written);
// 2 a flag, config value or setting cannot be used; 3 DPDK or the port failed to start;
// 4 the report could not be written.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>

#include "dataplane/dataplane_error.hpp"
#include "options.hpp"
#include "report.hpp"
#include "run.hpp"
#include "traffic/config_error.hpp"

namespace {

void on_signal(int sig) { tg::app::stop_signal.store(sig); }

void print_summary(const nlohmann::json& r) {
    std::printf("\n%-6s %12s %12s %8s %12s %12s %10s %9s\n", "proto", "sent", "received", "loss %", "rx pps",
                "rx bit/s", "jitter us", "csum err");
    const auto& gen = r.contains("generator") ? r["generator"]["protocols"] : nlohmann::json::object();
    const auto& sink = r.contains("sink") ? r["sink"]["protocols"] : nlohmann::json::object();
    for (const char* p : {"tcp", "udp", "sctp"}) {
        if (!gen.contains(p) && !sink.contains(p)) continue;
        const auto sent = gen.contains(p) ? gen[p]["packets"].get<std::uint64_t>() : 0;
        if (!sink.contains(p)) {
            std::printf("%-6s %12llu %12s\n", p, static_cast<unsigned long long>(sent), "-");
            continue;
        }
        const auto& s = sink[p];
        std::printf("%-6s %12llu %12llu %8.3f %12.0f %12.3g %10.2f %9llu\n", p, static_cast<unsigned long long>(sent),
                    static_cast<unsigned long long>(s["packets"].get<std::uint64_t>()), s["loss_percent"].get<double>(),
                    s["pps"].get<double>(), s["l2_bps"].get<double>(), double(s["jitter_ns_max"].get<std::uint64_t>()) / 1000,
                    static_cast<unsigned long long>(s["bad_ip_checksum"].get<std::uint64_t>() +
                                                    s["bad_l4_checksum"].get<std::uint64_t>()));
    }
    if (r.contains("sink")) {
        for (const auto& st : r["sink"]["streams"]) {
            if (st["protocol"] != "sctp") continue;
            std::printf("  sctp flow %-6u stream %-5u %12llu received, %llu lost\n", st["flow"].get<unsigned>(),
                        st["stream"].get<unsigned>(), static_cast<unsigned long long>(st["packets"].get<std::uint64_t>()),
                        static_cast<unsigned long long>(st["lost"].get<std::uint64_t>()));
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    auto logger = spdlog::stderr_color_mt("trafficgen");
    logger->set_pattern("trafficgen: %^%l%$: %v");
    spdlog::set_default_logger(logger);

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
    if (!options->quiet && !options->json_lines) print_summary(report);
    if (!options->json_path.empty()) {
        try {
            tg::app::write_report_atomically(report, options->json_path);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "trafficgen: %s\n", e.what());
            return tg::app::exit_output;
        }
    }
    return 0;
}
