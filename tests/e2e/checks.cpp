#include "checks.hpp"

namespace tg::e2e {

using ::testing::AssertionFailure;
using ::testing::AssertionResult;
using ::testing::AssertionSuccess;

AssertionResult counts_agree(std::uint64_t generator_sent, std::uint64_t veth_tx, std::uint64_t veth_rx,
                             std::uint64_t sink_frames) {
    if (generator_sent > 0 && generator_sent == veth_tx && veth_tx == veth_rx && veth_rx == sink_frames) {
        return AssertionSuccess() << generator_sent << " frames everywhere";
    }
    return AssertionFailure() << "generator sent " << generator_sent << ", the generator's veth sent " << veth_tx
                              << ", the sink's veth received " << veth_rx << ", the sink counted " << sink_frames;
}

AssertionResult loss_is_exact(const std::string& protocol, std::uint64_t sent, std::uint64_t received,
                              std::uint64_t sink_lost, std::uint64_t dropped) {
    if (dropped > 0 && sent >= received && sent - received == dropped && sink_lost == dropped) {
        return AssertionSuccess() << protocol << ": " << dropped << " lost, as counted by nftables";
    }
    return AssertionFailure() << protocol << ": nftables dropped " << dropped << "; sent " << sent << " - received "
                              << received << " = " << (static_cast<long long>(sent) - static_cast<long long>(received))
                              << "; the sink counted " << sink_lost << " lost";
}

AssertionResult all_checksums_good(const ChecksumVerdicts& v, std::uint64_t frames_sent) {
    std::uint64_t bad = 0, unverified = 0;
    for (const auto& [k, n] : v.bad) bad += n;
    for (const auto& [k, n] : v.unverified) unverified += n;
    if (v.frames == frames_sent && frames_sent > 0 && bad == 0 && unverified == 0) {
        return AssertionSuccess() << v.frames << " frames, every checksum good";
    }
    AssertionResult r = AssertionFailure();
    r << "capture holds " << v.frames << " of " << frames_sent << " frames sent;";
    for (const auto& [k, n] : v.bad) r << " " << n << " bad " << k << " checksums;";
    for (const auto& [k, n] : v.unverified) r << " " << n << " unverified " << k << " checksums;";
    return r;
}

AssertionResult kernel_took_every_datagram(std::uint64_t sent, std::uint64_t socket_received,
                                           std::uint64_t kernel_in_datagrams, std::uint64_t kernel_checksum_errors) {
    if (sent > 0 && socket_received == sent && kernel_in_datagrams == sent && kernel_checksum_errors == 0) {
        return AssertionSuccess() << sent << " datagrams taken by the kernel";
    }
    return AssertionFailure() << "sent " << sent << " datagrams; the socket received " << socket_received
                              << ", the kernel counted " << kernel_in_datagrams << " in (UdpInDatagrams) and "
                              << kernel_checksum_errors << " checksum errors (UdpInCsumErrors)";
}

AssertionResult loss_is_the_qdiscs(std::uint64_t sent, std::uint64_t received, const QdiscCounters& q,
                                   std::uint64_t presence) {
    if (q.drops > 0 && sent >= received && sent - received == q.drops && q.packets == received + presence) {
        return AssertionSuccess() << q.drops << " dropped by the qdisc, all of the loss";
    }
    return AssertionFailure() << "sent " << sent << ", received " << received << " (lost "
                              << (static_cast<long long>(sent) - static_cast<long long>(received))
                              << "); the qdisc passed " << q.packets << " (the sink saw " << presence
                              << " frames of ARP and ping besides) and dropped " << q.drops;
}

}  // namespace tg::e2e
