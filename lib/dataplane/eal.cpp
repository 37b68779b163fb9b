#include "dataplane/eal.hpp"

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_version.h>
#include <unistd.h>

#include <filesystem>

#include "dataplane/dataplane_error.hpp"

namespace tg::dataplane {

Eal::Eal(const EalOptions& o) : prefix_("tg" + std::to_string(::getpid())) {
    args_ = {"trafficgen", "--file-prefix", prefix_, "--no-telemetry", "--log-level", "lib.eal:error",
             "--log-level", "pmd.net.*:warning"};
    if (!o.hugepages) {
        args_.insert(args_.end(), {"--no-huge", "-m", std::to_string(o.memory_mb)});
    } else {
        args_.push_back("--huge-unlink");
    }
    if (!o.lcores.empty()) {
        args_.insert(args_.end(), {"--lcores", o.lcores});
    } else {
        args_.insert(args_.end(), {"-l", "0,1"});
    }
    for (const auto& v : o.vdevs) args_.insert(args_.end(), {"--vdev", v});
    if (o.pci.empty()) {
        args_.push_back("--no-pci");
    } else {
        for (const auto& p : o.pci) args_.insert(args_.end(), {"-a", p});
    }
    args_.insert(args_.end(), o.extra.begin(), o.extra.end());

    std::vector<char*> argv;
    for (auto& a : args_) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (rte_eal_init(static_cast<int>(argv.size() - 1), argv.data()) < 0) {
        const std::string why = rte_strerror(rte_errno);
        std::string cmd;
        for (const auto& a : args_) cmd += " " + a;
        // The runtime directory may already exist; a failed start must not leave it.
        std::error_code ec;
        std::filesystem::remove_all("/var/run/dpdk/" + prefix_, ec);
        throw DataplaneError("DPDK could not start (" + why + ") with:" + cmd);
    }
}

Eal::~Eal() {
    rte_eal_cleanup();
    std::error_code ec;
    std::filesystem::remove_all("/var/run/dpdk/" + prefix_, ec);
}

std::string dpdk_version() { return rte_version(); }

}  // namespace tg::dataplane

namespace tg::dataplane {

MemoryMode memory_mode() {
    MemoryMode m;
    m.hugepages = rte_eal_has_hugepages() != 0;
    const rte_iova_mode iova = rte_eal_iova_mode();
    m.iova = iova == RTE_IOVA_PA ? "pa" : iova == RTE_IOVA_VA ? "va" : "unknown";
    return m;
}

std::vector<unsigned> lcore_cpus(unsigned lcore) {
    const rte_cpuset_t set = rte_lcore_cpuset(lcore);
    std::vector<unsigned> cpus;
    for (unsigned c = 0; c < CPU_SETSIZE; ++c) {
        if (CPU_ISSET(c, &set)) cpus.push_back(c);
    }
    return cpus;
}

unsigned main_lcore() { return rte_get_main_lcore(); }

}  // namespace tg::dataplane
