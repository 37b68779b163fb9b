// trafficgen-orch: drives trafficgen on VM pairs over SSH from the lab host. Each step is
// a subcommand taking --inventory FILE; `all` runs them in sequence and always tears down.
#include <CLI/CLI.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "check.hpp"
#include "host_steps.hpp"
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

void catch_signals() {
    struct sigaction sa{};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

struct Settings {
    std::string inventory;
    std::string drivers_config;
    std::string json_path;
    HostPaths paths;
    RunOptions run;
};

// The NIC profiles, if there are any where they were looked for; a directory given and
// unreadable is bad input.
std::vector<tg::profiles::DriverProfile> profiles_of(const Settings& s) {
    try {
        return tg::profiles::load_profiles(s.drivers_config.empty() ? tg::profiles::default_dir() : s.drivers_config);
    } catch (const tg::profiles::ProfileError& e) {
        if (!s.drivers_config.empty()) throw OrchError(exit_code::bad_input, e.what());
    }
    return {};
}

int check_main(const Inventory& inv, const Settings& s) {
    const auto checks = check_hosts(inv, s.paths.sysfs_root, profiles_of(s));
    std::cout << check_text(checks);
    if (!s.json_path.empty()) write_atomically(s.json_path, check_json(checks).dump(2) + "\n");
    const int code = check_exit_code(checks);
    if (code != exit_code::ok) std::cerr << "trafficgen-orch: check: a host is not ready (see above)\n";
    return code;
}

int run_main(const Inventory& inv, const Settings& s) {
    RunOptions options = s.run;
    options.paths = s.paths;
    const auto outcomes = run_pairs(inv, options, stop_signal, std::cout);
    for (const auto& o : outcomes) {
        std::cout << o.pair << ": " << (o.code == 0 ? "done" : o.error) << "; reports in " << options.out_dir << "/"
                  << o.pair << "/ (" << (options.search ? "search " : "generator ") << (o.generator_report ? "yes" : "no") << ", sink "
                  << (o.sink_report ? "yes" : "no") << ")\n";
        if (o.code != 0) std::cerr << "trafficgen-orch: " << o.error << "\n";
    }
    return run_exit_code(outcomes);
}

int report_main(const std::string& dir) {
    std::cout << write_reports(dir);
    std::cout << "written: " << dir << "/report.txt, report.json, report.html\n";
    return exit_code::ok;
}

// check, provision, bind, run, report; teardown whatever happened, also on a signal.
int all_main(const Inventory& inv, const Settings& s) {
    int code = check_main(inv, s);
    if (code != exit_code::ok) return code;
    try {
        if (stop_signal.load() == 0) provision_hosts(inv, s.paths, std::cout);
        if (stop_signal.load() == 0) bind_nics(inv, s.paths, std::cout, profiles_of(s));
        if (stop_signal.load() == 0) code = run_main(inv, s);
        if (stop_signal.load() != 0) code = exit_code::interrupted;
        // Whatever the run gathered is reported on.
        if (std::ifstream(s.run.out_dir + "/run.json")) report_main(s.run.out_dir);
    } catch (const OrchError& e) {
        std::cerr << "trafficgen-orch: " << e.what() << "\n";
        code = e.code();
    }
    try {
        teardown_hosts(inv, s.paths, std::cout);
    } catch (const OrchError& e) {
        std::cerr << "trafficgen-orch: " << e.what() << "\n";
        if (code == exit_code::ok) code = e.code();
    }
    return code;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"trafficgen-orch: provision, bind, run and report trafficgen on VM pairs over SSH"};
    app.set_version_flag("--version", "trafficgen-orch 0.1.0");
    app.require_subcommand(1);
    Settings s;

    auto with_inventory = [&](CLI::App* c) { c->add_option("--inventory", s.inventory, "The inventory (JSON)")->required(); };
    auto with_paths = [&](CLI::App* c) {
        c->add_option("--drivers-config", s.drivers_config, "Where the NIC profiles are (default: the installed ones)");
        c->add_option("--sysfs-root", s.paths.sysfs_root, "Where sysfs is on the hosts (default /sys)");
        c->add_option("--state-dir", s.paths.state_dir,
                      "Where each host keeps what the steps changed, to put it back (default /run/trafficgen)");
        c->add_option("--etc-dir", s.paths.etc_dir, "Where each host's trafficgen.conf goes (default /etc/trafficgen)");
    };
    auto with_run = [&](CLI::App* c) {
        c->add_option("--out", s.run.out_dir, "Where the reports go, a directory per pair (default trafficgen-results)");
        c->add_option("--stats-interval", s.run.stats_interval_s, "Seconds between live stats (default 1)")
            ->check(CLI::Range(0.1, 60.0));
    };

    CLI::App* check = app.add_subcommand("check", "Preflight: reach each host and report what would make a run's numbers wrong");
    with_inventory(check);
    check->add_option("--json", s.json_path, "Also write the findings as JSON to this file");
    check->add_option("--sysfs-root", s.paths.sysfs_root, "Where sysfs is on the hosts (default /sys)");
    check->add_option("--drivers-config", s.drivers_config, "Where the NIC profiles are (default: the installed ones)");
    CLI::App* provision = app.add_subcommand(
        "provision", "Install trafficgen where missing, reserve hugepages, load vfio-pci and sctp, write trafficgen.conf");
    with_inventory(provision);
    with_paths(provision);
    CLI::App* bind = app.add_subcommand("bind", "Bind each host's NIC to its driver (vfio-pci) through driver_override, "
                                                "remembering the driver it had");
    with_inventory(bind);
    with_paths(bind);
    CLI::App* run = app.add_subcommand("run", "Start the sink, then the generator, on every pair; show live stats; "
                                              "bring both reports back");
    with_inventory(run);
    with_paths(run);
    with_run(run);
    CLI::App* search = app.add_subcommand(
        "search", "Start the sink, then `trafficgen search` (the inventory's \"search\" arguments) on every pair: "
                  "NDR and PDR per frame size, each trial counted by the sink in-band; bring both reports back");
    with_inventory(search);
    with_paths(search);
    with_run(search);
    CLI::App* report = app.add_subcommand("report", "Line up each pair's generator and sink: loss, throughput, jitter "
                                                    "and latency per flow and stream, or a search's NDR and PDR; text, "
                                                    "JSON and HTML");
    report->add_option("--out", s.run.out_dir, "The directory `run` or `search` wrote (default trafficgen-results)");
    CLI::App* unbind = app.add_subcommand("unbind", "Give each host's NIC back to the driver it had before `bind`");
    with_inventory(unbind);
    with_paths(unbind);
    CLI::App* teardown = app.add_subcommand("teardown", "Give the NICs back, free the hugepages, put back trafficgen.conf");
    with_inventory(teardown);
    with_paths(teardown);
    CLI::App* all = app.add_subcommand("all", "check, provision, bind, run, report, then teardown, also after a failure "
                                              "or Ctrl-C");
    with_inventory(all);
    with_paths(all);
    with_run(all);

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
        if (report->parsed()) return report_main(s.run.out_dir);
        const Inventory inv = load_inventory(s.inventory);
        if (check->parsed()) return check_main(inv, s);
        if (provision->parsed()) provision_hosts(inv, s.paths, std::cout);
        if (bind->parsed()) bind_nics(inv, s.paths, std::cout, profiles_of(s));
        if (unbind->parsed()) unbind_nics(inv, s.paths, std::cout);
        if (teardown->parsed()) teardown_hosts(inv, s.paths, std::cout);
        if (run->parsed()) {
            catch_signals();
            return run_main(inv, s);
        }
        if (search->parsed()) {
            catch_signals();
            s.run.search = true;
            const int code = run_main(inv, s);
            // The search's results with the sink's, in report.txt, report.json and report.html.
            if (std::ifstream(s.run.out_dir + "/run.json")) report_main(s.run.out_dir);
            return code;
        }
        if (all->parsed()) {
            catch_signals();
            return all_main(inv, s);
        }
        return exit_code::ok;
    } catch (const OrchError& e) {
        std::fprintf(stderr, "trafficgen-orch: %s\n", e.what());
        return e.code();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "trafficgen-orch: %s\n", e.what());
        return exit_code::step_failed;
    }
}
