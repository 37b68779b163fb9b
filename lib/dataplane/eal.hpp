// The DPDK environment of a run: started once, stopped once, with a runtime directory of
// its own so that runs never collide and nothing is left behind.
#pragma once

#include <string>
#include <vector>

namespace tg::dataplane {

struct EalOptions {
    std::string lcores;              // --lcores, or "" for the first two CPUs
    std::vector<std::string> vdevs;  // --vdev, each passed on as is
    std::vector<std::string> pci;    // devices to allow; none means --no-pci
    std::vector<std::string> extra;  // --eal: passed through last
    bool hugepages = false;          // without them, --no-huge -m <memory_mb>
    unsigned memory_mb = 512;
};

class Eal {
public:
    explicit Eal(const EalOptions& options);
    ~Eal();
    Eal(const Eal&) = delete;
    Eal& operator=(const Eal&) = delete;

    [[nodiscard]] const std::string& file_prefix() const noexcept { return prefix_; }
    [[nodiscard]] const std::vector<std::string>& arguments() const noexcept { return args_; }

private:
    std::string prefix_;
    std::vector<std::string> args_;
};

[[nodiscard]] std::string dpdk_version();

// The memory a started EAL uses: hugepages or not, and how DMA addresses are given to
// devices ("va": virtual addresses through an IOMMU or a virtual device; "pa": physical).
struct MemoryMode {
    bool hugepages = false;
    std::string iova;
};
[[nodiscard]] MemoryMode memory_mode();

// The CPUs an lcore of a started EAL may run on, and the control thread's lcore.
[[nodiscard]] std::vector<unsigned> lcore_cpus(unsigned lcore);
[[nodiscard]] unsigned main_lcore();

}  // namespace tg::dataplane
