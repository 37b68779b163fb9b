// Seed 004's protocols on the lab, each judged from outside trafficgen:
// - ICMP echo and ARP requests answered by the sink namespace's kernel: its SNMP
//   counters (echo requests in, replies out, checksum errors) and tshark's count of every
//   request and reply on its interface equal what the generator reports sent and answered;
// - DNS queries answered by dnsmasq: tshark counts queries and answers by RCODE, dnsmasq's
//   log names every query, the kernel counts no UDP checksum error;
// - raw Ethernet frames and ping, rotated with UDP, to a trafficgen sink: tshark counts
//   the EtherType and the payload pattern, the sink counts the same frames with no loss,
//   and answers every ping.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <set>
#include <sstream>
#include <thread>

#include "capture.hpp"
#include "judges.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

// The sink namespace's kernel owns the sink's addresses, as a VM on the path would, and
// sends its answers as they go on the wire (checksummed, no offload left to finish).
void kernel_owns_the_sink_addresses(const Lab& lab) {
    kernel_owns(lab, LabSide::sink);
    kernel_sends_plain_frames(lab, LabSide::sink);
    const std::string& ns = lab["TG_SINK_NS"];
    for (const auto& cmd : std::vector<std::vector<std::string>>{
             in_ns(ns, {"sysctl", "-qw", "net.ipv6.conf." + lab["TG_SINK_IF"] + ".disable_ipv6=0"}),
             {"ip", "-n", ns, "addr", "add", lab["TG_SINK_IP6"] + "/32", "dev", lab["TG_SINK_IF"], "nodad"},
             in_ns(ns, {"sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0"})}) {
        const auto r = run(cmd);
        if (!r.exit.ok()) throw std::runtime_error("cannot give the sink namespace its IPv6 address: " + r.err);
    }
}

std::uint64_t delta(const std::map<std::string, std::uint64_t>& before, const std::map<std::string, std::uint64_t>& after,
                    const std::string& name) {
    const auto b = before.find(name), a = after.find(name);
    if (a == after.end()) throw std::runtime_error("the kernel has no counter " + name);
    return a->second - (b == before.end() ? 0 : b->second);
}

const nlohmann::json& answers(const GeneratorRun& g, const char* protocol) {
    return g.report["generator"]["answers"][protocol];
}

