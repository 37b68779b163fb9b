// `trafficgen-orch bind` and `unbind` over SSH against a sysfs tree the test builds,
// whose kernel (fake_sysfs.hpp) logs every write in order: the NIC is unbound from its
// driver, driver_override names vfio-pci, vfio-pci binds it; the restore unbinds it,
// clears the override and gives it back to its driver, and its interface returns. The
// same scripts write /sys on a real host. A NIC that is not there, a driver that is not
// loaded and a kernel that will not bind each give one sentence.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "fake_sysfs.hpp"
#include "lab.hpp"
#include "process.hpp"

namespace tg::e2e {
namespace {

using Writes = std::vector<std::string>;

struct NicRig {
    TempDir dir;
    Lab lab{{.ssh = true}};
    FakeSysfs sys{dir / "sys"};
    std::string state = dir / "state";

    NicRig() {
        sys.add_driver("ixgbevf", true);
        sys.add_driver("i40e", true);
        sys.add_driver("vfio-pci", false);
        sys.add_device("0000:03:00.0", "ixgbevf", "eth1");
        sys.add_device("0000:04:00.1", "i40e", "ens4f1");
        sys.start();
    }

    // The generator names its NIC by interface, the sink by PCI address.
    std::string inventory(const std::string& gen_nic, const std::string& sink_nic) {
        const std::string path = dir / "inventory.json";
        auto host = [&](const char* addr, const std::string& nic) {
            return nlohmann::json{{"address", lab[addr]}, {"key", lab["TG_SSH_KEY"]},
                                  {"known_hosts", lab["TG_SSH_KNOWN_HOSTS"]}, {"nic", nlohmann::json::parse(nic)}};
        };
        nlohmann::json inv = {{"pairs", {{{"name", "rig"},
                                          {"generator", host("TG_GEN_SSH_HOST", gen_nic)},
                                          {"sink", host("TG_SINK_SSH_HOST", sink_nic)}}}}};
        std::ofstream(path) << inv.dump();
        return path;
    }

