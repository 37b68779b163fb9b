// trafficgen-orch: drives trafficgen on VM pairs over SSH from the lab host. Each step is
// a subcommand taking --inventory FILE.
#include <CLI/CLI.hpp>

#include <csignal>
#include <atomic>
#include <cstdio>
#include <iostream>

#include "check.hpp"
#include "inventory.hpp"
#include "nic_steps.hpp"
#include "orch_error.hpp"
#include "output.hpp"
#include "report_step.hpp"
#include "run_step.hpp"

namespace {

using namespace tg::orch;

std::atomic<int> stop_signal{0};

void on_signal(int sig) { stop_signal.store(sig); }

int run_main(const std::string& inventory_path, const RunOptions& options) {
    const Inventory inv = load_inventory(inventory_path);
    const auto outcomes = run_pairs(inv, options, stop_signal, std::cout);
    for (const auto& o : outcomes) {
        std::cout << o.pair << ": " << (o.code == 0 ? "done" : o.error) << "; reports in "
                  << options.out_dir << "/" << o.pair << "/ (generator " << (o.generator_report ? "yes" : "no")
                  << ", sink " << (o.sink_report ? "yes" : "no") << ")\n";
        if (o.code != 0) std::cerr << "trafficgen-orch: " << o.error << "\n";
    }
    return run_exit_code(outcomes);
}

int check_main(const std::string& inventory_path, const std::string& json_path, const std::string& sysfs_root) {
    const Inventory inv = load_inventory(inventory_path);
    const auto checks = check_hosts(inv, sysfs_root);
    std::cout << check_text(checks);
    if (!json_path.empty()) write_atomically(json_path, check_json(checks).dump(2) + "\n");
    const int code = check_exit_code(checks);
    if (code != exit_code::ok) std::cerr << "trafficgen-orch: check: a host is not ready (see above)\n";
    return code;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"trafficgen-orch: provision, bind, run and report trafficgen on VM pairs over SSH"};
    app.set_version_flag("--version", "trafficgen-orch 0.1.0");
    app.require_subcommand(1);
    std::string inventory, json_path;
    NicPaths paths;

    CLI::App* check = app.add_subcommand("check", "Preflight: reach each host and report what would make a run's numbers wrong");
    check->add_option("--inventory", inventory, "The inventory (JSON)")->required();
    check->add_option("--json", json_path, "Also write the findings as JSON to this file");
    check->add_option("--sysfs-root", paths.sysfs_root, "Where sysfs is on the hosts (default /sys)");

    CLI::App* bind = app.add_subcommand("bind", "Bind each host's NIC to its driver (vfio-pci) through driver_override, "
                                                "remembering the driver it had");
    CLI::App* unbind = app.add_subcommand("unbind", "Give each host's NIC back to the driver it had before `bind`");
    for (CLI::App* c : {bind, unbind}) {
        c->add_option("--inventory", inventory, "The inventory (JSON)")->required();
        c->add_option("--sysfs-root", paths.sysfs_root, "Where sysfs is on the hosts (default /sys)");
        c->add_option("--state-dir", paths.state_dir,
                      "Where each host keeps the driver its NIC had (default /run/trafficgen)");
    }

    RunOptions run_options;
    CLI::App* run = app.add_subcommand("run", "Start the sink, then the generator, on every pair; show live stats; "
                                              "bring both reports back");
    run->add_option("--inventory", inventory, "The inventory (JSON)")->required();
    run->add_option("--out", run_options.out_dir, "Where the reports go, a directory per pair (default trafficgen-results)");
    run->add_option("--stats-interval", run_options.stats_interval_s, "Seconds between live stats (default 1)")
        ->check(CLI::Range(0.1, 60.0));
    run->add_option("--sysfs-root", run_options.paths.sysfs_root, "Where sysfs is on the hosts (default /sys)");
    run->add_option("--state-dir", run_options.paths.state_dir, "Where `bind` left each NIC's record (default /run/trafficgen)");

    std::string report_dir = "trafficgen-results";
    CLI::App* report = app.add_subcommand("report", "Line up each pair's generator and sink: loss, throughput, jitter "
                                                    "and latency per flow and stream; text, JSON and HTML");
    report->add_option("--out", report_dir, "The directory `run` wrote (default trafficgen-results)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "trafficgen-orch: %s\n", e.what());
        return exit_code::bad_input;
    }
    try {
        if (check->parsed()) return check_main(inventory, json_path, paths.sysfs_root);
        if (run->parsed()) {
            struct sigaction sa{};
            sa.sa_handler = on_signal;
            sigemptyset(&sa.sa_mask);
            sigaction(SIGINT, &sa, nullptr);
            sigaction(SIGTERM, &sa, nullptr);
            return run_main(inventory, run_options);
        }
        if (report->parsed()) {
            std::cout << write_reports(report_dir);
            std::cout << "written: " << report_dir << "/report.txt, report.json, report.html\n";
            return exit_code::ok;
        }
        if (bind->parsed()) {
            bind_nics(load_inventory(inventory), paths, std::cout);
            return exit_code::ok;
        }
        if (unbind->parsed()) {
            unbind_nics(load_inventory(inventory), paths, std::cout);
            return exit_code::ok;
        }
    } catch (const OrchError& e) {
        std::fprintf(stderr, "trafficgen-orch: %s\n", e.what());
        return e.code();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "trafficgen-orch: %s\n", e.what());
        return exit_code::step_failed;
    }
    return exit_code::bad_input;
}
