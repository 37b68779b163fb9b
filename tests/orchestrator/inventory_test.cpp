// The inventory: a good one read whole, defaults applied; each bad value refused in one
// sentence that names it and says what would be accepted.
#include <gtest/gtest.h>

#include <string>

#include "inventory.hpp"
#include "orch_error.hpp"

namespace tg::orch {
namespace {

const char* const good = R"({
  "defaults": {"user": "tg", "key": "/keys/id", "known_hosts": "/keys/known_hosts", "port": 2222},
  "pairs": [{
    "name": "rack1",
    "generator": {"address": "192.0.2.10", "nic": {"pci": "0000:03:00.1"}, "data_ip": "198.18.0.1",
                  "lcores": "0@1,1@2", "hugepages": 512},
    "sink": {"address": "192.0.2.11", "port": 22, "nic": {"iface": "eth1", "driver": "vfio-pci"},
             "strict_host_keys": false, "args": ["--idle-timeout", "5"]}
  }, {
    "generator": {"address": "192.0.2.12", "nic": {"sriov_env": "PCIDEVICE_INTEL_COM_SRIOV"}},
    "sink": {"address": "192.0.2.13"}
  }],
  "run": {"args": ["--proto", "udp"], "duration": 5}
})";

TEST(Inventory, AGoodOneIsReadWithItsDefaults) {
    const Inventory inv = parse_inventory(good, "inv.json");
    ASSERT_EQ(inv.pairs.size(), 2u);
    const PairSpec& p = inv.pairs[0];
    EXPECT_EQ(p.name, "rack1");
    EXPECT_EQ(p.generator.label, "rack1 generator");
    EXPECT_EQ(p.generator.user, "tg");
    EXPECT_EQ(p.generator.port, 2222);
    EXPECT_EQ(p.sink.port, 22);
    EXPECT_TRUE(p.generator.strict_host_keys);
    EXPECT_FALSE(p.sink.strict_host_keys);
    ASSERT_TRUE(p.generator.nic);
    EXPECT_EQ(p.generator.nic->kind, NicSpec::Kind::pci);
    EXPECT_EQ(p.generator.nic->value, "0000:03:00.1");
    EXPECT_EQ(p.sink.nic->kind, NicSpec::Kind::iface);
    EXPECT_EQ(p.generator.hugepages, 512u);
    EXPECT_EQ(p.sink.args, (std::vector<std::string>{"--idle-timeout", "5"}));
    EXPECT_EQ(inv.pairs[1].name, "pair2");
    EXPECT_EQ(inv.pairs[1].generator.nic->kind, NicSpec::Kind::sriov_env);
    EXPECT_EQ(inv.run.args, (std::vector<std::string>{"--proto", "udp"}));
    EXPECT_EQ(inv.run.duration_s, 5);
}

void expect_refused(const std::string& text, const std::string& sentence) {
    try {
        (void)parse_inventory(text, "inv.json");
        FAIL() << "accepted: " << text;
    } catch (const OrchError& e) {
        EXPECT_EQ(e.code(), exit_code::bad_input);
        EXPECT_EQ(std::string(e.what()), sentence);
    }
}

std::string with_generator(const std::string& generator) {
    return R"({"defaults": {"key": "/k", "known_hosts": "/kh"}, "pairs": [{"generator": )" + generator +
           R"(, "sink": {"address": "192.0.2.11"}}]})";
}

