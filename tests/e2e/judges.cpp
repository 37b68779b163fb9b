#include "judges.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "lab.hpp"
#include "process.hpp"

namespace tg::e2e {

namespace {

using json = nlohmann::json;

std::string shown(const std::vector<std::string>& argv) {
    std::string s;
    for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
    return s;
}

std::string checked(const std::vector<std::string>& argv) {
    const CommandResult r = run(argv, 60);
    if (!r.exit.ok()) throw std::runtime_error("`" + shown(argv) + "` failed (" + r.exit.describe() + "): " + r.err);
    return r.out;
}

json checked_json(const std::vector<std::string>& argv) {
    const std::string out = checked(argv);
    json j = json::parse(out, nullptr, false);
    if (j.is_discarded()) throw std::runtime_error("`" + shown(argv) + "` printed no JSON: " + out);
    return j;
}

}  // namespace

LinkCounters link_counters(const std::string& ns, const std::string& ifname) {
    const json j = checked_json({"ip", "-n", ns, "-s", "-j", "link", "show", "dev", ifname});
    const json& s = j.at(0).at("stats64");
    return {s.at("rx").at("packets"), s.at("tx").at("packets"), s.at("rx").at("dropped"), s.at("tx").at("dropped")};
}

std::uint64_t nft_named_counter(const std::string& ns, const std::string& family, const std::string& table,
                                const std::string& name) {
    const json j = checked_json(in_ns(ns, {"nft", "-j", "list", "counter", family, table, name}));
    for (const auto& item : j.at("nftables")) {
        if (item.contains("counter")) return item["counter"].at("packets");
    }
    throw std::runtime_error("nft listed no counter '" + name + "' in " + family + " " + table);
}

void nft(const std::string& ns, const std::vector<std::string>& words) {
    std::vector<std::string> argv{"nft"};
    argv.insert(argv.end(), words.begin(), words.end());
    checked(in_ns(ns, argv));
}

void nft_load(const std::string& ns, const std::string& ruleset) {
    TempDir dir;
    const std::string file = dir / "rules.nft";
    std::ofstream(file) << ruleset;
    checked(in_ns(ns, {"nft", "-f", file}));
}

std::uint64_t nft_counter(const std::string& ns, const std::string& family, const std::string& table,
                          const std::string& comment) {
    const json j = checked_json(in_ns(ns, {"nft", "-j", "list", "table", family, table}));
    for (const auto& item : j.at("nftables")) {
        if (!item.contains("rule")) continue;
        const json& rule = item["rule"];
        if (rule.value("comment", "") != comment) continue;
        for (const auto& e : rule.at("expr")) {
            if (e.contains("counter")) return e["counter"].at("packets");
        }
        throw std::runtime_error("the nftables rule '" + comment + "' has no counter");
    }
    throw std::runtime_error("no nftables rule with comment '" + comment + "' in " + family + " " + table);
}

QdiscCounters root_qdisc(const std::string& ns, const std::string& ifname) {
    const json j = checked_json({"tc", "-n", ns, "-s", "-j", "qdisc", "show", "dev", ifname});
    for (const auto& q : j) {
        if (q.value("root", false)) return {q.at("packets"), q.at("drops")};
    }
    throw std::runtime_error("no root qdisc on " + ifname + " in " + ns);
}

std::map<std::string, std::uint64_t> snmp_counters(const std::string& ns) {
    // -s: leave nstat's history file alone; -a: absolute values; -z: zeros too.
    const json j = checked_json(in_ns(ns, {"nstat", "-asz", "-j"}));
    std::map<std::string, std::uint64_t> m;
    for (const auto& [k, v] : j.at("kernel").items()) m[k] = v.get<std::uint64_t>();
    return m;
}

const char* const presence_excluded = "not arp and not icmp and not icmpv6";

ChecksumVerdicts tshark_checksums(const std::string& pcap) {
    const std::string out = checked(
        {"tshark", "-n", "-r", pcap, "-o", "sctp.checksum:CRC 32c", "-o", "ip.check_checksum:TRUE", "-o",
         "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-Y", presence_excluded, "-T", "fields", "-E",
         "separator=,", "-e",
         "ip.checksum.status", "-e", "udp.checksum.status", "-e", "tcp.checksum.status", "-e", "sctp.checksum.status"});
    // Status values: 0 bad, 1 good, 2 unverified; empty where the layer is absent.
    static const char* const names[] = {"ip", "udp", "tcp", "sctp"};
    ChecksumVerdicts v;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        ++v.frames;
        std::istringstream fields(line);
        std::string f;
        for (const char* name : names) {
            if (!std::getline(fields, f, ',')) break;
            if (f == "1") ++v.good[name];
            else if (f == "0") ++v.bad[name];
            else if (!f.empty()) ++v.unverified[name];
        }
    }
    return v;
}

std::vector<std::string> tshark_field(const std::string& pcap, const std::string& filter, const std::string& field) {
    const std::string out = checked({"tshark", "-n", "-r", pcap, "-o", "sctp.checksum:CRC 32c", "-Y", filter, "-T",
                                     "fields", "-e", field});
    std::vector<std::string> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::uint64_t tshark_count(const std::string& pcap, const std::string& filter) {
    return tshark_field(pcap, filter, "frame.number").size();
}

std::string rendered_dom(const std::string& html_path) {
    const auto dom = run({"chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", "file://" + html_path}, 60);
    if (!dom.exit.ok()) ADD_FAILURE() << "chromium could not render " << html_path << ": " << dom.err;
    return dom.exit.ok() ? dom.out : std::string();
}

std::uint64_t keep_screenshot(const std::string& html_path, const std::string& name, const std::string& size) {
    const std::filesystem::path artifacts = tool_path("TG_ARTIFACTS");
    std::filesystem::create_directories(artifacts);
    const std::string shot = (artifacts / name).string();
    std::string window = size;
    std::replace(window.begin(), window.end(), 'x', ',');
    const auto s = run({"chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        "--window-size=" + window, "--screenshot=" + shot, "file://" + html_path},
                       60);
    if (!s.exit.ok() || !std::filesystem::exists(shot)) {
        ADD_FAILURE() << "chromium made no screenshot of " << html_path << ": " << s.err;
        return 0;
    }
    std::printf("[ screenshot ] %s\n", shot.c_str());
    return std::filesystem::file_size(shot);
}

}  // namespace tg::e2e
