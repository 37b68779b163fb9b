// trafficgen on a lab, as a user runs it: the sink in the sink namespace polling CPU 1,
// the generator in the generator namespace polling CPU 0 (af_xdp and af_packet over the
// veth), neither told the other's MAC: each learns it by ARP or neighbour discovery.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lab.hpp"
#include "process.hpp"

namespace tg::e2e {

class SinkRun {
public:
    // Starts the sink and waits until it is ready (30 s at most; throws otherwise).
    SinkRun(const Lab& lab, const TempDir& dir, const std::vector<std::string>& extra = {});
    // Stops it with SIGINT and returns its report; throws with its log if it failed.
    nlohmann::json stop();
    [[nodiscard]] Child& process() { return *child_; }

private:
    std::string json_path_;
    std::unique_ptr<Child> child_;
};

struct GeneratorRun {
    Exit exit;
    std::string err;
    nlohmann::json report;
};

enum class Family { ipv4, ipv6 };

// Runs the generator to its end (bounded: 60 s). `args` come after the lab's defaults
// (interface, lcores, --gateway where the lab has a router, the lab's addresses of `family`), which they must
// not repeat; a --dst-ip or --src-ip among them replaces the lab's address. `meanwhile`, if given,
// runs once the generator has started.
GeneratorRun run_generator(const Lab& lab, const TempDir& dir, const std::vector<std::string>& args,
                           Family family = Family::ipv4, const std::function<void(Child&)>& meanwhile = {});
// A tester with two ports, as a lab rig has it: the sink's interface joins the generator's
// in the generator namespace (the router, where there is one, between them).
void one_tester_two_ports(const Lab& lab);

// A `meanwhile` that sends the generator SIGINT after `seconds`, as a user's Ctrl-C.
std::function<void(Child&)> interrupt_after(double seconds);

// The packets of one protocol in a report section ("generator" or "sink"), 0 if absent.
// The report's "sctp_associations" block of a side ("generator" or "sink"); {} when none.
// A JSON file (a report); null when it cannot be read.
nlohmann::json load_report(const std::string& path);
// A peer program's one JSON line; an empty object when it printed none.
nlohmann::json json_of(const std::string& out);
const nlohmann::json& associations_of(const nlohmann::json& report, const char* side);
std::uint64_t packets_of(const nlohmann::json& report, const char* section, const std::string& protocol);
std::uint64_t field_of(const nlohmann::json& report, const char* section, const std::string& protocol,
                       const char* field);

}  // namespace tg::e2e
