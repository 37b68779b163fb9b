// The rules between options (app/trafficgen/option_rules.hpp), held to account one by
// one: settings that hold together pass, and each clash is refused with the sentence that
// names it. Then parse_options as a user meets it: what the settings imply is worked out
// after the rules (an association per flow, a response as large as its request), and a
// subcommand's misplaced option is named before anything else is read.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "option_rules.hpp"
#include "options.hpp"
#include "traffic/config_error.hpp"

namespace tg::app {
namespace {

using traffic::Protocol;

Options generator(Protocol p = Protocol::udp) {
    Options o;
    o.iface = "eth1";
    o.protocols = {{p, 1}};
    return o;
}

std::string refusal(const Options& o, const GivenOptions& given) {
    try {
        check_options(o, given);
    } catch (const traffic::ConfigError& e) {
        return e.what();
    }
    return "";
}

TEST(OptionRules, SettingsThatHoldTogetherPass) {
    EXPECT_EQ(refusal(generator(), {}), "");
    Options sctp = generator(Protocol::sctp);
    sctp.associations = 8;
    sctp.closed_loop = true;
    EXPECT_EQ(refusal(sctp, {{"--associations", "--closed-loop"}}), "");
    Options rr = generator(Protocol::tcp);
    rr.connections = 4;
    rr.request_response = true;
    rr.connect_per_request = true;
    EXPECT_EQ(refusal(rr, {{"--request-response", "--request-size", "--connect-per-request"}}), "");
    Options search = generator();
    search.search.requested = true;
    search.role = Role::loopback;
    EXPECT_EQ(refusal(search, {{"--loopback", "--sizes"}}), "");
}

TEST(OptionRules, EachClashIsRefusedInOneSentence) {
    struct Case {
        std::function<void(Options&)> set;
        std::set<std::string> given;
        std::string says;
    };
    const std::vector<Case> cases = {
        {[](Options& o) { o.role = Role::sink; }, {"--rate"}, "--rate applies to the generator, not to `trafficgen sink`"},
        {[](Options& o) { o.role = Role::sink; o.repeat = 3; }, {"--repeat"}, "--repeat 3 repeats what a generator sends"},
        {[](Options& o) { o.search.requested = true; }, {"--count"}, "--count does not apply to trafficgen search"},
        {[](Options& o) { o.search.requested = true; o.protocols = {{Protocol::icmp, 1}}; }, {},
         "trafficgen search measures one transport at a time"},
        {[](Options& o) { o.role = Role::loopback; o.repeat = 2; o.timeline_path = "t.csv"; }, {},
         "--timeline keeps the arrivals of one run: give it without --repeat 2"},
        {[](Options& o) { o.timeline_path = "t.csv"; }, {}, "--timeline records arrivals"},
        {[](Options&) {}, {"--gap-threshold"}, "--gap-threshold measures arrivals"},
        {[](Options& o) { o.gateway = proto::IpAddress::parse("198.18.0.254"); }, {"--loopback", "--gateway"},
         "--gateway names a next hop; --loopback has none"},
        {[](Options& o) { o.gateway = proto::IpAddress::parse("198.18.0.254"); o.dst_mac_given = true; }, {},
         "--gateway is resolved to a MAC and --dst-mac gives one"},
        {[](Options& o) { o.gateway = proto::IpAddress::parse("2001:2::fe"); }, {},
         "--gateway 2001:2::fe and --dst-ip 198.19.0.1 are different IP versions"},
        {[](Options& o) { o.pacing.burst_gap_s = 0.01; o.pacing.backoff_max_s = 0.001; }, {},
         "--backoff-max 0.001 s is below --burst-gap 0.01 s"},
        {[](Options& o) { o.udp_payload = 100; }, {"--size"}, "--udp-payload sets UDP's payload and --size"},
        {[](Options& o) {
             o.mix = {{Protocol::udp, 1}, {Protocol::tcp, 1}};
             o.udp_rate = traffic::Rate::parse("10M");
             o.udp_rate_text = "10M";
         },
         {}, "--udp-rate 10M gives UDP its own rate in --mix; the other protocols then need a rate of theirs"},
        {[](Options& o) {
             o.mix = {{Protocol::udp, 1}, {Protocol::tcp, 1}};
             o.rate = traffic::Rate::parse("1G");
             o.udp_rate = traffic::Rate::parse("max");
         },
         {}, "--udp-rate max leaves UDP no share of its own in --mix"},
        {[](Options& o) { o.flows = traffic::max_flows + 1; }, {}, "flows a run can tell apart"},
        {[](Options& o) { o.associations = 4; }, {}, "--associations 4 sets up SCTP associations: use it with --proto sctp alone"},
        {[](Options& o) { o.protocols = {{Protocol::sctp, 1}}; o.associations = 4; o.flows = 3; }, {},
         "--flows 3 and --associations 4 differ"},
        {[](Options& o) { o.protocols = {{Protocol::sctp, 1}}; o.associations = 4; o.role = Role::loopback; }, {},
         "--associations needs a peer that answers"},
        {[](Options& o) { o.protocols = {{Protocol::tcp, 1}}; o.connections = 2; o.bad_checksum_every = 10; }, {},
         "--bad-checksum-every spoils stateless frames"},
        {[](Options& o) { o.protocols = {{Protocol::tcp, 1}}; o.connections = 2; o.pacing.pattern = traffic::Pattern::burst; },
         {}, "--pattern burst shapes the data path's traffic"},
        {[](Options& o) { o.round_trip = true; o.role = Role::loopback; }, {}, "--round-trip needs a reflector"},
        {[](Options& o) { o.closed_loop = true; }, {}, "--closed-loop paces data by the windows of real sessions"},
        {[](Options&) {}, {"--response-size"}, "--response-size belongs to --request-response"},
        {[](Options& o) { o.request_response = true; o.protocols = {{Protocol::tcp, 1}}; }, {},
         "--request-response over TCP runs on real connections (TCP_RR): give --connections N"},
        {[](Options& o) { o.request_response = true; }, {"--size"}, "--size sets frame sizes"},
        {[](Options& o) { o.request_response = true; o.connect_per_request = true; }, {},
         "--connect-per-request opens a TCP connection per transaction"},
        {[](Options& o) {
             o.request_response = true;
             o.connect_per_request = true;
             o.protocols = {{Protocol::tcp, 1}};
             o.connections = 10;
             o.count = 5;
         },
         {}, "--count 5 is fewer transactions than the 10 --connections"},
    };
    for (const auto& c : cases) {
        Options o = generator();
        c.set(o);
        const std::string said = refusal(o, {c.given});
        EXPECT_NE(said.find(c.says), std::string::npos) << "expected: " << c.says << "\n     got: " << said;
    }
}

// parse_options on a command line, with no settings file in the way.
Options parse(std::vector<std::string> args) {
    args.insert(args.begin(), "trafficgen");
    args.insert(args.end(), {"--config", "/dev/null"});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    return *parse_options(static_cast<int>(argv.size()), argv.data());
}

TEST(OptionRules, WhatTheSettingsImplyComesAfterTheRules) {
    const Options sctp = parse({"--iface", "eth1", "--proto", "sctp", "--associations", "6"});
    EXPECT_EQ(sctp.flows, 6u) << "each association is one flow";
    const Options rr = parse({"--iface", "eth1", "--proto", "tcp", "--connections", "3", "--request-response",
                              "--request-size", "200"});
    EXPECT_EQ(rr.flows, 3u);
    EXPECT_EQ(rr.response_bytes, 200u) << "a response as large as its request";
    EXPECT_TRUE(rr.closed_loop) << "a session resends a lost request";
    // Rates are typed where they are read.
    const Options mix = parse({"--iface", "eth1", "--mix", "udp:1,tcp:1", "--rate", "2Mpps", "--udp-rate", "50%"});
    ASSERT_TRUE(mix.rate && mix.udp_rate);
    EXPECT_EQ(mix.rate->unit, traffic::Rate::Unit::pps);
    EXPECT_DOUBLE_EQ(mix.rate->value, 2e6);
    EXPECT_EQ(mix.udp_rate->unit, traffic::Rate::Unit::percent_l1);
    const Options search = parse({"search", "--iface", "eth1", "--min-rate", "1kpps", "--max-rate", "10G"});
    EXPECT_EQ(search.search.min_rate.unit, traffic::Rate::Unit::pps);
    EXPECT_EQ(search.search.max_rate.unit, traffic::Rate::Unit::l2_bps);
    EXPECT_EQ(parse({"search", "--iface", "eth1"}).search.max_rate.unit, traffic::Rate::Unit::percent_l1) << "the link's";
    const Options udp_rr = parse({"--iface", "eth1", "--proto", "udp", "--request-response"});
    EXPECT_FALSE(udp_rr.closed_loop) << "UDP has the timeout instead";
    EXPECT_THROW((void)parse({"--iface", "eth1", "--proto", "udp", "--flows", "2", "--closed-loop"}), traffic::ConfigError);
}

TEST(OptionRules, ASubcommandsMisplacedOptionIsNamedFirst) {
    // A bad value later on the line does not hide that --rate has no place in a search.
    try {
        (void)parse({"search", "--iface", "eth1", "--loopback", "--rate", "1M", "--sizes", "63"});
        FAIL() << "accepted";
    } catch (const traffic::ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("--rate does not apply to trafficgen search"), std::string::npos) << e.what();
    }
    const Options far = parse({"search", "--iface", "eth1"});
    EXPECT_TRUE(far.search.far_sink) << "no receiving port and no --loopback: a far sink counts";
    EXPECT_EQ(far.role, Role::generator);
    const Options two = parse({"search", "--iface", "eth1", "--rx-iface", "eth2"});
    EXPECT_FALSE(two.search.far_sink);
    EXPECT_EQ(two.role, Role::loopback);
}

TEST(OptionRules, AnOrdinaryRunTakesTwoPortsButASinkDoesNot) {
    const Options two = parse({"--iface", "eth1", "--rx-iface", "eth2", "--proto", "udp"});
    EXPECT_EQ(two.role, Role::loopback) << "one process sends on one port and counts on the other";
    EXPECT_EQ(two.rx_iface, "eth2");
    const auto refused = [](std::vector<std::string> args) {
        try {
            (void)parse(std::move(args));
        } catch (const traffic::ConfigError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_NE(refused({"sink", "--iface", "eth1", "--rx-iface", "eth2"}).find("--rx-iface names a second port"),
              std::string::npos);
    EXPECT_NE(refused({"--iface", "eth1", "--rx-iface", "eth2", "--loopback"}).find("--loopback receives on the sending port"),
              std::string::npos);
    EXPECT_NE(refused({"--iface", "eth1", "--rx-iface", "eth2", "--rx-vdev", "net_ring0"}).find("give one"), std::string::npos);
    EXPECT_NE(refused({"--iface", "eth1", "--rx-iface", "eth2", "--proto", "tcp", "--connections", "2"})
                  .find("--connections needs a peer that answers: not with both ends in this process (--rx-iface"),
              std::string::npos);
}

}  // namespace
}  // namespace tg::app