TEST(AnsweredProtocols, TheKernelAnswersEveryEchoRequestAndTheGeneratorCountsEveryReply) {
    TempDir dir;
    Lab lab({});
    kernel_owns_the_sink_addresses(lab);
    const std::string& ns = lab["TG_SINK_NS"];
    Capture capture(ns, lab["TG_SINK_IF"], dir);
    const std::string gen_mac = lower(lab["TG_GEN_MAC"]);
    const std::uint64_t requests = 2000;
    std::map<std::string, std::uint64_t> before = snmp_counters(ns), after;
    const auto v4 = run_generator(lab, dir, {"--proto", "icmp", "--count", std::to_string(requests), "--rate", "2kpps",
                                             "--flows", "4", "--size", "128"});
    ASSERT_TRUE(v4.exit.ok()) << v4.exit.describe() << ": " << v4.err;
    after = snmp_counters(ns);
    EXPECT_EQ(delta(before, after, "IcmpInEchos"), requests);
    EXPECT_EQ(delta(before, after, "IcmpOutEchoReps"), requests);
    EXPECT_EQ(delta(before, after, "IcmpInCsumErrors"), 0u);
    before = after;
    const auto v6 = run_generator(lab, dir, {"--proto", "icmp", "--count", std::to_string(requests), "--rate", "2kpps",
                                             "--flows", "4", "--size", "128"},
                                  Family::ipv6);
    ASSERT_TRUE(v6.exit.ok()) << v6.exit.describe() << ": " << v6.err;
    after = snmp_counters(ns);
    EXPECT_EQ(delta(before, after, "Icmp6InEchos"), requests);
    EXPECT_EQ(delta(before, after, "Icmp6OutEchoReplies"), requests);
    EXPECT_EQ(delta(before, after, "Icmp6InCsumErrors"), 0u);
    for (const auto* g : {&v4, &v6}) {
        const auto& a = answers(*g, "icmp");
        EXPECT_EQ(packets_of(g->report, "generator", "icmp"), requests);
        EXPECT_EQ(a.value("requests", 0u), requests) << a.dump();
        EXPECT_EQ(a.value("replies", 0u), requests) << a.dump();
        EXPECT_EQ(a.value("lost", 1u), 0u) << a.dump();
        EXPECT_EQ(a.value("duplicates", 1u), 0u) << a.dump();
        ASSERT_TRUE(a["rtt"].is_object()) << a.dump();
        EXPECT_GT(a["rtt"].value("p50_ns", 0u), 0u) << a.dump();
        EXPECT_LT(a["rtt"].value("p50_ns", 0u), 1'000'000'000u) << a.dump();
    }
    const std::string pcap = capture.stop();
    // tshark checks every ICMP and ICMPv6 checksum itself.
    EXPECT_EQ(tshark_count(pcap, "eth.src==" + gen_mac + " and icmp.type==8 and icmp.checksum.status==1"), requests);
    EXPECT_EQ(tshark_count(pcap, "eth.dst==" + gen_mac + " and icmp.type==0"), requests);
    EXPECT_EQ(tshark_count(pcap, "eth.src==" + gen_mac + " and icmpv6.type==128 and icmpv6.checksum.status==1"),
              requests);
    EXPECT_EQ(tshark_count(pcap, "eth.dst==" + gen_mac + " and icmpv6.type==129"), requests);
    // ping's numbering: the identifier is the flow's source port, the sequence counts up.
    EXPECT_EQ(tshark_count(pcap, "icmp.type==8 and icmp.seq==0"), 4u) << "one first request per flow";
}

TEST(AnsweredProtocols, TheKernelAnswersArpRequestsForItsOwnAddressOnly) {
    TempDir dir;
    Lab lab({});
    kernel_owns_the_sink_addresses(lab);
    const std::string& ns = lab["TG_SINK_NS"];
    Capture capture(ns, lab["TG_SINK_IF"], dir);
    // Four targets, one of them the kernel's: it answers a quarter of the requests.
    const auto g = run_generator(lab, dir, {"--proto", "arp", "--dst-ip", "198.19.0.1-198.19.0.4", "--count", "80",
                                            "--rate", "200pps"});
    ASSERT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
    const auto& a = answers(g, "arp");
    EXPECT_EQ(packets_of(g.report, "generator", "arp"), 80u);
    EXPECT_EQ(a.value("requests", 0u), 80u) << a.dump();
    EXPECT_EQ(a.value("replies", 0u), 20u) << a.dump();
    EXPECT_EQ(a.value("unanswered", 0u), 60u) << a.dump();
    const std::string pcap = capture.stop();
    const std::string gen_mac = lower(lab["TG_GEN_MAC"]);
    // Before the requests: the generator resolved its next hop (the first --dst-ip) once.
    const std::uint64_t resolving = g.report["generator"]["neighbours"].value("resolution_requests", 0u);
    const std::string requests = "eth.src==" + gen_mac + " and eth.dst==ff:ff:ff:ff:ff:ff and arp.opcode==1 and not arp.isgratuitous==1";
    EXPECT_EQ(tshark_count(pcap, requests), 80u + resolving);
    for (int i = 2; i <= 4; ++i) {
        EXPECT_EQ(tshark_count(pcap, requests + " and arp.dst.proto_ipv4==198.19.0." + std::to_string(i)), 20u);
    }
    EXPECT_EQ(tshark_count(pcap, "arp.opcode==2 and eth.dst==" + gen_mac + " and arp.src.proto_ipv4==198.19.0.1"),
              20u + resolving);
    // The kernel learnt the generator's MAC from the requests' sender fields.
    const auto neigh = run({"ip", "-n", ns, "neigh", "show", lab["TG_GEN_IP4"]}).out;
    EXPECT_NE(neigh.find(gen_mac), std::string::npos) << neigh;
}

TEST(AnsweredProtocols, DnsmasqAnswersEveryQueryAndTheGeneratorCountsThemByRcode) {
    TempDir dir;
    Lab lab({});
    kernel_owns_the_sink_addresses(lab);
    const std::string& ns = lab["TG_SINK_NS"];
    Child dnsmasq(in_ns(ns, {"dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--pid-file=", "--user=root",
                             "--listen-address=" + lab["TG_SINK_IP4"], "--bind-interfaces", "--port=53", "--no-resolv",
                             "--no-hosts", "--local=/tg.test/", "--host-record=www.tg.test,198.51.100.7",
                             "--cache-size=0", "--log-queries", "--log-facility=-"}),
                  dir / "dnsmasq");
    ASSERT_TRUE(dnsmasq.wait_for_output("started", 10)) << dnsmasq.err() << dnsmasq.out();
    Capture capture(ns, lab["TG_SINK_IF"], dir);
    const auto before = snmp_counters(ns);
    const std::uint64_t queries = 1000;
    const auto g = run_generator(lab, dir, {"--proto", "dns", "--dns-names", "www.tg.test,nobody.tg.test", "--count",
                                            std::to_string(queries), "--rate", "500pps", "--flows", "4",
                                            "--src-port", "40000-40003"});
    ASSERT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
    const auto after = snmp_counters(ns);
    const auto& d = answers(g, "dns");
    EXPECT_EQ(d.value("queries", 0u), queries) << d.dump();
    EXPECT_EQ(d.value("answered", 0u), queries) << d.dump();
    EXPECT_EQ(d.value("timed_out", 1u), 0u) << d.dump();
    EXPECT_EQ(d.value("unmatched", 1u), 0u) << d.dump();
    EXPECT_EQ(d["rcodes"].value("NOERROR", 0u), queries / 2) << d.dump();
    EXPECT_EQ(d["rcodes"].value("NXDOMAIN", 0u), queries / 2) << d.dump();
    EXPECT_EQ(d.value("with_answers", 0u), queries / 2) << d.dump();
    ASSERT_TRUE(d["latency"].is_object()) << d.dump();
    EXPECT_GT(d["latency"].value("p99_ns", 0u), 0u) << d.dump();
    EXPECT_EQ(delta(before, after, "UdpInCsumErrors"), 0u);
    EXPECT_EQ(delta(before, after, "UdpInDatagrams"), queries);

    // In a mix with ping: each request answered by its own server, each counted apart.
    const auto mix = run_generator(lab, dir, {"--mix", "icmp:1,dns:1", "--dns-names", "www.tg.test", "--count", "400",
                                              "--rate", "400pps", "--flows", "2"});
    ASSERT_TRUE(mix.exit.ok()) << mix.exit.describe() << ": " << mix.err;
    EXPECT_EQ(packets_of(mix.report, "generator", "icmp"), 200u);
    EXPECT_EQ(packets_of(mix.report, "generator", "dns"), 200u);
    EXPECT_EQ(answers(mix, "icmp").value("replies", 0u), 200u) << mix.report["generator"]["answers"].dump();
    EXPECT_EQ(answers(mix, "dns").value("answered", 0u), 200u) << mix.report["generator"]["answers"].dump();
    EXPECT_EQ(answers(mix, "dns")["rcodes"].value("NOERROR", 0u), 200u);

    const Exit e = dnsmasq.stop(SIGTERM, 10);
    EXPECT_TRUE(e.ok() || e.signal == SIGTERM) << e.describe();
    const std::string pcap = capture.stop();
    const std::string gen = "ip.src==" + lab["TG_GEN_IP4"];
    EXPECT_EQ(tshark_count(pcap, gen + " and dns.flags.response==0 and dns.qry.name==\"www.tg.test\""), queries / 2 + 200);
    EXPECT_EQ(tshark_count(pcap, gen + " and dns.flags.response==0 and dns.qry.name==\"nobody.tg.test\""), queries / 2);
    EXPECT_EQ(tshark_count(pcap, "dns.flags.response==1 and dns.flags.rcode==0 and dns.a==198.51.100.7"), queries / 2 + 200);
    EXPECT_EQ(tshark_count(pcap, "dns.flags.response==1 and dns.flags.rcode==3"), queries / 2);
    // Each query, by ID and source port, has exactly one response to that port.
    const auto pairs = [&](const std::string& filter, const char* port) {
        const auto ids = tshark_field(pcap, filter, "dns.id");
        const auto ports = tshark_field(pcap, filter, port);
        std::multiset<std::string> out;
        for (std::size_t i = 0; i < ids.size() && i < ports.size(); ++i) out.insert(ids[i] + "/" + ports[i]);
        return out;
    };
    const auto asked = pairs(gen + " and dns.flags.response==0", "udp.srcport");
    EXPECT_EQ(asked.size(), queries + 200);
    EXPECT_EQ(pairs("dns.flags.response==1", "udp.dstport"), asked);
    EXPECT_EQ(std::set<std::string>(asked.begin(), asked.end()).size(), asked.size()) << "no ID and port asked twice";
    // dnsmasq's own log names each query it was asked.
    std::istringstream log(dnsmasq.out() + dnsmasq.err());
    std::uint64_t logged = 0;
    for (std::string line; std::getline(log, line);) {
        if (line.find("query[A] www.tg.test from " + lab["TG_GEN_IP4"]) != std::string::npos) ++logged;
    }
    EXPECT_EQ(logged, queries / 2 + 200);
}

TEST(AnsweredProtocols, RawFramesAndPingsRotateWithUdpToATrafficgenSink) {
    TempDir dir;
    Lab lab({.bridge = true});
    SinkRun sink(lab, dir);
    Capture capture(lab["TG_SINK_NS"], lab["TG_SINK_WIRE_IF"], dir);
    const auto g = run_generator(lab, dir, {"--proto", "raw,icmp,udp", "--protocol-duration", "1", "--duration", "3",
                                            "--rate", "2kpps", "--flows", "2", "--ethertype", "0x88b6",
                                            "--payload-pattern", "c0ffee", "--size", "256"});
    ASSERT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
    const auto s = sink.stop();
    const std::string pcap = capture.stop();
    const std::uint64_t raw = packets_of(g.report, "generator", "raw");
    const std::uint64_t icmp = packets_of(g.report, "generator", "icmp");
    EXPECT_GT(raw, 1000u);
    EXPECT_GT(icmp, 1000u);
    EXPECT_GT(packets_of(g.report, "generator", "udp"), 1000u);
    EXPECT_EQ(packets_of(s, "sink", "raw"), raw);
    EXPECT_EQ(field_of(s, "sink", "raw", "lost"), 0u);
    EXPECT_EQ(packets_of(s, "sink", "icmp"), icmp);
    EXPECT_EQ(field_of(s, "sink", "icmp", "lost"), 0u);
    EXPECT_EQ(s["sink"]["neighbours"].value("echo_requests_answered", 0u), icmp);
    const auto& a = answers(g, "icmp");
    EXPECT_EQ(a.value("replies", 0u), icmp) << a.dump();
    EXPECT_EQ(tshark_count(pcap, "eth.type==0x88b6"), raw);
    EXPECT_EQ(tshark_count(pcap, "eth.type==0x88b6 and frame.len==252 and frame contains c0:ff:ee:c0:ff:ee"), raw);
    EXPECT_EQ(tshark_count(pcap, "icmp.type==8 and icmp.checksum.status==1"), icmp);
    EXPECT_EQ(tshark_count(pcap, "icmp.type==0 and icmp.checksum.status==1"), icmp);
}

}  // namespace
}  // namespace tg::e2e
