// tshark, which was not written here, judges the frames the protocol library builds:
// every IPv4, UDP, TCP, SCTP (CRC32c) and ICMP checksum must be Good, the fields it
// dissects must be what the builder was asked for, and the same frames with one byte
// flipped must be reported Bad.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "../common/pcap_file.hpp"
#include "../common/sample_frames.hpp"
#include "proto/ethernet.hpp"
#include "proto/sctp.hpp"

namespace tg::testing {
namespace {

namespace fs = std::filesystem;

// tshark's checksum status values.
constexpr const char* good = "1";
constexpr const char* bad = "0";

const std::vector<std::string> fields = {
    "frame.number",     "vlan.id",          "ieee8021ad.id",          "ip.src",          "ip.dst",
    "ip.checksum.status", "ipv6.src",       "ipv6.dst",        "udp.srcport",
    "udp.dstport",      "udp.checksum.status", "tcp.srcport",  "tcp.dstport",
    "tcp.seq_raw",      "tcp.options.mss_val", "tcp.checksum.status", "sctp.srcport",
    "sctp.dstport",     "sctp.verification_tag", "sctp.chunk_type", "sctp.data_tsn_raw",
    "sctp.data_sid",    "sctp.data_ssn",    "sctp.checksum.status", "icmp.ident",
    "icmp.seq",         "icmp.checksum.status", "icmpv6.echo.identifier", "icmpv6.echo.sequence_number",
    "icmpv6.checksum.status", "arp.src.proto_ipv4", "arp.dst.proto_ipv4", "_ws.malformed",
    "ip.opt.type",      "ipv6.flow",        "tcp.options.wscale.shift", "tcp.options.timestamp.tsval",
    "tcp.options.sack_perm",
};

using Row = std::map<std::string, std::string>;

std::string read_all(FILE* f) {
    std::string out;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) out.append(buf, n);
    return out;
}

std::string slurp(const fs::path& path) {
    FILE* f = std::fopen(path.c_str(), "r");
    if (f == nullptr) return {};
    std::string s = read_all(f);
    std::fclose(f);
    return s;
}

std::string tshark_path() {
    if (const char* env = std::getenv("TSHARK")) return env;
    return "tshark";
}

class TsharkJudge : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("tg-tshark-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    fs::path write_pcap(const std::string& name, const Frames& frames) {
        const fs::path path = dir_ / name;
        testing::write_pcap(path.string(), frames);
        return path;
    }

    // Runs tshark over the capture with every checksum check on (ICMP's always is) and
    // returns one row of fields per frame.
    std::vector<Row> dissect(const fs::path& pcap) {
        std::ostringstream cmd;
        cmd << tshark_path() << " -n -r '" << pcap.string() << "'"
            << " -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE"
            << " -o 'sctp.checksum:CRC 32c'"
            << " -T fields -E separator=/t -E occurrence=a -E aggregator=,";
        for (const auto& f : fields) cmd << " -e " << f;
        cmd << " 2>" << (dir_ / "tshark.err").string();
        FILE* p = ::popen(cmd.str().c_str(), "r");
        if (p == nullptr) throw std::runtime_error("cannot run tshark");
        const std::string out = read_all(p);
        const int status = ::pclose(p);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            const std::string why = slurp(dir_ / "tshark.err");
            throw std::runtime_error("tshark failed (scripts/install-deps installs it): " + cmd.str() + "\n" + why);
        }
        std::vector<Row> rows;
        std::istringstream lines(out);
        std::string line;
        while (std::getline(lines, line)) {
            Row row;
            std::size_t start = 0;
            for (std::size_t i = 0; i < fields.size(); ++i) {
                const std::size_t tab = line.find('\t', start);
                row[fields[i]] = line.substr(start, tab == std::string::npos ? std::string::npos : tab - start);
                start = tab == std::string::npos ? line.size() : tab + 1;
            }
            rows.push_back(std::move(row));
        }
        return rows;
    }

    fs::path dir_;
};

// The IDs of the tags with this TPID, as tshark aggregates them: tshark dissects 802.1ad
// service tags and 802.1Q customer tags under different fields.
std::string join_ids(const SampleFrame& f, std::uint16_t tpid) {
    std::string s;
    for (std::size_t i = 0; i < f.vlan_ids.size(); ++i) {
        if (f.vlan_tpids[i] != tpid) continue;
        s += (s.empty() ? "" : ",") + std::to_string(f.vlan_ids[i]);
    }
    return s;
}

// tshark prints some integers in hex ("0x0001"); compare numbers, not spellings.
long long num(const std::string& s) {
    if (s.empty()) return -1;
    return std::stoll(s, nullptr, 0);
}

// The checksum field tshark reports for the transport of a frame.
std::string l4_status_field(const SampleFrame& f) {
    if (f.l4 == "icmp") return f.ipv6 ? "icmpv6.checksum.status" : "icmp.checksum.status";
    return f.l4 + ".checksum.status";
}

