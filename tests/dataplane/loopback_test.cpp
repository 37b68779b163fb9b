// Generator -> net_ring -> sink in one process: for each protocol, IPv4 and IPv6, and
// frame sizes from 64 to 9018 bytes, what the sink received equals what was sent, with
// no checksum errors, and each SCTP stream got exactly what was sent on it.
#include <gtest/gtest.h>

#include <map>
#include <tuple>
#include <vector>

#include "attempts.hpp"
#include "run_trafficgen.hpp"

namespace tg::testing {
namespace {

using Key = std::tuple<std::string, unsigned, unsigned>;

std::map<Key, std::uint64_t> streams_of(const nlohmann::json& list) {
    std::map<Key, std::uint64_t> m;
    for (const auto& s : list) m[{s["protocol"], s["flow"], s["stream"]}] += s["packets"].get<std::uint64_t>();
    return m;
}

TEST(Loopback, EveryProtocolFamilyAndSizeArrivesWhole) {
    for (const char* proto : {"udp", "tcp", "sctp"}) {
        for (bool v6 : {false, true}) {
            for (const char* size : {"64", "1518", "9018"}) {
                SCOPED_TRACE(std::string(proto) + (v6 ? " ipv6 " : " ipv4 ") + size);
                const auto o = run_trafficgen({"--vdev", "net_ring0", "--loopback", "--proto", proto, "--size", size,
                                               "--count", "3000", "--rate", "300kpps", "--streams", "4", "--flows", "2",
                                               "--src-ip", v6 ? "2001:2::1" : "198.18.0.1", "--dst-ip",
                                               v6 ? "2001:2::2" : "198.19.0.1", "--quiet"});
                ASSERT_EQ(o.exit_code, 0) << o.err;
                const auto& r = o.report;
                ASSERT_TRUE(r.is_object()) << o.err;
                EXPECT_EQ(r["schema"], "trafficgen.report");
                EXPECT_EQ(r["generator"]["packets"], 3000u);
                const auto& s = r["sink"]["protocols"][proto];
                EXPECT_EQ(s["packets"], 3000u);
                EXPECT_EQ(s["lost"], 0u);
                EXPECT_EQ(s["bad_ip_checksum"], 0u);
                EXPECT_EQ(s["bad_l4_checksum"], 0u);
                EXPECT_EQ(r["sink"]["malformed"], 0u);
                EXPECT_EQ(r["sink"]["non_test"], 0u);
                const auto sent = streams_of(r["generator"]["streams"]);
                const auto got = streams_of(r["sink"]["streams"]);
                EXPECT_EQ(sent, got);
                EXPECT_EQ(got.size(), std::string(proto) == "sctp" ? 8u : 2u);  // 2 flows (x 4 streams)
            }
        }
    }
}

TEST(Loopback, SpoiledChecksumsAreCountedAtBothEnds) {
    // Every 7th of 3000 packets carries a wrong L4 checksum: 428 of them. The sink counts
    // each as a checksum error, and as lost: its contents cannot be trusted.
    for (const char* proto : {"udp", "tcp", "sctp"}) {
        SCOPED_TRACE(proto);
        const auto o = run_trafficgen({"--vdev", "net_ring0", "--loopback", "--proto", proto, "--count", "3000",
                                       "--rate", "300kpps", "--bad-checksum-every", "7", "--quiet"});
        ASSERT_EQ(o.exit_code, 0) << o.err;
        const auto& r = o.report;
        EXPECT_EQ(r["generator"]["protocols"][proto]["bad_l4_checksum"], 428u);
        const auto& s = r["sink"]["protocols"][proto];
        EXPECT_EQ(s["bad_l4_checksum"], 428u);
        EXPECT_EQ(s["bad_ip_checksum"], 0u);
        EXPECT_EQ(s["packets"], 3000u - 428u);
        EXPECT_EQ(s["lost"], 428u);
    }
}

TEST(Loopback, RotationAndMixCountEachProtocol) {
    const auto o = run_trafficgen({"--vdev", "net_ring0", "--loopback", "--mix", "tcp:1,udp:2,sctp:1", "--count", "8000",
                                   "--rate", "200kpps", "--quiet"});
    ASSERT_EQ(o.exit_code, 0) << o.err;
    const auto& r = o.report;
    EXPECT_EQ(r["generator"]["protocols"]["udp"]["packets"], 4000u);
    EXPECT_EQ(r["generator"]["protocols"]["tcp"]["packets"], 2000u);
    EXPECT_EQ(r["generator"]["protocols"]["sctp"]["packets"], 2000u);
    for (const char* p : {"tcp", "udp", "sctp"}) {
        EXPECT_EQ(r["sink"]["protocols"][p]["packets"], r["generator"]["protocols"][p]["packets"]) << p;
        EXPECT_EQ(r["sink"]["protocols"][p]["lost"], 0u) << p;
    }
}

TEST(Loopback, AtFullRateAndStoppedByTheClockSentCountsOnlyWhatThePortTook) {
    // At full rate the ring refuses frames; at the stop those still built and never
    // taken come off every count: the total, each protocol's and each stream's. What
    // arrived then equals what was sent, protocol by protocol and stream by stream.
    for (const std::vector<std::string>& traffic :
         {std::vector<std::string>{"--mix", "tcp:1,udp:1,sctp:1,icmp:1,raw:1"},
          std::vector<std::string>{"--proto", "udp,sctp,tcp", "--protocol-duration", "0.4"}}) {
        SCOPED_TRACE(traffic[1]);
        std::vector<std::string> args = {"--vdev", "net_ring0", "--loopback", "--duration", "1.2", "--rate", "max",
                                         "--flows", "3", "--streams", "4", "--quiet"};
        args.insert(args.end(), traffic.begin(), traffic.end());
        const auto o = run_trafficgen(args);
        ASSERT_EQ(o.exit_code, 0) << o.err;
        const auto& g = o.report["generator"];
        std::uint64_t per_protocol = 0;
        for (const auto& [p, v] : g["protocols"].items()) per_protocol += v["packets"].get<std::uint64_t>();
        std::uint64_t per_stream = 0;
        for (const auto& st : g["streams"]) per_stream += st["packets"].get<std::uint64_t>();
        EXPECT_GT(g["packets"].get<std::uint64_t>(), 100000u);
        EXPECT_EQ(per_protocol, g["packets"].get<std::uint64_t>());
        EXPECT_EQ(per_stream, g["packets"].get<std::uint64_t>());
        for (const auto& [p, d] : o.report["delivery"]["protocols"].items()) {
            EXPECT_EQ(d["lost"], 0u) << p;
            EXPECT_EQ(d["received"], d["sent"]) << p;
        }
        EXPECT_EQ(streams_of(g["streams"]), streams_of(o.report["sink"]["streams"]));
    }
}

TEST(Loopback, UdpRateGivesUdpItsOwnShareOfAMix) {
    // TCP and SCTP share 20 kpps by weight (1:2), UDP has 2 kpps of its own: of 22000
    // packets, UDP is 1 in 11 (the cycle's shares are exact to 1 in 100,000).
    const auto o = run_trafficgen({"--vdev", "net_ring0", "--loopback", "--mix", "tcp:1,udp:1,sctp:2", "--rate", "20kpps",
                                   "--udp-rate", "2kpps", "--count", "22000", "--quiet"});
    ASSERT_EQ(o.exit_code, 0) << o.err;
    const auto& p = o.report["generator"]["protocols"];
    EXPECT_NEAR(p["udp"]["packets"].get<double>(), 2000, 1);
    EXPECT_NEAR(p["tcp"]["packets"].get<double>(), 20000.0 / 3, 1);
    EXPECT_NEAR(p["sctp"]["packets"].get<double>(), 40000.0 / 3, 1);
    // With no rate for the others there is nothing to share out: refused, saying so.
    const auto r = run_trafficgen({"--vdev", "net_ring0", "--loopback", "--mix", "tcp:1,udp:1", "--udp-rate", "2kpps",
                                   "--count", "100", "--quiet"},
                                  false);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("give --rate too"), std::string::npos) << r.err;
}

TEST(Loopback, EachProtocolsTargetRateMeetsTheRateTheSinkMeasured) {
    // 20 kpps shared by UDP and SCTP: each protocol's target is 10 kpps (and its bit rate
    // at its frame size); the sink's measure of it and the error sit beside it, and every
    // flow and stream has its own throughput.
    const auto o = run_trafficgen({"--vdev", "net_ring0", "--loopback", "--mix", "udp:1,sctp:1", "--rate", "20kpps",
                                   "--count", "4000", "--flows", "2", "--streams", "4", "--size", "128", "--quiet"});
    ASSERT_EQ(o.exit_code, 0) << o.err;
    const auto& d = o.report["delivery"]["protocols"];
    for (const char* p : {"udp", "sctp"}) {
        SCOPED_TRACE(p);
        EXPECT_DOUBLE_EQ(d[p]["target_pps"].get<double>(), 10000.0);
        // At the frame size sent (SCTP's is a multiple of 4 bytes: 126).
        const auto& sunk = o.report["sink"]["protocols"][p];
        const double frame = sunk["bytes"].get<double>() / sunk["packets"].get<double>();
        EXPECT_DOUBLE_EQ(frame, std::string(p) == "udp" ? 128.0 : 126.0);
        EXPECT_DOUBLE_EQ(d[p]["target_l2_bps"].get<double>(), 10000.0 * frame * 8);
        const double measured = d[p]["received_pps"].get<double>();
        EXPECT_DOUBLE_EQ(measured, o.report["sink"]["protocols"][p]["pps"].get<double>());
        EXPECT_DOUBLE_EQ(d[p]["rate_error_percent"].get<double>(), 100.0 * (measured - 10000.0) / 10000.0);
    }
    std::size_t with_rate = 0;
    for (const auto& st : o.report["delivery"]["streams"]) {
        if (st.value("received_pps", 0.0) > 0 && st.value("received_l2_bps", 0.0) > 0) ++with_rate;
    }
    EXPECT_EQ(with_rate, 2u + 2u * 4u) << "each UDP flow and each SCTP stream";
}

TEST(Loopback, ANamedDriverProfileIsReportedWithItsOffloadsAndQuirks) {
    const auto o = run_trafficgen({"--vdev", "net_ring0", "--loopback", "--proto", "sctp", "--count", "1000", "--quiet",
                                   "--driver-profile", "mlx5", "--drivers-config", TG_DRIVERS_CONFIG_SOURCE});
    ASSERT_EQ(o.exit_code, 0) << o.err;
    const auto& p = o.report["port"]["driver_profile"];
    EXPECT_EQ(p["name"], "mlx5");
    EXPECT_EQ(p["chosen"], "--driver-profile");
    EXPECT_EQ(p["offloads"]["sctp_crc32c"], false);
    EXPECT_FALSE(p["quirks"].empty());
    // The profile's words reach the log, and the mismatch with this port is said.
    EXPECT_NE(o.err.find("driver profile mlx5 is for mlx5_pci, but the port is net_ring"), std::string::npos) << o.err;
    EXPECT_EQ(o.report["sink"]["protocols"]["sctp"]["bad_l4_checksum"], 0u);
    EXPECT_EQ(o.report["sink"]["protocols"]["sctp"]["packets"], 1000u);
}

TEST(Loopback, StopsCleanlyOnSigtermAndStillReports) {
    // Run until stopped, and stop it from outside: the report must still be written.
    const auto o = run_trafficgen({"--vdev", "net_ring0", "--loopback", "--proto", "udp", "--rate", "10kpps",
                                   "--duration", "0", "--quiet"},
                                  true, 60, 2.0);
    ASSERT_EQ(o.exit_code, 0) << o.err;
    EXPECT_EQ(o.report["stopped_by"], "signal");
    EXPECT_EQ(o.report["sink"]["protocols"]["udp"]["packets"], o.report["generator"]["packets"]);
    EXPECT_GT(o.report["sink"]["protocols"]["udp"]["packets"].get<std::uint64_t>(), 5000u);
}

}  // namespace
}  // namespace tg::testing

