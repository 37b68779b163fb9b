// trafficgen-orch's provision and teardown over SSH, against a sysfs tree the test builds
// (hugepages, vfio's no-IOMMU switch, a NIC): each change is made, and put back by
// teardown, with a settings file trafficgen itself accepts. Then the whole sequence,
// `all`, on the lab: it runs, reports, and leaves the hosts as they were, also when
// Ctrl-C stops it mid-run. And trafficgen missing with no package to install.
#include <gtest/gtest.h>

#include <signal.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "fake_sysfs.hpp"
#include "lab.hpp"
#include "process.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const char* const hugepages = "kernel/mm/hugepages/hugepages-2048kB/nr_hugepages";
const char* const noiommu = "module/vfio/parameters/enable_unsafe_noiommu_mode";

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

json host(const Lab& lab, const char* addr, const json& nic) {
    return {{"address", lab[addr]}, {"key", lab["TG_SSH_KEY"]}, {"known_hosts", lab["TG_SSH_KNOWN_HOSTS"]},
            {"trafficgen", tool_path("TRAFFICGEN")}, {"nic", nic}};
}

CommandResult orch(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {tool_path("TG_ORCH")};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, 180);
}

TEST(OrchSteps, ProvisionChangesWhatARunNeedsAndTeardownPutsItBack) {
    TempDir dir;
    Lab lab({.ssh = true});
    FakeSysfs sys(dir / "sys");
    sys.add_driver("ixgbevf", true);
    sys.add_driver("vfio-pci", false);
    sys.add_device("0000:03:00.0", "ixgbevf", "eth1");
    // The sink's NIC, left with its kernel driver: its interface is the lab's own.
    sys.add_driver("i40e", true);
    sys.add_device("0000:04:00.0", "i40e", lab["TG_SINK_IF"]);
    sys.set_file(hugepages, "0\n");
    sys.set_file(noiommu, "N\n");
    sys.start();
    // Only the generator's NIC is bound; the sink's stays with its driver.
    json gen = host(lab, "TG_GEN_SSH_HOST", {{"iface", "eth1"}});
    gen["hugepages"] = 256;
    gen["lcores"] = "0@0,1@0";
    gen["data_ip"] = "198.18.0.1";
    json sink = host(lab, "TG_SINK_SSH_HOST", {{"iface", lab["TG_SINK_IF"]}, {"driver", "kernel"}});
    sink["data_ip"] = "198.19.0.1";
    sink["lcores"] = "0@1,1@1";  // a comma list, written as the inventory has it
    const std::string inv = dir / "inventory.json";
    std::ofstream(inv) << json{{"pairs", {{{"name", "rig"}, {"generator", gen}, {"sink", sink}}}}}.dump();
    const std::string etc = dir / "etc";
    const std::vector<std::string> paths = {"--inventory", inv, "--sysfs-root", sys.root(), "--state-dir", dir / "state",
                                            "--etc-dir", etc};
    auto with = [&](const char* step) {
        std::vector<std::string> a = {step};
        a.insert(a.end(), paths.begin(), paths.end());
        return a;
    };

    const auto p = orch(with("provision"));
    ASSERT_TRUE(p.exit.ok()) << p.exit.describe() << "\n" << p.out << p.err;
    EXPECT_EQ(sys.file(hugepages), "256");
    EXPECT_EQ(sys.file(noiommu), "Y") << "no IOMMU groups in this tree: vfio needs its no-IOMMU mode";
    EXPECT_NE(p.out.find("rig generator: hugepages 256, vfio-pci loaded (no-IOMMU mode), sctp "), std::string::npos) << p.out;
    // Both hosts share this machine's files: the settings file is the last host's, the sink's.
    const std::string conf = read_text(etc + "/trafficgen.conf");
    EXPECT_NE(conf.find("iface = " + lab["TG_SINK_IF"] + "\n"), std::string::npos) << conf;
    EXPECT_NE(conf.find("lcores = 0@1,1@1\n"), std::string::npos) << conf;
    // trafficgen takes the settings file it was given as its own, the lcores from it.
    const auto t = run(in_ns(lab["TG_SINK_NS"], {tool_path("TRAFFICGEN"), "--config", etc + "/trafficgen.conf", "sink",
                                                 "--duration", "1", "--json", dir / "sink.json"}),
                       60);
    EXPECT_TRUE(t.exit.ok()) << t.exit.describe() << ": " << t.err;
    EXPECT_EQ(load_report(dir / "sink.json")["settings"].value("lcores", ""), "0@1,1@1");

    const auto b = orch(with("bind"));
    ASSERT_TRUE(b.exit.ok()) << b.out << b.err;
    EXPECT_EQ(sys.driver_of("0000:03:00.0"), "vfio-pci");

    const auto d = orch(with("teardown"));
    ASSERT_TRUE(d.exit.ok()) << d.exit.describe() << "\n" << d.out << d.err;
    EXPECT_EQ(sys.driver_of("0000:03:00.0"), "ixgbevf");
    EXPECT_EQ(sys.file(hugepages), "0");
    EXPECT_EQ(sys.file(noiommu), "N");
    EXPECT_FALSE(fs::exists(etc + "/trafficgen.conf")) << "there was none before";
    EXPECT_FALSE(fs::exists(dir / "state")) << "nothing left to put back";
}

