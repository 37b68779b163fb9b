// Bad flags and config values: each gives one clear sentence naming the value, a non-zero
// exit (2 for a value, 3 for a port DPDK cannot open), and never a crash or a hang.
#include <gtest/gtest.h>

#include <sys/mount.h>

#include <cstdlib>
#include <set>

#include <filesystem>
#include <fstream>

#include "run_trafficgen.hpp"

namespace tg::testing {
namespace {

struct Case {
    std::vector<std::string> args;
    std::string says;  // the value or setting the sentence must name
    int exit_code = 2;
};

void expect_refused(const Case& c) {
    std::string shown;
    for (const auto& a : c.args) shown += a + " ";
    SCOPED_TRACE(shown);
    const auto o = run_trafficgen(c.args, false, 30);
    EXPECT_FALSE(o.timed_out);
    EXPECT_EQ(o.signal, 0) << "killed by a signal";
    EXPECT_EQ(o.exit_code, c.exit_code) << o.err;
    // The last line is the sentence for the user (DPDK may log above it).
    std::string err = o.err;
    while (!err.empty() && err.back() == '\n') err.pop_back();
    const std::string last = err.substr(err.rfind('\n') == std::string::npos ? 0 : err.rfind('\n') + 1);
    EXPECT_EQ(last.rfind("trafficgen: ", 0), 0u) << o.err;
    EXPECT_NE(last.find(c.says), std::string::npos) << "the message does not name '" << c.says << "': " << last;
    EXPECT_EQ(o.out, "") << "nothing on stdout for a refused run";
}

TEST(BadInput, EachGetsOneSentenceAndANonZeroExit) {
    const std::vector<std::string> ring = {"--vdev", "net_ring0"};
    auto with_ring = [&](std::vector<std::string> a) {
        a.insert(a.begin(), ring.begin(), ring.end());
        return a;
    };
    const std::vector<Case> cases = {
        {with_ring({"--size", "40"}), "40"},
        {with_ring({"--size", "9100"}), "9100"},
        {with_ring({"--streams", "0"}), "--streams 0"},
        {with_ring({"--bad-checksum-every", "0"}), "--bad-checksum-every"},
        {with_ring({"--associations", "2", "--proto", "tcp"}), "--associations 2"},
        {with_ring({"--associations", "0", "--proto", "sctp"}), "--associations"},
        {with_ring({"--associations", "2", "--proto", "sctp", "--flows", "3"}), "--flows 3"},
        {with_ring({"--associations", "2", "--proto", "sctp", "--setup-timeout", "soon"}), "soon"},
        {{"sink", "--vdev", "net_ring0", "--associations", "2"}, "--associations"},
        {{"sink", "--vdev", "net_ring0", "--bad-checksum-every", "3"}, "--bad-checksum-every"},
        {with_ring({"--streams", "65536"}), "65536"},
        {with_ring({"--proto", "gre"}), "gre"},
        {with_ring({"--proto", "dns"}), "--dns-names"},
        {with_ring({"--proto", "raw", "--ethertype", "0x8100"}), "0x8100"},
        {with_ring({"--proto", "tcp,tcp"}), "twice"},
        {with_ring({"--rate", "fast"}), "fast"},
        {with_ring({"--rate", "150%"}), "150%"},
        {{"--proto", "udp"}, "no port given"},
        {{"--pci", "0000:99:00.0", "--count", "1"}, "0000:99:00.0", 3},
        {{"--vdev", "net_af_packet0,iface=lo", "--proto", "udp", "--size", "9018", "--count", "1"}, "9018"},
        {with_ring({"--vlan", "5000"}), "5000"},
        {with_ring({"--src-ip", "198.18.0.300"}), "198.18.0.300"},
        {with_ring({"--src-ip", "198.18.0.1", "--dst-ip", "2001:2::1"}), "different IP versions"},
        {with_ring({"--src-port", "70000"}), "70000"},
        {with_ring({"--dst-mac", "zz:00:00:00:00:01"}), "zz:00:00:00:00:01"},
        {with_ring({"--duration", "soon"}), "soon"},
        {{"sink", "--vdev", "net_ring0", "--gap-threshold", "-5ms"}, "-5ms"},
        {with_ring({"--gap-threshold", "10ms"}), "--gap-threshold"},
        {with_ring({"--pattern", "wave"}), "wave"},
        {with_ring({"--mix", "tcp:0"}), "tcp"},
        {with_ring({"--mix", "udp", "--proto", "tcp"}), "--mix"},
        {with_ring({"--burst-gap", "10ms", "--backoff-max", "1ms"}), "--backoff-max"},
        {with_ring({"--flows", "20000000"}), "20000000"},
        {with_ring({"--pattern", "random", "--rate", "max"}), "random"},
        {with_ring({"--config", "/nonexistent/trafficgen.conf"}), "/nonexistent/trafficgen.conf"},
        {with_ring({"sink", "--rate", "1M"}), "--rate"},
        {with_ring({"--loopback", "--lcores", "0@0"}), "--lcores"},
        {with_ring({"--no-such-flag"}), "--no-such-flag"},
        {with_ring({"--request-response", "--proto", "tcp"}), "--connections"},
        {with_ring({"--request-response", "--proto", "sctp"}), "--associations"},
        {with_ring({"--request-response", "--proto", "udp,tcp"}), "one protocol"},
        {with_ring({"--request-response", "--proto", "udp", "--size", "128"}), "--request-size"},
        {with_ring({"--request-response", "--proto", "udp", "--request-size", "10"}), "10"},
        {with_ring({"--request-response", "--proto", "udp", "--round-trip"}), "--round-trip"},
        {with_ring({"--request-response", "--proto", "udp", "--response-timeout", "never"}), "never"},
        {with_ring({"--proto", "udp", "--response-size", "64"}), "--request-response"},
        {{"sink", "--vdev", "net_ring0", "--request-response"}, "--request-response"},
        {with_ring({"--proto", "tcp", "--connections", "2", "--connect-per-request"}), "--request-response"},
        {with_ring({"--request-response", "--connect-per-request", "--proto", "udp"}), "--proto tcp"},
        {with_ring({"--request-response", "--connect-per-request", "--proto", "tcp", "--connections", "4", "--count", "2"}),
         "--count 2"},
        {with_ring({"--request-response", "--connect-per-request", "--proto", "tcp", "--connections", "4", "--src-port",
                    "40000-40002"}),
         "40000-40002"},
        {with_ring({"--lcores", "0@0,1@0,2@0", "--flows", "1"}), "--lcores"},
        {{"report", "--generator", "/nonexistent/g.json", "--sink", "/nonexistent/s.json"}, "/nonexistent/g.json"},
        {{"report", "--sink", "/nonexistent/s.json"}, "--generator"},
    };
    EXPECT_GE(cases.size(), 15u);
    for (const auto& c : cases) expect_refused(c);
}

TEST(BadInput, ABadValueInTheConfigFileIsNamed) {
    const std::string dir = temp_dir();
    const std::string conf = dir + "/trafficgen.conf";
    std::ofstream(conf) << "vdev = net_ring0\nstreams = 0\n";
    expect_refused({{"--config", conf}, "--streams 0"});
    std::ofstream(conf) << "vdev = net_ring0\nproto = gre\n";
    expect_refused({{"--config", conf}, "gre"});
    // The network workload's names, and a key no option has (a typo is not skipped).
    std::ofstream(conf) << "vdev = net_ring0\nnetwork-sctp-streams = 0\n";
    expect_refused({{"--config", conf}, "network-sctp-streams 0"});
    std::ofstream(conf) << "vdev = net_ring0\nnetwork-sctp-stream = 4\n";
    expect_refused({{"--config", conf}, "'network-sctp-stream'"});
    std::ofstream(conf) << "vdev = net_ring0\n[sink]\nlcores = 0@1\n";
    expect_refused({{"--config", conf, "sink"}, "[sink] does not know: 'lcores'"});
    // `trafficgen report` wants the reports of a generator and of a sink, nothing else.
    std::ofstream(conf) << "{\"schema\": \"something.else\"}\n";
    expect_refused({{"report", "--generator", conf, "--sink", conf}, conf});
    std::filesystem::remove_all(dir);
}

TEST(Outputs, AnOutputThatCannotBeWrittenIsRefusedBeforeAnyTraffic) {
    const auto o = run_trafficgen({"--vdev", "net_ring0", "--loopback", "--count", "10", "--quiet", "--json",
                                   "/nonexistent/dir/report.json"},
                                  false);
    EXPECT_EQ(o.exit_code, 4) << o.err;
    EXPECT_NE(o.err.find("cannot write the report to /nonexistent/dir/report.json: No such file or directory"),
              std::string::npos)
        << o.err;
    EXPECT_EQ(o.err.find("loopback on"), std::string::npos) << "refused before the port started: " << o.err;
}

TEST(Outputs, ARunThatFailsBeforeItsTrafficStillWritesWhy) {
    const std::string dir = temp_dir();
    const auto o = run_trafficgen({"--pci", "0000:99:00.0", "--count", "1", "--quiet", "--json", dir + "/r.json"}, false);
    EXPECT_EQ(o.exit_code, 3) << o.err;
    std::ifstream in(dir + "/r.json");
    const auto r = nlohmann::json::parse(in, nullptr, false);
    ASSERT_TRUE(r.is_object()) << "a report, though the run never started";
    EXPECT_EQ(r["error"]["exit_code"], 3);
    EXPECT_NE(r["error"]["message"].get<std::string>().find("0000:99:00.0"), std::string::npos) << r.dump();
    EXPECT_EQ(r["settings"]["pci"], "0000:99:00.0");
    std::filesystem::remove_all(dir);
}

TEST(Outputs, ATimelineThatCannotBeWrittenLeavesTheReportWhole) {
    // The timeline goes to a filesystem of 8 KB: writable when the run starts, full when
    // its timeline (some 40 bytes an arrival) is written at the end. The report is still
    // written and says so, and the exit is 4.
    const std::string dir = temp_dir();
    const std::string small = dir + "/small";
    std::filesystem::create_directories(small);
    if (::mount("tmpfs", small.c_str(), "tmpfs", 0, "size=8k") != 0) GTEST_SKIP() << "cannot mount a tmpfs (not root?)";
    const auto o = run_trafficgen({"--vdev", "net_ring0", "--loopback", "--proto", "udp", "--count", "3000", "--rate",
                                   "30kpps", "--quiet", "--timeline", small + "/t.csv"});
    ::umount2(small.c_str(), MNT_DETACH);
    EXPECT_EQ(o.exit_code, 4) << o.err;
    ASSERT_TRUE(o.report.is_object()) << o.err;
    EXPECT_EQ(o.report["sink"]["protocols"]["udp"]["packets"].get<std::uint64_t>(), 3000u);
    ASSERT_EQ(o.report["output_errors"].size(), 1u) << o.report.dump();
    EXPECT_EQ(o.report["output_errors"][0]["file"], small + "/t.csv");
    EXPECT_NE(o.report["output_errors"][0]["error"].get<std::string>().find("No space left on device"), std::string::npos)
        << o.report["output_errors"].dump();
    std::filesystem::remove_all(dir);
}

// Which protocols a loopback run under these settings took (its report's settings).
std::set<std::string> protocols_sent(const std::vector<std::string>& args) {
    std::vector<std::string> a = {"--loopback", "--count", "30", "--quiet"};
    a.insert(a.end(), args.begin(), args.end());
    const auto o = run_trafficgen(a);
    EXPECT_EQ(o.exit_code, 0) << o.err;
    std::set<std::string> out;
    if (o.report.is_object()) {
        for (const auto& p : o.report["settings"]["protocols"]) out.insert(p["protocol"].get<std::string>());
    }
    return out;
}

TEST(Settings, AFlagOverridesTheEnvironmentWhichOverridesTheFileUnderEitherName) {
    const std::string dir = temp_dir();
    const std::string conf = dir + "/trafficgen.conf";
    // As trafficgen-deploy renders it: the workload's name, unquoted lists.
    std::ofstream(conf) << "vdev = net_ring0\nnetwork-protocols = tcp,udp\nlcores = 0@0,1@0,2@1\nvlan = 100,200\n"
                           "size = 128:7,594:4\n";
    using Set = std::set<std::string>;
    EXPECT_EQ(protocols_sent({"--config", conf}), (Set{"tcp", "udp"})) << "the file, its lists unquoted";
    EXPECT_EQ(protocols_sent({"--config", conf, "--proto", "sctp", "--streams", "4"}), (Set{"sctp"})) << "the flag";
    EXPECT_EQ(protocols_sent({"--config", conf, "--mix", "udp:1,sctp:1"}), (Set{"udp", "sctp"})) << "a mix flag";
    ::setenv("NETWORK_PROTOCOLS", "sctp", 1);
    EXPECT_EQ(protocols_sent({"--config", conf}), (Set{"sctp"})) << "the environment over the file";
    EXPECT_EQ(protocols_sent({"--config", conf, "--proto", "udp"}), (Set{"udp"})) << "the flag over the environment";
    ::unsetenv("NETWORK_PROTOCOLS");
    std::ofstream(conf) << "vdev = net_ring0\nproto = \"udp,sctp\"\nmix = tcp:1,udp:1\n";
    expect_refused({{"--config", conf}, "--mix"});
    EXPECT_EQ(protocols_sent({"--config", conf, "--proto", "tcp"}), (Set{"tcp"})) << "a flag over the file's mix";
    // Two names for one setting on one layer stay refused.
    std::ofstream(conf) << "vdev = net_ring0\nproto = tcp\nnetwork-protocols = udp\n";
    expect_refused({{"--config", conf}, "network-protocols"});
    expect_refused({{"--vdev", "net_ring0", "--proto", "tcp", "--network-protocols", "udp"}, "--network-protocols"});
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tg::testing
