#include "dataplane/port.hpp"

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ether.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "dataplane/dataplane_error.hpp"

namespace tg::dataplane {

namespace {

constexpr std::uint16_t rx_descriptors = 1024;
constexpr std::uint16_t tx_descriptors = 1024;

std::string port_name(std::uint16_t id) {
    char name[RTE_ETH_NAME_MAX_LEN];
    if (rte_eth_dev_get_name_by_port(id, name) != 0) return "port " + std::to_string(id);
    return name;
}

}  // namespace

std::vector<std::string> port_names() {
    std::vector<std::string> names;
    for (std::uint64_t id = rte_eth_find_next_owned_by(0, RTE_ETH_DEV_NO_OWNER); id < RTE_MAX_ETHPORTS;
         id = rte_eth_find_next_owned_by(static_cast<std::uint16_t>(id + 1), RTE_ETH_DEV_NO_OWNER)) {
        names.push_back(port_name(static_cast<std::uint16_t>(id)));
    }
    return names;
}

bool probe_device(const std::string& devargs) { return rte_dev_probe(devargs.c_str()) == 0; }

Port::Port(const std::string& name) {
    std::uint16_t id = 0;
    if (rte_eth_dev_get_port_by_name(name.c_str(), &id) != 0) {
        std::string known;
        for (const auto& n : port_names()) known += (known.empty() ? "" : ", ") + n;
        throw DataplaneError("port '" + name + "' does not exist; the ports DPDK found are: " +
                             (known.empty() ? "none" : known));
    }
    rte_eth_dev_info info{};
    if (rte_eth_dev_info_get(id, &info) != 0) throw DataplaneError("cannot read the capabilities of port " + name);
    caps_.name = name;
    caps_.id = id;
    caps_.driver = info.driver_name ? info.driver_name : "unknown";
    caps_.max_rx_pktlen = info.max_rx_pktlen;
    caps_.max_mtu = info.max_mtu;
    caps_.max_rx_queues = info.max_rx_queues;
    caps_.max_tx_queues = info.max_tx_queues;
    caps_.tx_ipv4_checksum = info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
    caps_.tx_udp_checksum = info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
    caps_.tx_tcp_checksum = info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
    caps_.tx_sctp_checksum = info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_SCTP_CKSUM;
    caps_.rx_ipv4_checksum = info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
    caps_.rx_udp_checksum = info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
    caps_.rx_tcp_checksum = info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_TCP_CKSUM;
    caps_.rx_sctp_checksum = info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCTP_CKSUM;
    caps_.rss = info.flow_type_rss_offloads != 0;
    rte_ether_addr mac{};
    if (rte_eth_macaddr_get(id, &mac) == 0) {
        char buf[RTE_ETHER_ADDR_FMT_SIZE];
        rte_ether_format_addr(buf, sizeof(buf), &mac);
        caps_.mac = buf;
    }
    rte_eth_link link{};
    if (rte_eth_link_get_nowait(id, &link) == 0 && link.link_speed != RTE_ETH_SPEED_NUM_UNKNOWN) {
        caps_.link_speed_mbps = link.link_speed;
    }
    caps_.numa_node = rte_eth_dev_socket_id(id);
    if (info.device != nullptr && rte_dev_name(info.device) != nullptr) caps_.device = rte_dev_name(info.device);
    char fw[128] = {};
    if (rte_eth_dev_fw_version_get(id, fw, sizeof fw) == 0) caps_.firmware = fw;
}

void Port::start(const PortSetup& s) {
    const std::string& name = caps_.name;
    if (s.rx_queues > caps_.max_rx_queues || s.tx_queues > caps_.max_tx_queues) {
        throw DataplaneError("port " + name + " has " + std::to_string(caps_.max_rx_queues) + " RX and " +
                             std::to_string(caps_.max_tx_queues) + " TX queues; the run needs " +
                             std::to_string(s.rx_queues) + " and " + std::to_string(s.tx_queues));
    }
    // The frame the port must carry, without FCS.
    const std::uint32_t frame = s.max_frame - RTE_ETHER_CRC_LEN;
    if (frame > caps_.max_rx_pktlen) {
        throw DataplaneError("frame size " + std::to_string(s.max_frame) + " is above what port " + name +
                             " carries (" + std::to_string(caps_.max_rx_pktlen + RTE_ETHER_CRC_LEN) + " with FCS)");
    }
    rte_eth_conf conf{};
    if (s.rx_queues > 1 && caps_.rss) {
        conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
        rte_eth_dev_info info{};
        rte_eth_dev_info_get(caps_.id, &info);
        conf.rx_adv_conf.rss_conf.rss_hf = (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_SCTP) &
                                           info.flow_type_rss_offloads;
    }
    if (s.tx_checksum_offload) {
        offload_ip_ = caps_.tx_ipv4_checksum;
        offload_udp_ = caps_.tx_udp_checksum;
        offload_tcp_ = caps_.tx_tcp_checksum;
        offload_sctp_ = caps_.tx_sctp_checksum;
        if (offload_ip_) conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
        if (offload_udp_) conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
        if (offload_tcp_) conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
        if (offload_sctp_) conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_SCTP_CKSUM;
    }
    // RX checksum flags where the port offers them; the sink checks the rest in software.
    if (caps_.rx_ipv4_checksum) conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
    if (caps_.rx_udp_checksum) conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
    if (caps_.rx_tcp_checksum) conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_TCP_CKSUM;
    if (caps_.rx_sctp_checksum) conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCTP_CKSUM;
    const std::uint16_t rxq = std::max<std::uint16_t>(s.rx_queues, 1);
    const std::uint16_t txq = std::max<std::uint16_t>(s.tx_queues, 1);
    int rc = rte_eth_dev_configure(caps_.id, rxq, txq, &conf);
    if (rc != 0) throw DataplaneError("cannot configure port " + name + ": " + rte_strerror(-rc));
    // Jumbo frames need the MTU raised where the port has one to raise.
    const std::uint32_t mtu = frame - RTE_ETHER_HDR_LEN - 8;  // room for two VLAN tags
    if (mtu > RTE_ETHER_MTU && caps_.max_mtu >= mtu) {
        rc = rte_eth_dev_set_mtu(caps_.id, static_cast<std::uint16_t>(mtu));
        if (rc != 0 && rc != -ENOTSUP) {
            throw DataplaneError("cannot set MTU " + std::to_string(mtu) + " on port " + name + ": " + rte_strerror(-rc));
        }
    }
    const int socket = rte_eth_dev_socket_id(caps_.id);
    const unsigned sock = socket < 0 ? 0u : static_cast<unsigned>(socket);
    for (std::uint16_t q = 0; q < rxq; ++q) {
        if (s.rx_pool == nullptr) throw DataplaneError("port " + name + " needs an RX pool");
        rc = rte_eth_rx_queue_setup(caps_.id, q, rx_descriptors, sock, nullptr, s.rx_pool);
        if (rc != 0) throw DataplaneError("cannot set up RX queue " + std::to_string(q) + " of port " + name + ": " + rte_strerror(-rc));
    }
    rte_eth_dev_info info{};
    rte_eth_dev_info_get(caps_.id, &info);
    rte_eth_txconf txconf = info.default_txconf;
    txconf.offloads = conf.txmode.offloads;
    for (std::uint16_t q = 0; q < txq; ++q) {
        rc = rte_eth_tx_queue_setup(caps_.id, q, tx_descriptors, sock, &txconf);
        if (rc != 0) throw DataplaneError("cannot set up TX queue " + std::to_string(q) + " of port " + name + ": " + rte_strerror(-rc));
    }
    rc = rte_eth_dev_start(caps_.id);
    if (rc != 0) throw DataplaneError("cannot start port " + name + ": " + rte_strerror(-rc));
    started_ = true;
    // A sink must see frames for any MAC; some drivers refuse, which is fine for them.
    (void)rte_eth_promiscuous_enable(caps_.id);
    rte_eth_stats_reset(caps_.id);
}

bool Port::offload_l4(int ip_protocol) const noexcept {
    switch (ip_protocol) {
        case 6: return offload_tcp_;
        case 17: return offload_udp_;
        case 132: return offload_sctp_;
        default: return false;
    }
}

namespace {

std::string first_line(const std::string& path) {
    std::ifstream in(path);
    std::string s;
    std::getline(in, s);
    return s;
}

}  // namespace

LinkStatus Port::link() const {
    LinkStatus l;
    if (!kernel_iface_.empty()) {
        const std::string dir = "/sys/class/net/" + kernel_iface_ + "/";
        l.up = first_line(dir + "carrier") == "1" && first_line(dir + "operstate") != "down";
        const std::string speed = first_line(dir + "speed");  // "-1" or unreadable on veth: unknown
        if (!speed.empty() && speed[0] != '-') l.speed_mbps = static_cast<std::uint32_t>(std::strtoul(speed.c_str(), nullptr, 10));
        l.full_duplex = first_line(dir + "duplex") == "full";
        return l;
    }
    rte_eth_link link{};
    if (rte_eth_link_get_nowait(caps_.id, &link) != 0) return l;
    l.up = link.link_status == RTE_ETH_LINK_UP;
    l.speed_mbps = link.link_speed == RTE_ETH_SPEED_NUM_UNKNOWN ? 0 : link.link_speed;
    l.full_duplex = link.link_duplex == RTE_ETH_LINK_FULL_DUPLEX;
    l.autoneg = link.link_autoneg == RTE_ETH_LINK_AUTONEG;
    return l;
}

Port::Counters Port::counters() const noexcept {
    rte_eth_stats st{};
    Counters c;
    if (rte_eth_stats_get(caps_.id, &st) != 0) return c;
    c.rx_packets = st.ipackets;
    c.tx_packets = st.opackets;
    c.rx_bytes = st.ibytes;
    c.tx_bytes = st.obytes;
    c.rx_missed = st.imissed;
    c.rx_errors = st.ierrors;
    c.tx_errors = st.oerrors;
    c.rx_nombuf = st.rx_nombuf;
    return c;
}

Port::~Port() {
    if (started_) (void)rte_eth_dev_stop(caps_.id);
    (void)rte_eth_dev_close(caps_.id);
}

}  // namespace tg::dataplane
