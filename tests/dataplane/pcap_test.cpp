// Generator -> net_pcap: tshark, which was not written here, reads the capture and finds
// every IPv4, UDP, TCP and SCTP checksum Good, and SCTP DATA on exactly the streams asked.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "run_trafficgen.hpp"

namespace tg::testing {
namespace {

std::string run_tshark(const std::string& pcap, const std::string& fields) {
    const std::string cmd = "tshark -n -r '" + pcap + "' -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE " +
                            "-o tcp.check_checksum:TRUE -o 'sctp.checksum:CRC 32c' -T fields " + fields + " 2>/dev/null";
    FILE* p = popen(cmd.c_str(), "r");
    std::string out;
    char buf[4096];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
    EXPECT_EQ(pclose(p), 0) << cmd;
    return out;
}

TEST(Pcap, TsharkFindsEveryChecksumGoodAndTheSctpStreams) {
    for (const char* proto : {"udp", "tcp", "sctp"}) {
        for (bool v6 : {false, true}) {
            SCOPED_TRACE(std::string(proto) + (v6 ? " ipv6" : " ipv4"));
            const std::string dir = temp_dir();
            const std::string pcap = dir + "/out.pcap";
            const auto o = run_trafficgen({"--vdev", "net_pcap0,tx_pcap=" + pcap, "--proto", proto, "--streams", "7",
                                           "--flows", "3", "--size", "64:2,700:1,1518:1", "--count", "700", "--rate",
                                           "100kpps", "--src-ip", v6 ? "2001:2::1" : "198.18.0.1", "--dst-ip",
                                           v6 ? "2001:2::2" : "198.19.0.1", "--dst-mac", "02:00:00:00:00:02",
                                           "--quiet"});
            ASSERT_EQ(o.exit_code, 0) << o.err;
            // The generator announces its address first: a gratuitous ARP, or an unsolicited
            // neighbour advertisement to all nodes, checksum good.
            const std::string announced =
                run_tshark(pcap, v6 ? "-Y icmpv6.type==136 -e ipv6.src -e ipv6.dst -e icmpv6.checksum.status "
                                      "-e icmpv6.nd.na.flag.o -e icmpv6.nd.na.flag.s -e ipv6.hlim"
                                    : "-Y arp.isgratuitous==1 -e arp.src.proto_ipv4 -e arp.dst.proto_ipv4 -e eth.dst");
            EXPECT_EQ(announced, v6 ? "2001:2::1\tff02::1\t1\t1\t0\t255\n"
                                    : "198.18.0.1\t198.18.0.1\tff:ff:ff:ff:ff:ff\n");
            const std::string l4 = std::string(proto) + ".checksum.status";
            const std::string out =
                run_tshark(pcap, "-Y 'not arp and not icmpv6' -e ip.checksum.status -e " + l4 + " -e sctp.data_sid");
            std::istringstream lines(out);
            std::string line;
            std::size_t frames = 0;
            std::set<std::string> sids;
            std::map<std::string, int> statuses;
            while (std::getline(lines, line)) {
                ++frames;
                std::istringstream f(line);
                std::string ip, l4s, sid;
                std::getline(f, ip, '\t');
                std::getline(f, l4s, '\t');
                std::getline(f, sid, '\t');
                ++statuses[(v6 ? "-" : ip) + "/" + l4s];
                if (!sid.empty()) sids.insert(sid);
            }
            EXPECT_EQ(frames, 700u);
            // 1 is Good for both the IPv4 header and the transport.
            EXPECT_EQ(statuses[v6 ? "-/1" : "1/1"], 700) << out.substr(0, 300);
            if (std::string(proto) == "sctp") {
                EXPECT_EQ(sids.size(), 7u);
            }
            std::filesystem::remove_all(dir);
        }
    }
}

}  // namespace
}  // namespace tg::testing
