// trafficgen's SCTP endpoint (lib/proto) against a real SCTP stack, usrsctp, across the
// lab's veth with kernel addresses on both ends (raw IPv4 sockets; the kernel has no
// SCTP of its own here). Both directions: our client to a usrsctp server, a usrsctp
// client to our server. usrsctp's own counts are the judge.
#include <gtest/gtest.h>

#include <signal.h>

#include <nlohmann/json.hpp>

#include "lab.hpp"
#include "process.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

constexpr const char* port = "36412";

void give_addresses(const Lab& lab) {
    kernel_owns(lab, LabSide::generator);
    kernel_owns(lab, LabSide::sink);
}

TEST(SctpInterop, OurClientAssociatesWithUsrsctpAndFillsEveryStream) {
    TempDir dir;
    Lab lab({});
    give_addresses(lab);
    Child server(in_ns(lab["TG_SINK_NS"], {tool_path("TG_USRSCTP_PEER"), "server", port, "60"}), dir / "usrsctp");
    ASSERT_TRUE(server.wait_for_output("listening", 10)) << server.err();
    const auto c = run(in_ns(lab["TG_GEN_NS"], {tool_path("TG_RAW_SCTP"), "client", lab["TG_GEN_IP4"], lab["TG_SINK_IP4"],
                                                 port, "6", "1200", "200"}),
                       60);
    const Exit e = server.stop(SIGINT, 10);
    ASSERT_TRUE(e.ok()) << e.describe() << server.err();
    const auto ours = json_of(c.out);
    const auto theirs = json_of(server.out());
    EXPECT_TRUE(c.exit.ok()) << c.out << c.err;
    EXPECT_EQ(ours.value("established", false), true) << c.out;
    EXPECT_EQ(ours.value("failure", ""), "none") << "closed by a clean SHUTDOWN: " << c.out;
    EXPECT_EQ(ours.value("streams", 0), 6);
    EXPECT_EQ(theirs.value("associations", 0), 1) << server.out();
    EXPECT_EQ(theirs.value("messages", 0), 1200) << server.out();
    EXPECT_EQ(theirs.value("bytes", 0), 1200 * 200) << server.out();
    ASSERT_TRUE(theirs.contains("streams"));
    EXPECT_EQ(theirs["streams"].size(), 6u) << "usrsctp saw every stream id: " << server.out();
    for (const auto& [sid, t] : theirs["streams"].items()) EXPECT_EQ(t.value("messages", 0), 200) << "stream " << sid;
}

TEST(SctpInterop, AUsrsctpClientAssociatesWithOurServerAndIsCountedPerStream) {
    TempDir dir;
    Lab lab({});
    give_addresses(lab);
    Child server(in_ns(lab["TG_SINK_NS"], {tool_path("TG_RAW_SCTP"), "server", lab["TG_SINK_IP4"], port, "60"}),
                 dir / "ours");
    ASSERT_TRUE(server.wait_for_output("listening", 10)) << server.err();
    const auto c = run(in_ns(lab["TG_GEN_NS"], {tool_path("TG_USRSCTP_PEER"), "client", lab["TG_SINK_IP4"], port, "5",
                                                 "1000", "300"}),
                       60);
    const Exit e = server.stop(SIGINT, 10);
    ASSERT_TRUE(e.ok()) << e.describe() << server.err();
    const auto theirs = json_of(c.out);
    const auto ours = json_of(server.out());
    EXPECT_TRUE(c.exit.ok()) << c.out << c.err;
    EXPECT_EQ(theirs.value("connected", false), true);
    EXPECT_EQ(theirs.value("streams", 0), 5);
    EXPECT_EQ(theirs.value("sent", 0), 1000);
    EXPECT_EQ(ours.value("associations", 0), 1) << server.out();
    EXPECT_EQ(ours.value("messages", 0), 1000) << server.out();
    EXPECT_EQ(ours.value("bytes", 0), 300000) << server.out();
    EXPECT_EQ(ours.value("shutdowns", 0), 1) << "usrsctp shut down cleanly: " << server.out();
    EXPECT_EQ(ours.value("bad_crc", 1), 0);
    ASSERT_TRUE(ours.contains("streams"));
    EXPECT_EQ(ours["streams"].size(), 5u);
    for (const auto& [sid, n] : ours["streams"].items()) EXPECT_EQ(n.get<int>(), 200) << "stream " << sid;
}

TEST(SctpInterop, AUsrsctpClientAssociatesWithTheTrafficgenSinkAndIsCountedPerStream) {
    // The sink on af_xdp, as in a guest; the usrsctp client's kernel learns its MAC by ARP,
    // which the sink answers for its --ip.
    TempDir dir;
    Lab lab({});
    kernel_owns(lab, LabSide::generator);
    SinkRun sink(lab, dir);
    const auto c = run(in_ns(lab["TG_GEN_NS"], {tool_path("TG_USRSCTP_PEER"), "client", lab["TG_SINK_IP4"], port, "4",
                                                 "2000", "400"}),
                       60);
    const auto report = sink.stop();
    const auto theirs = json_of(c.out);
    EXPECT_TRUE(c.exit.ok()) << c.out << c.err;
    EXPECT_EQ(theirs.value("connected", false), true);
    EXPECT_EQ(theirs.value("sent", 0), 2000);
    ASSERT_TRUE(report["sink"].contains("sctp_associations")) << report.dump();
    const auto& a = report["sink"]["sctp_associations"];
    EXPECT_EQ(a.value("associations", 0), 1);
    EXPECT_EQ(a.value("cookies_accepted", 0), 1);
    EXPECT_EQ(a.value("shut_down", 0), 1) << "usrsctp shut down cleanly";
    EXPECT_EQ(a.value("data_chunks", 0), 2000);
    EXPECT_EQ(a.value("data_bytes", 0), 800000);
    ASSERT_EQ(a["streams"].size(), 4u) << a.dump();
    for (const auto& st : a["streams"]) {
        EXPECT_EQ(st.value("chunks", 0), 500) << st.dump();
        EXPECT_EQ(st.value("bytes", 0), 200000) << st.dump();
    }
}

}  // namespace
}  // namespace tg::e2e
