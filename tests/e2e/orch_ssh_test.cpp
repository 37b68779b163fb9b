// trafficgen-orch over real SSH: each lab host runs its own sshd (its own host key,
// key-only login), and the orchestrator on this host reaches them as it would two VMs.
// `check` reports what the hosts are (judged against the kernel's own answers), and each
// way of failing to reach a host gives its own sentence and exit code: a port nobody
// listens on, a key the host refuses, a host key that does not match, a host not in
// known_hosts under strict checking, and trafficgen missing. Inventory values with
// quotes, spaces, $() and ; reach the host as data.
#include <gtest/gtest.h>

#include <pwd.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "judges.hpp"
#include "lab.hpp"
#include "process.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

struct Host {
    std::string address;
    std::string key;
    std::string known_hosts;
    std::string trafficgen;
    std::string extra;  // more JSON members
    std::uint16_t port = 22;
};

std::string host_json(const Host& h, const std::string& nic) {
    nlohmann::json j = {{"address", h.address}, {"port", h.port},       {"user", "root"},
                        {"key", h.key},         {"known_hosts", h.known_hosts}, {"trafficgen", h.trafficgen},
                        {"connect_timeout", 5}, {"nic", {{"iface", nic}, {"driver", "kernel"}}}};
    if (!h.extra.empty()) j.update(nlohmann::json::parse(h.extra));
    return j.dump();
}

std::string inventory(const TempDir& dir, const Host& gen, const Host& sink) {
    const std::string path = dir / "inventory.json";
    std::ofstream(path) << R"({"pairs": [{"name": "lab", "generator": )" << host_json(gen, "tg-gen")
                        << R"(, "sink": )" << host_json(sink, "tg-sink") << "}]}";
    return path;
}

Host gen_of(const Lab& lab) {
    return {lab["TG_GEN_SSH_HOST"], lab["TG_SSH_KEY"], lab["TG_SSH_KNOWN_HOSTS"], tool_path("TRAFFICGEN"), ""};
}
Host sink_of(const Lab& lab) {
    return {lab["TG_SINK_SSH_HOST"], lab["TG_SSH_KEY"], lab["TG_SSH_KNOWN_HOSTS"], tool_path("TRAFFICGEN"), ""};
}

CommandResult orch(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {tool_path("TG_ORCH")};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, 120);
}

std::string one_line(const std::string& s) {
    const auto nl = s.find('\n');
    return nl == std::string::npos ? s : s.substr(0, nl);
}

TEST(OrchSsh, CheckReportsBothHostsAsTheirKernelsSeeThemselves) {
    TempDir dir;
    Lab lab({.ssh = true});
    const std::string inv = inventory(dir, gen_of(lab), sink_of(lab));
    const std::string json_path = dir / "check.json";
    const auto r = orch({"check", "--inventory", inv, "--json", json_path});
    EXPECT_TRUE(r.exit.ok()) << r.exit.describe() << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find("lab generator (root@" + lab["TG_GEN_SSH_HOST"] + ":22)"), std::string::npos) << r.out;
    const auto report = load_report(json_path);
    ASSERT_EQ(report["hosts"].size(), 2u) << report.dump();
    utsname u{};
    ::uname(&u);
    for (const auto& h : report["hosts"]) {
        const auto& f = h["facts"];
        EXPECT_TRUE(h.value("reached", false));
        EXPECT_EQ(f.value("kernel", ""), u.release);
        EXPECT_EQ(f.value("cpus", ""), std::to_string(::sysconf(_SC_NPROCESSORS_ONLN)));
        EXPECT_EQ(f.value("trafficgen", ""), "trafficgen 0.1.0");
    }
    // Each host saw its own namespace: its own interface, and veth's offloads.
    EXPECT_EQ(report["hosts"][0]["facts"].value("nic_iface", ""), "tg-gen");
    EXPECT_EQ(report["hosts"][1]["facts"].value("nic_iface", ""), "tg-sink");
    EXPECT_EQ(report["hosts"][0]["facts"].value("nic_iface_driver", ""), "veth");
    EXPECT_FALSE(report["hosts"][0]["facts"].value("offload_tx_sctp", "").empty());
}

void expect_failure(const CommandResult& r, int code, const std::string& sentence_part) {
    EXPECT_EQ(r.exit.code, code) << r.exit.describe() << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find(sentence_part), std::string::npos) << r.out << r.err;
    EXPECT_EQ(r.err.find("terminate"), std::string::npos) << r.err;
}

