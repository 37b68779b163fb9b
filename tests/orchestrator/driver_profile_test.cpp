// drivers-config: every profile the project ships reads whole, one per driver the
// issue names, each with the driver to bind, offloads and quirks; a bad profile is
// refused naming the file and the field; check reports a NIC's profile.
#include <gtest/gtest.h>

#include <cstdlib>
#include <set>

#include "check.hpp"
#include "profiles/driver_profile.hpp"

namespace tg::profiles {
namespace {

std::string dir() {
    const char* d = std::getenv("TG_DRIVERS_CONFIG");
    return d != nullptr ? d : "";
}

TEST(DriverProfiles, EveryShippedProfileReadsWhole) {
    const auto all = load_profiles(dir());
    std::set<std::string> names;
    for (const auto& p : all) {
        names.insert(p.name);
        EXPECT_FALSE(p.pmd.empty()) << p.name;
        EXPECT_TRUE(p.bind == "vfio-pci" || p.bind == "kernel") << p.name << ": " << p.bind;
        EXPECT_FALSE(p.quirks.empty()) << p.name;
        EXPECT_FALSE(p.description.empty()) << p.name;
    }
    EXPECT_EQ(names, (std::set<std::string>{"af_packet", "af_xdp", "i40e", "iavf", "ice", "ixgbevf", "memif", "mlx5", "virtio"}));
    // What the project knows of SCTP's CRC32c: Intel's NICs compute it, ConnectX and virtio do not.
    EXPECT_TRUE(find_by_pmd(all, "net_iavf")->offloads.sctp_crc32c);
    EXPECT_FALSE(find_by_pmd(all, "mlx5_pci")->offloads.sctp_crc32c);
    EXPECT_FALSE(find_by_kernel_driver(all, "virtio_net")->offloads.sctp_crc32c);
    EXPECT_EQ(find_by_kernel_driver(all, "mlx5_core")->bind, "kernel");
    EXPECT_FALSE(find_by_pmd(all, "net_ring"));
}

TEST(DriverProfiles, ABadProfileIsRefusedNamingTheFileAndTheField) {
    const std::string ok = R"({"schema": "trafficgen.driver_profile", "name": "x", "pmd": "net_x", "bind": "vfio-pci",
                              "offloads": {"ipv4_checksum": true, "udp_checksum": true, "tcp_checksum": true, "sctp_crc32c": true}})";
    EXPECT_EQ(parse_profile(ok, "/p/x.json").pmd, "net_x");
    auto refused = [](const std::string& text, const std::string& path) {
        try {
            (void)parse_profile(text, path);
            return std::string("accepted");
        } catch (const ProfileError& e) {
            return std::string(e.what());
        }
    };
    EXPECT_EQ(refused("[]", "/p/x.json"), "driver profile /p/x.json is not a JSON object");
    EXPECT_EQ(refused(R"({"schema": "trafficgen.driver_profile", "name": "x", "pmd": "net_x", "bind": "vfio-pci",
                         "offloads": {"ipv4_checksum": true}})",
                      "/p/x.json"),
              "driver profile /p/x.json: \"offloads\" needs \"udp_checksum\": true or false");
    EXPECT_EQ(refused(ok, "/p/y.json"), "driver profile /p/y.json is named 'x': give it the file's name, 'y'");
    try {
        (void)load_profile(dir(), "e1000");
        FAIL();
    } catch (const ProfileError& e) {
        EXPECT_NE(std::string(e.what()).find("there is no driver profile 'e1000' in "), std::string::npos);
        EXPECT_NE(std::string(e.what()).find(": give one of af_packet, af_xdp, i40e, iavf, ice, ixgbevf, memif, mlx5, virtio"),
                  std::string::npos);
    }
}

TEST(DriverProfiles, CheckNamesTheProfileOfTheNicsDriverAndItsQuirks) {
    orch::HostSpec h;
    h.nic = orch::NicSpec{orch::NicSpec::Kind::pci, "0000:03:00.0", "vfio-pci"};
    const orch::HostFacts f = orch::parse_facts("clocksource=tsc\ntsc_flags=constant_tsc,nonstop_tsc\nhugepages_2m=64\n"
                                                "iommu_groups=3\nvfio_pci=loaded\nnic_present=yes\nnic_driver=ixgbevf\n"
                                                "trafficgen=trafficgen 0.1.0\n");
    const auto notes = orch::judge(h, f, load_profiles(dir()));
    ASSERT_FALSE(notes.empty());
    EXPECT_EQ(notes[0].text, "drivers-config profile ixgbevf: bind to vfio-pci, SCTP CRC32c offload yes");
    EXPECT_NE(notes[1].text.find("ixgbevf: The VF drops frames whose source MAC is not its own"), std::string::npos);
}

}  // namespace
}  // namespace tg::profiles