TEST(Inventory, EachBadValueIsRefusedInOneSentence) {
    expect_refused("{", "inventory inv.json is not JSON: give a JSON object with \"pairs\"");
    expect_refused(R"({"pairs": []})",
                   "inventory inv.json: \"pairs\" is missing or empty: give a list of pairs, each with a \"generator\" "
                   "and a \"sink\"");
    expect_refused(R"({"pair": []})",
                   "inventory inv.json: the top level has an unknown key 'pair': accepted keys are defaults, pairs, run, search");
    expect_refused(with_generator(R"({"address": "a", "port": 70000})"),
                   "inventory inv.json: pairs[0].generator.port is 70000: give a whole number from 1 to 65535");
    expect_refused(with_generator(R"({"address": "a", "port": "22"})"),
                   "inventory inv.json: pairs[0].generator.port is \"22\": give a whole number from 1 to 65535");
    expect_refused(with_generator(R"({"adress": "a"})"),
                   "inventory inv.json: pairs[0].generator has an unknown key 'adress': accepted keys are address, args, "
                   "connect_timeout, data_ip, hugepages, key, known_hosts, lcores, nic, package, port, "
                   "strict_host_keys, trafficgen, user");
    expect_refused(with_generator(R"({"port": 22})"),
                   "inventory inv.json: pairs[0].generator has no \"address\": give the host name or IP address SSH "
                   "reaches it at");
    expect_refused(with_generator(R"({"address": "a", "nic": {"pci": "03:00.0"}})"),
                   "inventory inv.json: pairs[0].generator.nic.pci is '03:00.0': give a PCI address such as "
                   "0000:03:00.0 (lower-case hex)");
    expect_refused(with_generator(R"({"address": "a", "nic": {"pci": "0000:03:00.0", "iface": "eth1"}})"),
                   "inventory inv.json: pairs[0].generator.nic must give exactly one of pci, iface or sriov_env");
    expect_refused(with_generator(R"({"address": "a", "nic": {"iface": "eth1; reboot"}})"),
                   "inventory inv.json: pairs[0].generator.nic.iface is 'eth1; reboot': give a kernel interface name "
                   "(1 to 15 letters, digits, _ . : -)");
    expect_refused(with_generator(R"({"address": "a", "strict_host_keys": "no"})"),
                   "inventory inv.json: pairs[0].generator.strict_host_keys is \"no\": give true or false");
    expect_refused(with_generator(R"({"address": "a", "args": "--proto udp"})"),
                   "inventory inv.json: pairs[0].generator.args is \"--proto udp\": give a list of strings, one per "
                   "argument");
    expect_refused(with_generator(R"j({"address": "a", "user": "$(id)"})j"),
                   "inventory inv.json: pairs[0].generator.user is '$(id)': give a login name (letters, digits, _ . -)");
    expect_refused(R"({"pairs": [{"generator": {"address": "a", "known_hosts": "/kh"}, "sink": {"address": "b"}}]})",
                   "inventory inv.json: pairs[0].generator has no \"key\" (here or in \"defaults\"): give the private "
                   "key file to log in with");
    expect_refused(R"({"defaults": {"key": "/k", "known_hosts": "/kh"}, "pairs": [{"name": "a", "generator": {"address": "a"}, "sink": {"address": "b"}}, {"name": "a", "generator": {"address": "a"}, "sink": {"address": "b"}}]})",
                   "inventory inv.json: pairs[1].name 'a' names two pairs: give each its own");
    expect_refused(R"({"defaults": {"key": "/k", "known_hosts": "/kh"}, "pairs": [{"generator": {"address": "a"}, "sink": {"address": "b"}}], "run": {"duration": 0}})",
                   "inventory inv.json: run.duration is 0: give seconds, more than 0 and at most 86400");
    expect_refused(R"({"defaults": {"key": "/k", "known_hosts": "/kh"}, "pairs": [{"generator": {"address": "a"}, "sink": {"address": "b"}}], "search": {"limit": -1}})",
                   "inventory inv.json: search.limit is -1: give seconds, more than 0 and at most 86400");
    expect_refused(R"({"defaults": {"key": "/k", "known_hosts": "/kh"}, "pairs": [{"generator": {"address": "a"}, "sink": {"address": "b"}}], "search": {"sizes": "64"}})",
                   "inventory inv.json: search has an unknown key 'sizes': accepted keys are args, limit");
}

TEST(Inventory, ASearchHasItsArgumentsAndALimit) {
    const Inventory inv = parse_inventory(
        R"({"defaults": {"key": "/k", "known_hosts": "/kh"}, "pairs": [{"generator": {"address": "a"}, "sink": {"address": "b"}}],
            "search": {"args": ["--sizes", "64,1518"], "limit": 900}})",
        "inv.json");
    EXPECT_EQ(inv.search.args, (std::vector<std::string>{"--sizes", "64,1518"}));
    EXPECT_EQ(inv.search.limit_s, 900);
    const Inventory none = parse_inventory(
        R"({"defaults": {"key": "/k", "known_hosts": "/kh"}, "pairs": [{"generator": {"address": "a"}, "sink": {"address": "b"}}]})",
        "inv.json");
    EXPECT_TRUE(none.search.args.empty());
    EXPECT_EQ(none.search.limit_s, 3600) << "an hour by default";
}

TEST(Inventory, AFileThatCannotBeReadIsNamed) {
    try {
        (void)load_inventory("/nonexistent/inv.json");
        FAIL();
    } catch (const OrchError& e) {
        EXPECT_EQ(e.code(), exit_code::bad_input);
        EXPECT_EQ(std::string(e.what()), "cannot read the inventory /nonexistent/inv.json: give a readable JSON file");
    }
}

}  // namespace
}  // namespace tg::orch
