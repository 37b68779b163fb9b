#include "trafficgen_runs.hpp"

#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace tg::e2e {

namespace {

std::atomic<int> next_run{0};

}  // namespace

nlohmann::json load_report(const std::string& path) {
    std::ifstream in(path);
    if (!in) return nullptr;
    nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    // Every report the suite reads is held against its published JSON Schema.
    const std::string schema = j.is_object() ? j.value("schema", "") : "";
    if (schema == "trafficgen.report" || schema == "trafficgen.orch.report" || schema == "trafficgen.search" ||
        schema == "trafficgen.repeat") {
        const CommandResult c = run({"python3", TG_REPORT_CHECKER, path}, 60);
        if (!c.exit.ok()) ADD_FAILURE() << "the report does not match docs/schema: " << c.out << c.err;
    }
    return j;
}

SinkRun::SinkRun(const Lab& lab, const TempDir& dir, const std::vector<std::string>& extra) {
    const std::string stem = dir / ("sink" + std::to_string(next_run++));
    json_path_ = stem + ".json";
    std::vector<std::string> argv = in_ns(lab["TG_SINK_NS"], {tool_path("TRAFFICGEN"), "sink", "--iface",
                                                              lab["TG_SINK_IF"], "--lcores", "0@1,1@1", "--duration",
                                                              "0", "--quiet", "--json", json_path_});
    // The sink owns the lab's sink addresses (ARP, neighbour discovery, ping) unless told otherwise.
    if (std::find(extra.begin(), extra.end(), "--ip") == extra.end()) {
        argv.insert(argv.end(), {"--ip", lab["TG_SINK_IP4"] + "," + lab["TG_SINK_IP6"]});
    }
    argv.insert(argv.end(), extra.begin(), extra.end());
    child_ = std::make_unique<Child>(argv, stem);
    if (!child_->wait_for_output("sink on", 30)) {
        const std::string log = child_->err();
        child_->stop(SIGTERM, 10);
        throw std::runtime_error("the sink did not start: " + log);
    }
}

nlohmann::json SinkRun::stop() {
    const Exit e = child_->stop(SIGINT, 30);
    if (!e.ok()) throw std::runtime_error("the sink " + e.describe() + ": " + child_->err());
    nlohmann::json r = load_report(json_path_);
    if (!r.is_object()) throw std::runtime_error("the sink wrote no report: " + child_->err());
    return r;
}

GeneratorRun run_generator(const Lab& lab, const TempDir& dir, const std::vector<std::string>& args, Family family,
                           const std::function<void(Child&)>& meanwhile) {
    const bool v6 = family == Family::ipv6;
    const std::string stem = dir / ("gen" + std::to_string(next_run++));
    std::vector<std::string> argv =
        in_ns(lab["TG_GEN_NS"], {tool_path("TRAFFICGEN"), "--iface", lab["TG_GEN_IF"], "--lcores", "0@0,1@0",
                                 "--quiet", "--json", stem + ".json"});
    // The lab's generator address unless the test sends from a range of its own.
    if (std::find(args.begin(), args.end(), "--src-ip") == args.end()) {
        argv.insert(argv.end(), {"--src-ip", lab[v6 ? "TG_GEN_IP6" : "TG_GEN_IP4"]});
    }
    // No --dst-mac: the generator resolves its next hop, the router (--gateway) where
    // there is one, else the destination on the link.
    const std::string& gateway = lab[v6 ? "TG_GATEWAY_IP6" : "TG_GATEWAY_IP4"];
    if (!gateway.empty() && std::find(args.begin(), args.end(), "--dst-mac") == args.end() &&
        std::find(args.begin(), args.end(), "--gateway") == args.end()) {
        argv.insert(argv.end(), {"--gateway", gateway});
    }
    // The sink's address unless the test sends elsewhere (a Service address the path translates).
    if (std::find(args.begin(), args.end(), "--dst-ip") == args.end()) {
        argv.insert(argv.end(), {"--dst-ip", lab[v6 ? "TG_SINK_IP6" : "TG_SINK_IP4"]});
    }
    argv.insert(argv.end(), args.begin(), args.end());
    GeneratorRun g;
    {
        Child c(argv, stem);
        if (meanwhile) meanwhile(c);
        g.exit = c.wait(60);
        g.err = c.err();
    }
    g.report = load_report(stem + ".json");
    return g;
}

void one_tester_two_ports(const Lab& lab) {
    for (const std::vector<std::string>& argv :
         {std::vector<std::string>{"ip", "-n", lab["TG_SINK_NS"], "link", "set", lab["TG_SINK_IF"], "netns", lab["TG_GEN_NS"]},
          std::vector<std::string>{"ip", "-n", lab["TG_GEN_NS"], "link", "set", lab["TG_SINK_IF"], "up"}}) {
        const CommandResult r = run(argv);
        if (!r.exit.ok()) throw std::runtime_error(argv[3] + " " + argv[4] + " failed: " + r.err);
    }
}

std::function<void(Child&)> interrupt_after(double seconds) {
    return [seconds](Child& c) {
        std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
        ::kill(c.pid(), SIGINT);
    };
}

std::uint64_t field_of(const nlohmann::json& report, const char* section, const std::string& protocol,
                       const char* field) {
    if (!report.is_object() || !report.contains(section)) return 0;
    const auto& p = report[section]["protocols"];
    if (!p.contains(protocol)) return 0;
    return p[protocol].value(field, std::uint64_t{0});
}

nlohmann::json json_of(const std::string& out) {
    const auto j = nlohmann::json::parse(out, nullptr, false);
    return j.is_discarded() ? nlohmann::json::object() : j;
}

const nlohmann::json& associations_of(const nlohmann::json& report, const char* side) {
    static const nlohmann::json none = nlohmann::json::object();
    if (!report.is_object() || !report.contains(side) || !report[side].contains("sctp_associations")) return none;
    return report[side]["sctp_associations"];
}

std::uint64_t packets_of(const nlohmann::json& report, const char* section, const std::string& protocol) {
    return field_of(report, section, protocol, "packets");
}

}  // namespace tg::e2e
