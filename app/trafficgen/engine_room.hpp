// Where a run's engines live: the EAL with its lcores, the port, and the pools, opened
// from the settings before any traffic is planned. Its members are declared in the order
// they must outlive each other: the EAL first, the pools before the port (a stopped
// port lets go of their mbufs before they are freed).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dataplane/eal.hpp"
#include "dataplane/mempools.hpp"
#include "dataplane/port.hpp"
#include "options.hpp"
#include "profiles/driver_profile.hpp"
#include "profiles/memory_plan.hpp"

namespace tg::app {

struct EngineRoom {
    std::unique_ptr<dataplane::Eal> eal;
    profiles::MemoryPlan memory_plan;
    std::vector<unsigned> workers;    // every engine lcore
    std::vector<unsigned> tx_lcores;  // the generator's
    std::vector<unsigned> rx_lcores;  // the sink's
    // A loopback with one engine lcore: its generator and sink take turns there.
    bool paired = false;
    std::vector<std::unique_ptr<dataplane::Mempool>> pools;  // the templates'
    std::unique_ptr<dataplane::Mempool> rx_pool;
    // The receiving port's own (af_xdp makes a port's UMEM of its pool: two ports cannot share one).
    std::unique_ptr<dataplane::Mempool> rx_port_pool;
    std::unique_ptr<dataplane::Port> port;  // not started
    dataplane::PortCapabilities caps;
    // Two ports in one process (--rx-iface, --rx-vdev, --rx-pci): the sink receives on this
    // one what the generator sent on the other, through a device under test or a cable.
    std::unique_ptr<dataplane::Port> rx_port;
    dataplane::PortCapabilities rx_caps;
    std::optional<profiles::DriverProfile> named;    // the profile --driver-profile names
    std::optional<profiles::DriverProfile> profile;  // the port's, named or found by its driver
};

// Starts the EAL (lcores, memory, devices) and opens the port (and the receiving port,
// if one is named): af_xdp or af_packet for an interface as the run needs. Throws ConfigError or DataplaneError with one sentence.
[[nodiscard]] EngineRoom open_engine_room(const Options& o);

// Two ports: starts the receiving one like the sending one's `setup`, with a pool of its
// own and a TX queue per receiving lcore (it answers ARP, neighbour solicitations and
// ping for the destination, so a router in between finds it), and waits for its link.
void start_rx_port(EngineRoom& room, const dataplane::PortSetup& setup, std::uint32_t max_frame, const Options& o);

// The lcores when --lcores is not given: the control thread on a CPU of its own.
[[nodiscard]] std::string default_lcores(Role role);

// The EAL's engine lcores, in order.
[[nodiscard]] std::vector<unsigned> worker_lcores();

}  // namespace tg::app