namespace tg::testing {
namespace {

// The sink's measured rate is within 5% of the target; the benchmark reports the exact
// error (the aim there is 0.1%).
TEST(RateControl, SinkMeasuresTheTargetWithinFivePercent) {
    TG_SKIP_TIMING_WHEN_SANITIZED();
    struct Target {
        const char* rate;
        const char* size;
        const char* field;
        double value;
    };
    for (const Target& t : {Target{"100M", "1518", "l2_bps", 100e6}, Target{"1Mpps", "64", "pps", 1e6}}) {
        SCOPED_TRACE(t.rate);
        EXPECT_TRUE(within_attempts(3, [&]() -> std::string {
            const auto o = run_trafficgen({"--vdev", "net_ring0", "--loopback", "--proto", "udp", "--size", t.size,
                                           "--rate", t.rate, "--duration", "2", "--quiet"});
            if (o.exit_code != 0) return "exit " + std::to_string(o.exit_code) + ": " + o.err;
            const auto& udp = o.report["sink"]["protocols"]["udp"];
            if (udp["lost"] != 0u) return "lost " + udp["lost"].dump();
            return near(t.field, udp[t.field].get<double>(), t.value, t.value * 0.05);
        }));
    }
}

// Rotating protocols keep each one's own rate: with no --rate, UDP still gets the seed's
// 100 Mbit/s default while SCTP before it runs unlimited.
TEST(RateControl, RotationGivesEachProtocolItsOwnRate) {
    TG_SKIP_TIMING_WHEN_SANITIZED();
    EXPECT_TRUE(within_attempts(3, [&]() -> std::string {
        const auto o = run_trafficgen({"--vdev", "net_ring0", "--loopback", "--proto", "sctp,udp",
                                       "--protocol-duration", "1.5", "--quiet"});
        if (o.exit_code != 0) return "exit " + std::to_string(o.exit_code) + ": " + o.err;
        const auto& udp = o.report["sink"]["protocols"]["udp"];
        if (udp["lost"] != 0u) return "lost " + udp["lost"].dump();
        return near("udp l2_bps", udp["l2_bps"].get<double>(), 100e6, 5e6);
    }));
}

}  // namespace
}  // namespace tg::testing
