// The comparisons the end-to-end tests make between trafficgen's numbers and ground truth.
// Each is an assertion result, so that a test can show both that it holds on a sound path
// and that it fails on a sabotaged one.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "judges.hpp"

namespace tg::e2e {

// Frames: the generator's report, the veth's TX and RX counters, the sink's report.
::testing::AssertionResult counts_agree(std::uint64_t generator_sent, std::uint64_t veth_tx, std::uint64_t veth_rx,
                                        std::uint64_t sink_frames);

// Loss of one protocol: the sink's own loss count (sequence gaps) and sent minus received
// both equal the packets an nftables rule dropped.
::testing::AssertionResult loss_is_exact(const std::string& protocol, std::uint64_t sent, std::uint64_t received,
                                         std::uint64_t sink_lost, std::uint64_t dropped);

// Every checksum in the capture is good, and the capture holds every frame sent.
::testing::AssertionResult all_checksums_good(const ChecksumVerdicts& v, std::uint64_t frames_sent);

// A kernel socket received every datagram sent, and the kernel counted no checksum error.
::testing::AssertionResult kernel_took_every_datagram(std::uint64_t sent, std::uint64_t socket_received,
                                                      std::uint64_t kernel_in_datagrams,
                                                      std::uint64_t kernel_checksum_errors);

// Sent minus received equals the qdisc's drops, and the sink got what the qdisc passed.
// `presence`: frames of ARP and ping the qdisc passed besides the test packets.
::testing::AssertionResult loss_is_the_qdiscs(std::uint64_t sent, std::uint64_t received, const QdiscCounters& q,
                                              std::uint64_t presence = 0);

}  // namespace tg::e2e
