// trafficgen's TCP endpoint (lib/proto) against the kernel's TCP across the lab's veth.
// Whatever the kernel accepts passed its own checks (checksums, sequence and
// acknowledgement numbers, windows, options), and its sockets' counts are the judge.
#include <gtest/gtest.h>

#include <signal.h>

#include <nlohmann/json.hpp>

#include "judges.hpp"
#include "lab.hpp"
#include "process.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

constexpr const char* port = "5201";

TEST(TcpInterop, KernelClientsAreServedByTheTrafficgenSink) {
    TempDir dir;
    Lab lab({});
    kernel_owns(lab, LabSide::generator);
    kernel_sends_plain_frames(lab, LabSide::generator);
    SinkRun sink(lab, dir);
    const auto before = snmp_counters(lab["TG_GEN_NS"]);
    const auto c = run(in_ns(lab["TG_GEN_NS"], {tool_path("TG_TCP_PEER"), "client", lab["TG_SINK_IP4"], port, "8",
                                                 "3000000"}),
                       90);
    const auto after = snmp_counters(lab["TG_GEN_NS"]);
    const auto report = sink.stop();
    const auto theirs = json_of(c.out);
    EXPECT_TRUE(c.exit.ok()) << c.out << c.err;
    EXPECT_EQ(theirs.value("connected", 0), 8) << c.out;
    EXPECT_EQ(theirs.value("bytes_sent", 0), 24000000);
    EXPECT_EQ(theirs.value("closed_by_peer", 0), 8) << "the sink answered every FIN with its own";
    EXPECT_EQ(after.at("TcpInCsumErrors") - before.at("TcpInCsumErrors"), 0u);
    EXPECT_EQ(after.at("TcpActiveOpens") - before.at("TcpActiveOpens"), 8u);
    ASSERT_TRUE(report["sink"].contains("tcp_connections")) << report["sink"].dump();
    const auto& t = report["sink"]["tcp_connections"];
    EXPECT_EQ(t.value("syns", 0), 8) << t.dump();
    EXPECT_EQ(t.value("established", 0), 8);
    EXPECT_EQ(t.value("closed_clean", 0), 8);
    EXPECT_EQ(t.value("bytes", 0), 24000000) << "every byte the kernel sent, counted once";
    EXPECT_EQ(t.value("bad_options", 1), 0);
    EXPECT_EQ(report["sink"]["answers"].value("dropped", 1), 0);
}

}  // namespace
}  // namespace tg::e2e