    CommandResult orch(const std::string& step, const std::string& inv) {
        return run({tool_path("TG_ORCH"), step, "--inventory", inv, "--sysfs-root", sys.root(), "--state-dir", state}, 120);
    }
};

TEST(OrchNic, BindGoesThroughDriverOverrideAndUnbindRestoresTheDriverItHad) {
    NicRig rig;
    const std::string inv = rig.inventory(R"({"iface": "eth1"})", R"({"pci": "0000:04:00.1"})");
    const auto b = rig.orch("bind", inv);
    ASSERT_TRUE(b.exit.ok()) << b.exit.describe() << "\n" << b.out << b.err;
    EXPECT_EQ(rig.sys.writes(), (Writes{
                                    "bus/pci/drivers/ixgbevf/unbind <- 0000:03:00.0",
                                    "bus/pci/devices/0000:03:00.0/driver_override <- vfio-pci",
                                    "bus/pci/drivers/vfio-pci/bind <- 0000:03:00.0",
                                    "bus/pci/drivers/i40e/unbind <- 0000:04:00.1",
                                    "bus/pci/devices/0000:04:00.1/driver_override <- vfio-pci",
                                    "bus/pci/drivers/vfio-pci/bind <- 0000:04:00.1",
                                }));
    EXPECT_EQ(rig.sys.driver_of("0000:03:00.0"), "vfio-pci");
    EXPECT_EQ(rig.sys.driver_of("0000:04:00.1"), "vfio-pci");
    EXPECT_FALSE(rig.sys.has_interface("eth1"));
    EXPECT_NE(b.out.find("rig generator: NIC 0000:03:00.0 (eth1) bound to vfio-pci, was ixgbevf"), std::string::npos) << b.out;
    EXPECT_NE(b.out.find("rig sink: NIC 0000:04:00.1 (ens4f1) bound to vfio-pci, was i40e"), std::string::npos) << b.out;

    // Bound again: nothing to write, and the driver it had is still remembered.
    rig.sys.clear_writes();
    const auto again = rig.orch("bind", inv);
    ASSERT_TRUE(again.exit.ok()) << again.out << again.err;
    EXPECT_TRUE(rig.sys.writes().empty());
    EXPECT_NE(again.out.find("bound to vfio-pci, was ixgbevf"), std::string::npos) << again.out;

    const auto u = rig.orch("unbind", inv);
    ASSERT_TRUE(u.exit.ok()) << u.exit.describe() << "\n" << u.out << u.err;
    EXPECT_EQ(rig.sys.writes(), (Writes{
                                    "bus/pci/drivers/vfio-pci/unbind <- 0000:03:00.0",
                                    "bus/pci/devices/0000:03:00.0/driver_override <- ",
                                    "bus/pci/drivers/ixgbevf/bind <- 0000:03:00.0",
                                    "bus/pci/drivers/vfio-pci/unbind <- 0000:04:00.1",
                                    "bus/pci/devices/0000:04:00.1/driver_override <- ",
                                    "bus/pci/drivers/i40e/bind <- 0000:04:00.1",
                                }));
    EXPECT_EQ(rig.sys.driver_of("0000:03:00.0"), "ixgbevf");
    EXPECT_EQ(rig.sys.driver_of("0000:04:00.1"), "i40e");
    EXPECT_EQ(rig.sys.override_of("0000:03:00.0"), "");
    EXPECT_TRUE(rig.sys.has_interface("eth1")) << "the interface is back with its driver";
    EXPECT_NE(u.out.find("rig generator: NIC 0000:03:00.0 back to ixgbevf"), std::string::npos) << u.out;
    EXPECT_TRUE(std::filesystem::is_empty(rig.state)) << "nothing left to restore";

    // Restored already: left alone.
    rig.sys.clear_writes();
    const auto twice = rig.orch("unbind", inv);
    EXPECT_TRUE(twice.exit.ok());
    EXPECT_TRUE(rig.sys.writes().empty());
    EXPECT_NE(twice.out.find("was not bound by trafficgen-orch: left as it is"), std::string::npos) << twice.out;
}

TEST(OrchNic, WithNoDriverNamedTheProfileOfTheNicsDriverDecides) {
    NicRig rig;
    rig.sys.add_driver("mlx5_core", true);
    rig.sys.add_device("0000:05:00.0", "mlx5_core", "ens5f0np0");
    const std::string inv = rig.inventory(R"({"pci": "0000:03:00.0"})", R"({"pci": "0000:05:00.0"})");
    const auto b = run({tool_path("TG_ORCH"), "bind", "--inventory", inv, "--sysfs-root", rig.sys.root(), "--state-dir",
                        rig.state, "--drivers-config", TG_DRIVERS_CONFIG_SOURCE},
                       120);
    ASSERT_TRUE(b.exit.ok()) << b.out << b.err;
    // ixgbevf's profile binds to vfio-pci; mlx5's keeps the kernel's driver (DPDK drives it through it).
    EXPECT_EQ(rig.sys.driver_of("0000:03:00.0"), "vfio-pci");
    EXPECT_EQ(rig.sys.driver_of("0000:05:00.0"), "mlx5_core");
    EXPECT_NE(b.out.find("rig sink: NIC 0000:05:00.0 stays with its driver (drivers-config profile mlx5"), std::string::npos)
        << b.out;
    for (const auto& w : rig.sys.writes()) EXPECT_EQ(w.find("0000:05:00.0"), std::string::npos) << w;
    ASSERT_TRUE(rig.orch("unbind", inv).exit.ok());
    EXPECT_EQ(rig.sys.driver_of("0000:03:00.0"), "ixgbevf");
}

TEST(OrchNic, ANicThatCannotBeBoundIsSaidInOneSentenceAndCanStillBeRestored) {
    NicRig rig;
    {
        const auto r = rig.orch("bind", rig.inventory(R"({"pci": "0000:09:00.0"})", R"({"pci": "0000:04:00.1"})"));
        EXPECT_EQ(r.exit.code, 4) << r.out << r.err;
        EXPECT_EQ(r.err, "trafficgen-orch: rig generator: cannot bind its NIC: there is no PCI device 0000:09:00.0 on "
                         "this host\n");
        EXPECT_TRUE(rig.sys.writes().empty());
    }
    {
        const auto r = rig.orch("bind", rig.inventory(R"({"pci": "0000:03:00.0", "driver": "uio_pci_generic"})",
                                                      R"({"pci": "0000:04:00.1"})"));
        EXPECT_EQ(r.exit.code, 4);
        EXPECT_EQ(r.err, "trafficgen-orch: rig generator: cannot bind its NIC: the driver uio_pci_generic is not "
                         "loaded (modprobe uio_pci_generic; provision loads vfio-pci)\n");
        EXPECT_TRUE(rig.sys.writes().empty());
    }
    {
        // vfio-pci will not take it (a device in a shared IOMMU group, say).
        rig.sys.refuse("0000:03:00.0", "vfio-pci");
        const std::string inv = rig.inventory(R"({"pci": "0000:03:00.0"})", R"({"pci": "0000:04:00.1"})");
        const auto r = rig.orch("bind", inv);
        EXPECT_EQ(r.exit.code, 4);
        EXPECT_EQ(r.err, "trafficgen-orch: rig generator: cannot bind its NIC: the kernel did not bind 0000:03:00.0 to "
                         "vfio-pci (its log says why: dmesg | tail)\n");
        // Half done, and `unbind` gives it back to the driver it had.
        const auto u = rig.orch("unbind", inv);
        EXPECT_TRUE(u.exit.ok()) << u.out << u.err;
        EXPECT_EQ(rig.sys.driver_of("0000:03:00.0"), "ixgbevf");
        EXPECT_EQ(rig.sys.override_of("0000:03:00.0"), "");
    }
}

}  // namespace
}  // namespace tg::e2e
