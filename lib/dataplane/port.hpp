// An Ethernet port: found by name, its capabilities read, configured for the run (queues,
// RSS, MTU, the checksum offloads it has), and stopped and closed when the run ends.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

struct rte_mempool;

namespace tg::dataplane {

struct PortCapabilities {
    std::string name;
    std::string driver;
    std::string mac;
    std::uint16_t id = 0;
    std::uint32_t max_rx_pktlen = 0;
    std::uint16_t max_mtu = 0;
    std::uint16_t max_rx_queues = 0;
    std::uint16_t max_tx_queues = 0;
    std::uint32_t link_speed_mbps = 0;  // 0 when the port does not say
    int numa_node = -1;                 // the port's NUMA node; -1 when unknown (virtual devices)
    std::string device;                 // the bus's name for it: a PCI address, or the vdev's name
    std::string firmware;               // as the driver reports it; "" when it has none to say
    bool tx_ipv4_checksum = false;
    bool tx_udp_checksum = false;
    bool tx_tcp_checksum = false;
    bool tx_sctp_checksum = false;
    bool rx_ipv4_checksum = false;
    bool rx_udp_checksum = false;
    bool rx_tcp_checksum = false;
    bool rx_sctp_checksum = false;
    bool rss = false;
};

struct PortSetup {
    std::uint16_t rx_queues = 0;
    std::uint16_t tx_queues = 0;
    std::uint32_t max_frame = 1518;  // with FCS
    rte_mempool* rx_pool = nullptr;
    bool tx_checksum_offload = true;  // use the TX offloads the port has
};

struct LinkStatus {
    bool up = false;
    std::uint32_t speed_mbps = 0;  // 0 when unknown
    bool full_duplex = false;
    bool autoneg = false;
};

class Port {
public:
    // Throws DataplaneError naming the ports there are when `name` is not one of them.
    explicit Port(const std::string& name);
    ~Port();
    Port(const Port&) = delete;
    Port& operator=(const Port&) = delete;

    void start(const PortSetup& setup);

    [[nodiscard]] std::uint16_t id() const noexcept { return caps_.id; }
    [[nodiscard]] const PortCapabilities& capabilities() const noexcept { return caps_; }
    // The offloads actually enabled for TX by start().
    [[nodiscard]] bool offload_ip() const noexcept { return offload_ip_; }
    [[nodiscard]] bool offload_l4(int ip_protocol) const noexcept;

    struct Counters {
        std::uint64_t rx_packets = 0, tx_packets = 0, rx_bytes = 0, tx_bytes = 0, rx_missed = 0, rx_errors = 0,
                      tx_errors = 0, rx_nombuf = 0;
    };
    [[nodiscard]] Counters counters() const noexcept;

    // The link as the port sees it now, without waiting. For a port on a kernel interface
    // (af_xdp, af_packet), whose drivers call the link always up, the kernel's view of
    // that interface: its carrier and operational state, and its speed and duplex.
    [[nodiscard]] LinkStatus link() const;
    void use_kernel_link_of(std::string iface) { kernel_iface_ = std::move(iface); }

private:
    PortCapabilities caps_;
    bool started_ = false;
    std::string kernel_iface_;
    bool offload_ip_ = false, offload_udp_ = false, offload_tcp_ = false, offload_sctp_ = false;
};

[[nodiscard]] std::vector<std::string> port_names();

// Probes a device after EAL start (an af_xdp or af_packet interface); false when the
// driver refuses it.
[[nodiscard]] bool probe_device(const std::string& devargs);

}  // namespace tg::dataplane