TEST(OrchSteps, MissingTrafficgenWithNoPackageIsSaidInOneSentence) {
    TempDir dir;
    Lab lab({.ssh = true});
    json gen = host(lab, "TG_GEN_SSH_HOST", {{"iface", lab["TG_GEN_IF"]}, {"driver", "kernel"}});
    gen["trafficgen"] = "/opt/nowhere/trafficgen";
    const json sink = host(lab, "TG_SINK_SSH_HOST", {{"iface", lab["TG_SINK_IF"]}, {"driver", "kernel"}});
    const std::string inv = dir / "inventory.json";
    std::ofstream(inv) << json{{"pairs", {{{"name", "rig"}, {"generator", gen}, {"sink", sink}}}}}.dump();
    const auto r = orch({"provision", "--inventory", inv, "--state-dir", dir / "state", "--etc-dir", dir / "etc"});
    EXPECT_EQ(r.exit.code, 4);
    EXPECT_EQ(r.err, "trafficgen-orch: rig generator: trafficgen is not installed (no '/opt/nowhere/trafficgen') and the "
                     "inventory gives no \"package\" to install: give the path of a trafficgen .deb or .rpm on this host\n");
}

std::string lab_inventory(const Lab& lab, const TempDir& dir, const json& run) {
    json gen = host(lab, "TG_GEN_SSH_HOST", {{"iface", lab["TG_GEN_IF"]}, {"driver", "kernel"}});
    gen["lcores"] = "0@0,1@0";
    gen["data_ip"] = lab["TG_GEN_IP4"];
    json sink = host(lab, "TG_SINK_SSH_HOST", {{"iface", lab["TG_SINK_IF"]}, {"driver", "kernel"}});
    sink["lcores"] = "0@1,1@1";
    sink["data_ip"] = lab["TG_SINK_IP4"];
    const std::string inv = dir / "inventory.json";
    std::ofstream(inv) << json{{"pairs", {{{"name", "lab"}, {"generator", gen}, {"sink", sink}}}}, {"run", run}}.dump();
    return inv;
}

TEST(OrchSteps, AllRunsTheSequenceAndLeavesTheHostsAsTheyWere) {
    TempDir dir;
    Lab lab({.ssh = true});
    const std::string etc = dir / "etc";
    fs::create_directories(etc);
    std::ofstream(etc + "/trafficgen.conf") << "# the host's own\n";
    const std::string inv = lab_inventory(lab, dir, {{"args", {"--proto", "udp", "--count", "10000", "--rate", "10kpps"}}});
    const std::string out = dir / "results";
    const auto r = orch({"all", "--inventory", inv, "--out", out, "--state-dir", dir / "state", "--etc-dir", etc});
    ASSERT_TRUE(r.exit.ok()) << r.exit.describe() << "\n" << r.out << r.err;
    const json joined = load_report(out + "/report.json");
    ASSERT_TRUE(joined.is_object()) << r.out;
    EXPECT_EQ(joined["pairs"][0]["protocols"]["udp"].value("sent", 0u), 10000u);
    EXPECT_EQ(joined["pairs"][0]["protocols"]["udp"].value("received", 0u), 10000u);
    EXPECT_TRUE(fs::exists(out + "/report.html"));
    EXPECT_EQ(read_text(etc + "/trafficgen.conf"), "# the host's own\n");
    EXPECT_FALSE(fs::exists(dir / "state"));
}

TEST(OrchSteps, CtrlCDuringAllStillReportsAndTearsDown) {
    TempDir dir;
    Lab lab({.ssh = true});
    const std::string etc = dir / "etc";
    const std::string inv = lab_inventory(lab, dir, {{"args", {"--proto", "udp", "--rate", "10kpps"}}, {"duration", 120}});
    const std::string out = dir / "results";
    Child o({tool_path("TG_ORCH"), "all", "--inventory", inv, "--out", out, "--state-dir", dir / "state", "--etc-dir", etc},
            dir / "orch");
    ASSERT_TRUE(o.wait_for_output("pairs sending", 60)) << o.out() << o.err();
    ::kill(o.pid(), SIGINT);
    const Exit e = o.wait(90);
    EXPECT_EQ(e.code, 130) << e.describe() << "\n" << o.out() << o.err();
    EXPECT_TRUE(fs::exists(out + "/lab/generator.json")) << o.out();
    EXPECT_TRUE(fs::exists(out + "/lab/sink.json")) << o.out();
    EXPECT_TRUE(fs::exists(out + "/report.html")) << o.out();
    EXPECT_FALSE(fs::exists(etc + "/trafficgen.conf")) << "teardown ran";
    EXPECT_FALSE(fs::exists(dir / "state"));
    const auto pids = run({"ip", "netns", "pids", lab["TG_GEN_NS"]}, 10).out + run({"ip", "netns", "pids", lab["TG_SINK_NS"]}, 10).out;
    std::istringstream in(pids);
    for (std::string pid; in >> pid;) {
        std::ifstream comm("/proc/" + pid + "/comm");
        std::string c;
        std::getline(comm, c);
        EXPECT_NE(c.rfind("trafficgen", 0), 0u) << "left running: " << pid;
    }
}

}  // namespace
}  // namespace tg::e2e
