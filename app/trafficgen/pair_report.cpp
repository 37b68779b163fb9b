#include "pair_report.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <string>

#include "options.hpp"
#include "path_verdict.hpp"
#include "report/delivery.hpp"
#include "report.hpp"
#include "summary.hpp"

namespace tg::app {

namespace {

using json = nlohmann::json;

struct BadReport {
    std::string message;
};

json load(const std::string& path, const char* role) {
    std::ifstream in(path);
    if (!in) throw BadReport{"cannot read '" + path + "': give the --json file of a " + std::string(role) + " run"};
    json j = json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        throw BadReport{"'" + path + "' is not JSON: give the --json file of a " + std::string(role) + " run"};
    }
    if (j.value("schema", "") != "trafficgen.report") {
        throw BadReport{"'" + path + "' is not a trafficgen report (its \"schema\" is not \"trafficgen.report\")"};
    }
    if (!j.contains("schema_version") || j["schema_version"] != report_schema_version) {
        throw BadReport{"'" + path + "' has report schema version " +
                        (j.contains("schema_version") ? j["schema_version"].dump() : std::string("none")) +
                        "; this trafficgen reads version " + std::to_string(report_schema_version)};
    }
    if (!j.contains(role)) {
        throw BadReport{"'" + path + "' is the report of a " + j.value("role", std::string("unknown")) + " run; --" +
                        role + " wants the report of a " + role + " run"};
    }
    return j;
}

}  // namespace

int pair_report_main(int argc, char** argv) {
    CLI::App app{"Join a generator's and a sink's reports, print the results table, write the joined report"};
    app.name("trafficgen report");
    std::string gen_path, sink_path, out_path;
    bool quiet = false;
    app.add_option("--generator", gen_path, "The generator's --json report")->required();
    app.add_option("--sink", sink_path, "The sink's --json report")->required();
    app.add_option("--json", out_path, "Write the joined report here (atomically)");
    app.add_flag("--quiet", quiet, "No table");
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "trafficgen: report: %s\n", e.what());
        return exit_bad_input;
    }

    json joined;
    try {
        const json gen = load(gen_path, "generator");
        const json sink = load(sink_path, "sink");
        joined = {{"schema", "trafficgen.report"},
                  {"schema_version", report_schema_version},
                  {"role", "pair"},
                  {"generator", gen["generator"]},
                  {"sink", sink["sink"]},
                  {"runs", {{"generator", gen}, {"sink", sink}}}};
        joined["delivery"] = report::delivery_json(gen["generator"], sink["sink"]);
        const json path = path_verdicts(gen["generator"], sink["sink"]);
        if (!path.empty()) joined["path"] = path;
    } catch (const BadReport& e) {
        std::fprintf(stderr, "trafficgen: report: %s\n", e.message.c_str());
        return exit_bad_input;
    }
    if (!quiet) print_summary(joined);
    if (!out_path.empty()) {
        try {
            write_report_atomically(joined, out_path);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "trafficgen: report: %s\n", e.what());
            return exit_output;
        }
    }
    return 0;
}

}  // namespace tg::app
