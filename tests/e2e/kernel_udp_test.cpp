// UDP validity judged by the kernel: the sink namespace's kernel owns the sink's address
// and a UDP socket there receives the generator's datagrams. The kernel verifies each UDP
// checksum and drops a bad one (UdpInCsumErrors), so every datagram sent must reach the
// socket, carrying its test header.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <thread>

#include "checks.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

struct KernelRun {
    std::uint64_t sent = 0, spoiled = 0;
    nlohmann::json socket;
    std::uint64_t in_datagrams = 0, checksum_errors = 0, rcvbuf_errors = 0;
};

KernelRun send_to_the_kernel(const std::vector<std::string>& extra_generator_args) {
    TempDir dir;
    Lab lab({});
    const std::string& ns = lab["TG_SINK_NS"];
    const std::string& ifname = lab["TG_SINK_IF"];
    // The kernel, not trafficgen, owns the sink's side now.
    for (const auto& cmd : std::vector<std::vector<std::string>>{
             {"ip", "-n", ns, "addr", "add", lab["TG_SINK_IP4"] + "/24", "dev", ifname},
             {"ip", "-n", ns, "route", "add", "198.18.0.0/24", "dev", ifname},
             in_ns(ns, {"sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf." + ifname + ".rp_filter=0"})}) {
        const auto r = run(cmd);
        if (!r.exit.ok()) throw std::runtime_error(cmd[0] + " failed: " + r.err);
    }
    Child counter(in_ns(ns, {tool_path("TG_UDP_COUNTER"), "5201"}), dir / "udp_counter");
    if (!counter.wait_for_output("ready", 10)) throw std::runtime_error("udp_counter did not start: " + counter.err());
    const auto before = snmp_counters(ns);
    std::vector<std::string> args = {"--proto", "udp", "--count", "20000", "--rate", "20kpps", "--flows", "8",
                                     "--src-port", "1024-1031", "--dst-port", "5201"};
    args.insert(args.end(), extra_generator_args.begin(), extra_generator_args.end());
    const auto g = run_generator(lab, dir, args);
    EXPECT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const auto after = snmp_counters(ns);
    const Exit e = counter.stop(SIGINT, 10);
    EXPECT_TRUE(e.ok()) << "udp_counter " << e.describe() << ": " << counter.err();
    KernelRun k;
    k.sent = packets_of(g.report, "generator", "udp");
    k.spoiled = field_of(g.report, "generator", "udp", "bad_l4_checksum");
    k.socket = nlohmann::json::parse(counter.out(), nullptr, false);
    k.in_datagrams = after.at("UdpInDatagrams") - before.at("UdpInDatagrams");
    k.checksum_errors = after.at("UdpInCsumErrors") - before.at("UdpInCsumErrors");
    k.rcvbuf_errors = after.at("UdpRcvbufErrors") - before.at("UdpRcvbufErrors");
    return k;
}

std::uint64_t socket_count(const KernelRun& k, const char* what) {
    return k.socket.is_object() ? k.socket.value(what, std::uint64_t{0}) : 0;
}

TEST(KernelUdp, AKernelSocketReceivesEveryDatagram) {
    const KernelRun k = send_to_the_kernel({});
    EXPECT_EQ(k.sent, 20000u);
    EXPECT_TRUE(kernel_took_every_datagram(k.sent, socket_count(k, "datagrams"), k.in_datagrams, k.checksum_errors));
    EXPECT_EQ(socket_count(k, "test_headers"), k.sent) << "each datagram starts with its test header";
    EXPECT_EQ(socket_count(k, "flows"), 8u);
    EXPECT_EQ(k.rcvbuf_errors, 0u);
}

TEST(KernelUdp, TheKernelDropsSpoiledDatagrams) {
    // Sabotage: every 50th datagram carries a wrong checksum. The kernel must drop exactly
    // those and count them, and the check must fail.
    const KernelRun k = send_to_the_kernel({"--bad-checksum-every", "50"});
    EXPECT_EQ(k.spoiled, 400u);
    EXPECT_FALSE(kernel_took_every_datagram(k.sent, socket_count(k, "datagrams"), k.in_datagrams, k.checksum_errors));
    EXPECT_EQ(k.checksum_errors, k.spoiled);
    EXPECT_EQ(socket_count(k, "datagrams"), k.sent - k.spoiled);
}

}  // namespace
}  // namespace tg::e2e
