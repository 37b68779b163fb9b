// `check`'s reading of a host: the probe's lines parsed, and each rule that explains a
// number (the clock, the TSC, hugepages, the IOMMU, SCTP's CRC32c offload, a missing
// trafficgen or NIC) on facts made for it. The quoting every remote command goes
// through, checked by a local shell that must give back each argument as it was.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "check.hpp"
#include "shell_quote.hpp"

namespace tg::orch {
namespace {

HostFacts healthy() {
    return parse_facts("kernel=6.1.0-13-amd64\ncpus=4\nnuma_nodes=1\nclocksource=tsc\n"
                       "tsc_flags=constant_tsc,nonstop_tsc\nhugepages_2m=512\nhugepages_1g=0\niommu_groups=20\n"
                       "noiommu=N\nsctp=loaded\nvfio_pci=loaded\nnic_pci=0000:03:00.0\nnic_present=yes\n"
                       "nic_driver=ixgbevf\nnic_iface=eth1\noffload_tx_sctp=on\ntrafficgen=trafficgen 0.1.0\n"
                       "a line with no key\n=no key\n");
}

HostSpec host() {
    HostSpec h;
    h.label = "pair1 sink";
    h.nic = NicSpec{NicSpec::Kind::pci, "0000:03:00.0", "vfio-pci"};
    h.hugepages = 512;
    return h;
}

std::string all(const std::vector<CheckNote>& notes) {
    std::string s;
    for (const auto& n : notes) s += n.text + "\n";
    return s;
}

TEST(Check, AHealthyHostGetsNoNotes) {
    const HostFacts f = healthy();
    EXPECT_EQ(f.at("trafficgen"), "trafficgen 0.1.0");
    EXPECT_EQ(f.count(""), 0u);
    EXPECT_TRUE(judge(host(), f).empty()) << all(judge(host(), f));
}

TEST(Check, EachProblemIsExplained) {
    struct Case {
        const char* key;
        const char* value;
        CheckNote::Level level;
        const char* says;
    };
    const Case cases[] = {
        {"trafficgen", "missing", CheckNote::Level::error, "trafficgen is not installed"},
        {"nic_present", "no", CheckNote::Level::error, "the NIC 0000:03:00.0 is not on the host"},
        {"clocksource", "hpet", CheckNote::Level::warning, "the clock source is hpet, not tsc"},
        {"tsc_flags", "constant_tsc", CheckNote::Level::warning, "the TSC is not invariant"},
        {"hugepages_2m", "100", CheckNote::Level::warning, "100 hugepages of 2 MB reserved, the inventory asks for 512"},
        {"offload_tx_sctp", "off", CheckNote::Level::warning, "does not compute SCTP's CRC32c"},
        {"vfio_pci", "absent", CheckNote::Level::error, "the vfio-pci module is not on the host"},
        {"sctp", "absent", CheckNote::Level::info, "no sctp module"},
    };
    for (const Case& c : cases) {
        HostFacts f = healthy();
        f[c.key] = c.value;
        const auto notes = judge(host(), f);
        ASSERT_EQ(notes.size(), 1u) << c.key << ": " << all(notes);
        EXPECT_EQ(notes[0].level, c.level) << c.key;
        EXPECT_NE(notes[0].text.find(c.says), std::string::npos) << notes[0].text;
    }
    // No IOMMU: vfio-pci needs the no-IOMMU mode.
    HostFacts f = healthy();
    f["iommu_groups"] = "0";
    ASSERT_EQ(judge(host(), f).size(), 1u);
    EXPECT_NE(judge(host(), f)[0].text.find("enable_unsafe_noiommu_mode"), std::string::npos);
    f["noiommu"] = "Y";
    EXPECT_TRUE(judge(host(), f).empty());
    // The SR-IOV plugin's variable, unset where the probe ran.
    HostSpec h = host();
    h.nic = NicSpec{NicSpec::Kind::sriov_env, "PCIDEVICE_X", "vfio-pci"};
    f = healthy();
    f["sriov_env_value"] = "";
    ASSERT_FALSE(judge(h, f).empty());
    EXPECT_EQ(judge(h, f)[0].text, "the SR-IOV device plugin's variable PCIDEVICE_X is not set on the host: is the VF "
                                   "attached to this VM or pod?");
}

TEST(Check, SaysWhichMemoryTheRunWillTake) {
    // A vfio NIC with the inventory's 512 hugepages: trafficgen takes them once provisioned.
    const profiles::MemoryPlan m = run_memory(host(), healthy());
    EXPECT_TRUE(m.hugepages);
    EXPECT_EQ(m.refusal, "");
    // A guest without a vIOMMU and no hugepages asked for: the run would be refused.
    HostSpec h = host();
    h.hugepages = 0;
    HostFacts f = healthy();
    f["iommu_groups"] = "0";
    f["noiommu"] = "Y";
    f["hugepages_2m"] = "0";
    const auto notes = judge(h, f);
    bool refused = false;
    for (const auto& n : notes) {
        if (n.level == CheckNote::Level::error && n.text.find("reserve at least 256 2 MB hugepages") != std::string::npos &&
            n.text.find("0000:03:00.0") != std::string::npos) {
            refused = true;
        }
    }
    EXPECT_TRUE(refused) << all(notes);
    // The same NIC left with its kernel driver (af_xdp/af_packet): no hugepages needed.
    h.nic->driver = "kernel";
    EXPECT_EQ(run_memory(h, f).refusal, "");
    EXPECT_FALSE(run_memory(h, f).hugepages);
}

std::string through_shell(const std::vector<std::string>& argv) {
    const std::string cmd = "sh -c " + shell_quote("printf '<%s>' " + shell_command(argv));
    std::string out;
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
        char buf[256];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
        ::pclose(p);
    }
    return out;
}

TEST(ShellQuote, EveryArgumentReachesTheProgramAsItWas) {
    const std::vector<std::string> argv = {"plain", "two words", "it's", "\"double\"", "$(touch /tmp/tg-pwned)",
                                           "`id`", "a;b", "back\\slash", "", "'", "new\nline", "*"};
    std::string expected;
    for (const auto& a : argv) expected += "<" + a + ">";
    EXPECT_EQ(through_shell(argv), expected);
    EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
}

}  // namespace
}  // namespace tg::orch