TEST(OrchSsh, EachWayOfNotReachingAHostHasItsOwnSentence) {
    TempDir dir;
    Lab lab({.ssh = true});
    {
        // Nothing listens on that port.
        Host g = gen_of(lab);
        g.port = 2222;
        const auto r = orch({"check", "--inventory", inventory(dir, g, sink_of(lab))});
        expect_failure(r, 3, "error: cannot reach lab generator (root@" + g.address + ":2222): ");
    }
    {
        // A key the host does not know.
        const std::string other = dir / "other_key";
        ASSERT_TRUE(run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other}, 30).exit.ok());
        Host g = gen_of(lab);
        g.key = other;
        const auto r = orch({"check", "--inventory", inventory(dir, g, sink_of(lab))});
        expect_failure(r, 3, "lab generator (root@" + g.address + ":22) refused the key " + other + " for user root");
    }
    {
        // known_hosts holds another key for the generator's address: the sink's.
        const std::string wrong = dir / "wrong_known_hosts";
        std::ifstream in(lab["TG_SSH_KNOWN_HOSTS"]);
        std::string gen_line, sink_line;
        std::getline(in, gen_line);
        std::getline(in, sink_line);
        std::ofstream(wrong) << lab["TG_GEN_SSH_HOST"] << sink_line.substr(sink_line.find(' ')) << "\n";
        Host g = gen_of(lab);
        g.known_hosts = wrong;
        const auto r = orch({"check", "--inventory", inventory(dir, g, sink_of(lab))});
        expect_failure(r, 3, "the host key of lab generator (root@" + g.address + ":22) does not match the one in " + wrong);
    }
    {
        // An empty known_hosts, checked strictly (the default), then trusted on first use.
        const std::string empty = dir / "empty_known_hosts";
        std::ofstream(empty) << "";
        Host g = gen_of(lab);
        g.known_hosts = empty;
        const auto r = orch({"check", "--inventory", inventory(dir, g, sink_of(lab))});
        expect_failure(r, 3, "lab generator (root@" + g.address + ":22) is not in " + empty +
                                 " and host keys are checked strictly");
        g.extra = R"({"strict_host_keys": false})";
        const auto tofu = orch({"check", "--inventory", inventory(dir, g, sink_of(lab))});
        EXPECT_TRUE(tofu.exit.ok()) << tofu.out << tofu.err;
        std::ifstream learnt(empty);
        std::string line;
        std::getline(learnt, line);
        EXPECT_NE(line.find("ssh-ed25519"), std::string::npos) << "the key, remembered: " << line;
        // The key learnt is the host's own: strict checking now passes.
        g.extra = "";
        EXPECT_TRUE(orch({"check", "--inventory", inventory(dir, g, sink_of(lab))}).exit.ok());
    }
    {
        Host s = sink_of(lab);
        s.trafficgen = "/nonexistent/trafficgen";
        const auto r = orch({"check", "--inventory", inventory(dir, gen_of(lab), s)});
        expect_failure(r, 4, "error: trafficgen is not installed (no '/nonexistent/trafficgen' on the host)");
    }
    {
        const auto r = orch({"check", "--inventory", dir / "no-such-inventory.json"});
        EXPECT_EQ(r.exit.code, 2);
        EXPECT_EQ(one_line(r.err), "trafficgen-orch: cannot read the inventory " + (dir / "no-such-inventory.json") +
                                       ": give a readable JSON file");
    }
}

TEST(OrchSsh, InventoryValuesReachTheHostAsData) {
    TempDir dir;
    Lab lab({.ssh = true});
    // A program in a directory whose name has quotes, spaces, $(), backticks and ; in
    // it: found and run by that name, and nothing in the name is run as a command (the
    // commands would make a file in root's home, where the host's shell starts).
    const std::string pwned = "tg-pwned-" + std::to_string(::getpid());
    const std::string marker = std::string(::getpwuid(0)->pw_dir) + "/" + pwned;
    const std::string odd = dir / ("it's a \"tg\" $(touch " + pwned + "); touch " + pwned + " `touch " + pwned + "`");
    std::filesystem::create_directories(odd);
    const std::string evil = odd + "/trafficgen";
    {
        std::ofstream p(evil);
        p << "#!/bin/sh\necho \"trafficgen 9.9 ($#: $*)\"\n";
    }
    std::filesystem::permissions(evil, std::filesystem::perms::owner_all);
    Host g = gen_of(lab);
    g.trafficgen = evil;
    const std::string json_path = dir / "check.json";
    const auto r = orch({"check", "--inventory", inventory(dir, g, sink_of(lab)), "--json", json_path});
    EXPECT_TRUE(r.exit.ok()) << r.out << r.err;
    const auto report = load_report(json_path);
    EXPECT_EQ(report["hosts"][0]["facts"].value("trafficgen", ""), "trafficgen 9.9 (1: --version)");
    EXPECT_FALSE(std::filesystem::exists(marker)) << "a command in an inventory value ran";
    std::filesystem::remove(marker);
}

}  // namespace
}  // namespace tg::e2e
