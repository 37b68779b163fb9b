// What the request/response tests check of every run: the generator's transactions
// block, and a capture on the wire while a run goes.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "lab.hpp"
#include "process.hpp"

namespace tg::e2e {

// The report's "generator.request_response" block (an empty object when there is none).
const nlohmann::json& transactions_of(const nlohmann::json& report);

// `n` requests sent, each answered, none lost or left, latency percentiles in order.
void expect_every_transaction_done(const nlohmann::json& t, std::uint64_t n);

// The kernel's TCP as the sink: it owns the sink's address, and `tcp_peer echo` on port
// 5201 sends every request back; returned once it listens (throws if it does not).
std::unique_ptr<Child> kernel_echo_server(const Lab& lab, const TempDir& dir);

// A capture on the sink's side of the bridge while `body` runs.
template <typename Body>
std::string captured(const Lab& lab, TempDir& dir, Body body) {
    const std::string pcap = dir / "wire.pcapng";
    Child capture(in_ns(lab["TG_SINK_NS"], {"dumpcap", "-i", lab["TG_SINK_WIRE_IF"], "-B", "64", "-w", pcap}),
                  dir / "dumpcap");
    EXPECT_TRUE(capture.wait_for_output("Capturing on", 30)) << capture.err();
    body();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const Exit e = capture.stop(SIGINT, 30);
    EXPECT_TRUE(e.ok()) << "dumpcap " << e.describe() << ": " << capture.err();
    return pcap;
}

}  // namespace tg::e2e