TEST_F(TsharkJudge, EveryChecksumIsGoodAndEveryFieldIsWhatWasAsked) {
    const auto frames = make_sample_frames();
    Frames bytes;
    for (const auto& f : frames) bytes.push_back(f.bytes);
    const auto rows = dissect(write_pcap("good.pcap", bytes));
    ASSERT_EQ(rows.size(), frames.size());

    std::map<std::string, int> checked;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        const SampleFrame& f = frames[i];
        Row r = rows[i];
        SCOPED_TRACE(f.name);
        EXPECT_EQ(r["_ws.malformed"], "") << "tshark calls the frame malformed";
        EXPECT_EQ(r["vlan.id"], join_ids(f, proto::ether_type::vlan));
        EXPECT_EQ(r["ieee8021ad.id"], join_ids(f, proto::ether_type::qinq));
        if (f.l4 == "arp") {
            EXPECT_EQ(r["arp.src.proto_ipv4"], f.src.to_string());
            EXPECT_EQ(r["arp.dst.proto_ipv4"], f.dst.to_string());
            ++checked["arp"];
            continue;
        }
        if (f.ipv6) {
            EXPECT_EQ(r["ipv6.src"], f.src.to_string());
            EXPECT_EQ(r["ipv6.dst"], f.dst.to_string());
            EXPECT_EQ(num(r["ipv6.flow"]), f.ipv6_flow_label);
            EXPECT_EQ(r["ip.checksum.status"], "");
        } else {
            EXPECT_EQ(r["ip.src"], f.src.to_string());
            EXPECT_EQ(r["ip.dst"], f.dst.to_string());
            EXPECT_EQ(r["ip.checksum.status"], good);
            ++checked["ipv4 header"];
            if (f.ipv4_option != 0) {
                // tshark reports the option type with its copy flag and class: 148 is 0x94.
                EXPECT_EQ(num(r["ip.opt.type"]), f.ipv4_option);
                ++checked["ipv4 option"];
            } else {
                EXPECT_EQ(r["ip.opt.type"], "");
            }
        }
        EXPECT_EQ(r[l4_status_field(f)], good);
        ++checked[f.l4 + (f.ipv6 ? "/ipv6" : "/ipv4")];
        if (f.l4 == "udp" || f.l4 == "tcp" || f.l4 == "sctp") {
            EXPECT_EQ(num(r[f.l4 + ".srcport"]), f.src_port);
            EXPECT_EQ(num(r[f.l4 + ".dstport"]), f.dst_port);
        }
        if (f.l4 == "tcp") {
            EXPECT_EQ(num(r["tcp.seq_raw"]), f.tcp_seq);
            EXPECT_EQ(num(r["tcp.options.mss_val"]), f.tcp_mss);
            EXPECT_EQ(num(r["tcp.options.wscale.shift"]), f.tcp_window_scale);
            EXPECT_EQ(num(r["tcp.options.timestamp.tsval"]), f.tcp_tsval);
            EXPECT_NE(r["tcp.options.sack_perm"], "");
        }
        if (f.l4 == "sctp") {
            EXPECT_EQ(num(r["sctp.verification_tag"]), f.sctp_vtag);
            EXPECT_EQ(r["sctp.chunk_type"], std::to_string(f.sctp_chunk_type));
            if (f.sctp_chunk_type == proto::sctp_chunk::data) {
                EXPECT_EQ(num(r["sctp.data_tsn_raw"]), f.sctp_tsn);
                EXPECT_EQ(num(r["sctp.data_sid"]), f.sctp_stream);
                EXPECT_EQ(num(r["sctp.data_ssn"]), f.sctp_ssn);
            }
            ++checked[std::string("sctp ") + proto::sctp_chunk_name(f.sctp_chunk_type)];
        }
        if (f.l4 == "icmp") {
            const std::string id = f.ipv6 ? "icmpv6.echo.identifier" : "icmp.ident";
            const std::string seq = f.ipv6 ? "icmpv6.echo.sequence_number" : "icmp.seq";
            EXPECT_EQ(num(r[id]), f.icmp_id);
            EXPECT_EQ(num(r[seq]), f.icmp_seq);
        }
    }
    // Every protocol and every SCTP chunk type was judged, over both IP versions.
    for (const char* k : {"udp/ipv4", "udp/ipv6", "tcp/ipv4", "tcp/ipv6", "sctp/ipv4", "sctp/ipv6", "icmp/ipv4",
                          "icmp/ipv6", "arp", "ipv4 header", "ipv4 option"}) {
        EXPECT_GT(checked[k], 0) << k;
    }
    for (int t : {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14}) {
        EXPECT_GT(checked[std::string("sctp ") + proto::sctp_chunk_name(static_cast<std::uint8_t>(t))], 0) << t;
    }
}

TEST_F(TsharkJudge, OneFlippedByteIsReportedBad) {
    const auto frames = make_sample_frames();
    struct Flip {
        std::size_t frame;
        bool in_ip_header;
    };
    std::vector<Flip> flips;
    Frames bytes;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        const SampleFrame& f = frames[i];
        if (f.l4 == "arp") continue;
        // The last byte the transport checksum covers.
        auto b = f.bytes;
        b[f.l4_offset + f.l4_length - 1] ^= 0xff;
        bytes.push_back(std::move(b));
        flips.push_back({i, false});
        if (!f.ipv6) {
            // The high byte of the IPv4 identification: in the header checksum only.
            auto c = f.bytes;
            c[f.l3_offset + 4] ^= 0xff;
            bytes.push_back(std::move(c));
            flips.push_back({i, true});
        }
    }
    const auto rows = dissect(write_pcap("flipped.pcap", bytes));
    ASSERT_EQ(rows.size(), bytes.size());
    for (std::size_t k = 0; k < rows.size(); ++k) {
        const SampleFrame& f = frames[flips[k].frame];
        Row r = rows[k];
        SCOPED_TRACE(f.name + (flips[k].in_ip_header ? " (IPv4 header flipped)" : " (transport flipped)"));
        if (flips[k].in_ip_header) {
            EXPECT_EQ(r["ip.checksum.status"], bad);
            EXPECT_EQ(r[l4_status_field(f)], good) << "the transport checksum does not cover the IP ID";
        } else {
            if (!f.ipv6) {
                EXPECT_EQ(r["ip.checksum.status"], good);
            }
            EXPECT_EQ(r[l4_status_field(f)], bad);
        }
    }
}

}  // namespace
}  // namespace tg::testing
